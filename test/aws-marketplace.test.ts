import * as assert from "assert";
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { AwsMarketplaceVersion } from "../components/aws/marketplace";
import { changeSetFailure } from "../components/aws/marketplace-catalog";
import { changeSetName, changeSetToken } from "../components/aws/marketplace-changeset";
import { createMarketplaceProvider, MarketplaceVersionInputs, MarketplaceVersionOutputs } from "../components/aws/marketplace-provider";
import { AMI, useLocalMarketplace, versionInputs } from "./helpers/aws-marketplace";
import { FakeClock } from "./helpers/clock";
import { loadSerialised } from "./helpers/serialise";
import { MarketplaceCatalogServer, StoredVersion } from "./servers/marketplace-catalog";

/** A published version of a product, as DescribeEntity lists it. */
function publishedVersion(id: string, title: string, created: string, instanceType: string, architecture: string): StoredVersion {
    return {
        Id: `version-${id}`,
        VersionTitle: title,
        CreationDate: created,
        Sources: [{ Id: `source-${id}`, Architecture: architecture, Image: `ami-0mp${id}` }],
        DeliveryOptions: [{ Id: `do-${id}`, SourceId: `source-${id}`, Visibility: "Public", Recommendations: { InstanceType: instanceType } }],
    };
}

/** The AddDeliveryOptions document the sample inputs must produce. */
function expectedDocument(instanceType: string): Record<string, unknown> {
    return {
        Version: { VersionTitle: "Example Linux 2.1.0", ReleaseNotes: "Kernel 6.12 and OpenSSL 3.5." },
        DeliveryOptions: [{
            Details: {
                AmiDeliveryOptionDetails: {
                    AmiSource: {
                        AmiId: AMI,
                        AccessRoleArn: "arn:aws:iam::123456789012:role/marketplace-ingest",
                        UserName: "ec2-user",
                        OperatingSystemName: "OTHERLINUX",
                        OperatingSystemVersion: "2",
                        ScanningPort: 22,
                    },
                    UsageInstructions: "Connect with SSH as ec2-user.",
                    RecommendedInstanceType: instanceType,
                    SecurityGroups: [{ IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: ["0.0.0.0/0"] }],
                },
            },
        }],
    };
}

/** The body of the only StartChangeSet the server saw. */
function onlyStart(server: MarketplaceCatalogServer): Record<string, any> {
    const starts = server.calls("StartChangeSet").filter((call) => call.status === 200);
    assert.strictEqual(starts.length, 1, "exactly one change set started");
    return starts[0].body!;
}

describe("AwsMarketplaceVersion", () => {
    let clock: FakeClock;
    let server: MarketplaceCatalogServer;
    let endpoint: string;
    let provider: ReturnType<typeof createMarketplaceProvider>;

    useLocalMarketplace({ "prod-x86": "x86_64", "prod-arm": "arm64" }, (local) => {
        ({ clock, server, endpoint } = local);
        provider = createMarketplaceProvider({ clock, random: () => 0.5 });
    });

    describe("create", () => {
        it("starts one AddDeliveryOptions change set with the exact document, name and derived token", async () => {
            const result = await provider.create(versionInputs(endpoint, { recommendedInstanceType: "m7i.large" }));

            const body = onlyStart(server);
            const expectedToken = `ip-${createHash("sha256").update(["prod-x86", "2.1.0", "x86_64", AMI, "add"].join("\n")).digest("hex").slice(0, 32)}`;
            assert.deepStrictEqual(body, {
                Catalog: "AWSMarketplace",
                ChangeSet: [{
                    ChangeType: "AddDeliveryOptions",
                    Entity: { Type: "AmiProduct@1.0", Identifier: "prod-x86" },
                    DetailsDocument: expectedDocument("m7i.large"),
                }],
                ChangeSetName: `image-publisher AddDeliveryOptions 2.1.0 x86_64 ${AMI}`,
                ClientRequestToken: expectedToken,
            });
            assert.strictEqual(result.id, result.outs!.changeSetId);
            assert.deepStrictEqual(server.calls("DescribeChangeSet")[0].query, { catalog: "AWSMarketplace", changeSetId: result.id });
        });

        it("looks for an earlier change set of the same name on the product before starting one", async () => {
            await provider.create(versionInputs(endpoint, { recommendedInstanceType: "m7i.large" }));

            const operations = server.requests.map((request) => request.operation);
            assert.ok(operations.indexOf("ListChangeSets") < operations.indexOf("StartChangeSet"));
            assert.deepStrictEqual(server.calls("ListChangeSets")[0].body!.FilterList, [
                { Name: "EntityId", ValueList: ["prod-x86"] },
                { Name: "ChangeSetName", ValueList: [`image-publisher AddDeliveryOptions 2.1.0 x86_64 ${AMI}`] },
            ]);
        });

        it("keeps tokens within the API's limits and changes them with product, version, architecture, AMI, kind and retry", () => {
            // The token of a published version must never change: a changed token would make the
            // next run submit the change set again. "ip-" and the first 32 hex digits of the sha256 of
            // product, version, architecture, AMI and kind, one a line; 35 characters, within the
            // API's 36 (ClientRequestToken: 1-36 characters).
            const base = changeSetToken("prod-x86", "2.1.0", "x86_64", AMI, "add");
            assert.strictEqual(base, "ip-299335dd0f7b340b91bb07c57e8750d2");
            assert.strictEqual(changeSetToken("prod-x86", "2.1.0", "x86_64", AMI, "add", 1), "ip-ff74ac156556dcbb798400bdd22e061c");
            assert.strictEqual(changeSetToken("prod-x86", "2.1.0", "x86_64", AMI, "restrict"), "ip-2cc8fa1a19fd98fbae4aa1ea035b285e");
            const variants = [
                changeSetToken("prod-arm", "2.1.0", "x86_64", AMI, "add"),
                changeSetToken("prod-x86", "2.1.1", "x86_64", AMI, "add"),
                changeSetToken("prod-x86", "2.1.0", "arm64", AMI, "add"),
                changeSetToken("prod-x86", "2.1.0", "x86_64", "ami-0fedcba9876543210", "add"),
                changeSetToken("prod-x86", "2.1.0", "x86_64", AMI, "restrict"),
                changeSetToken("prod-x86", "2.1.0", "x86_64", AMI, "add", 1),
            ];
            assert.strictEqual(new Set([base, ...variants]).size, variants.length + 1);
            const name = changeSetName(`${"9".repeat(90)}/rc#1`, "x86_64", AMI, "add");
            assert.strictEqual(name.length, 100, "cut to the API's 100 characters (ChangeSetName: 1-100)");
            assert.match(name, /^[\w\s+=.:@-]+$/);
        });

        it("reads the recommended instance type from the product's newest version of the same architecture", async () => {
            server.products.get("prod-x86")!.versions.push(
                publishedVersion("1", "Example Linux 1.0.0", "2025-01-10T10:00:00Z", "m5.large", "x86_64"),
                publishedVersion("2", "Example Linux 2.0.0", "2025-09-10T10:00:00Z", "c6i.large", "x86_64"),
                publishedVersion("3", "Example Linux 2.0.0 arm", "2025-10-10T10:00:00Z", "c7g.large", "arm64"),
            );

            await provider.create(versionInputs(endpoint));

            const describe = server.calls("DescribeEntity")[0];
            assert.deepStrictEqual(describe.query, { catalog: "AWSMarketplace", entityId: "prod-x86" });
            assert.deepStrictEqual(onlyStart(server).ChangeSet[0].DetailsDocument, expectedDocument("c6i.large"));
        });

        it("falls back to t3.small for x86_64 and t4g.small for arm64 when the product recommends nothing", async () => {
            await provider.create(versionInputs(endpoint));
            await provider.create(versionInputs(endpoint, { productId: "prod-arm", architecture: "arm64", amiId: "ami-0aaaabbbbccccdddd" }));

            const types = server.calls("StartChangeSet")
                .map((call) => call.body!.ChangeSet as Array<{ DetailsDocument: any }>)
                .map((changes) => changes[0].DetailsDocument.DeliveryOptions[0].Details.AmiDeliveryOptionDetails.RecommendedInstanceType);
            assert.deepStrictEqual(types, ["t3.small", "t4g.small"]);
        });

        it("does not read the product before starting when the instance type is given", async () => {
            await provider.create(versionInputs(endpoint, { recommendedInstanceType: "m7i.large" }));

            const operations = server.requests.map((request) => request.operation);
            assert.ok(!operations.slice(0, operations.indexOf("StartChangeSet")).includes("DescribeEntity"));
        });

        it("waits for SUCCEEDED and reports the new version's delivery option", async () => {
            server.plans.push({ runningDescribes: 3 });

            const result = await provider.create(versionInputs(endpoint));

            const option = server.products.get("prod-x86")!.versions.find((version) => version.VersionTitle === "Example Linux 2.1.0")!.DeliveryOptions[0];
            assert.strictEqual(result.outs!.changeSetStatus, "SUCCEEDED");
            assert.strictEqual(result.outs!.deliveryOptionId, option.Id);
            assert.strictEqual(server.calls("DescribeChangeSet").length, 4);
            assert.deepStrictEqual(clock.sleeps, [30_000, 60_000, 120_000]);
        });

        it("returns once accepted when waitForCompletion is false, and a later read reports SUCCEEDED", async () => {
            server.plans.push({ durationMs: 3 * 3_600_000 });

            const result = await provider.create(versionInputs(endpoint, { waitForCompletion: false }));
            assert.strictEqual(result.outs!.changeSetStatus, "APPLYING");
            assert.strictEqual(result.outs!.deliveryOptionId, undefined);
            assert.deepStrictEqual(clock.sleeps, []);

            clock.advance(3 * 3_600_000);
            const read = await provider.read!(result.id, result.outs!);

            const option = server.products.get("prod-x86")!.versions[0].DeliveryOptions[0];
            assert.strictEqual(read.id, result.id);
            assert.strictEqual(read.props!.changeSetStatus, "SUCCEEDED");
            assert.strictEqual(read.props!.deliveryOptionId, option.Id);
        });

        it("fails with the change set ID, FailureCode and every error of a FAILED change set", async () => {
            server.plans.push({
                runningDescribes: 1,
                outcome: {
                    failureCode: "CLIENT_ERROR",
                    errors: [
                        { ErrorCode: "INVALID_AMI", ErrorMessage: "The AMI is not shared with the access role." },
                        { ErrorCode: "SCAN_FAILED", ErrorMessage: "Port 22 did not answer." },
                    ],
                },
            });

            const failure = await provider.create(versionInputs(endpoint)).then(() => undefined, (error: Error) => error);

            assert.ok(failure instanceof Error, "create fails");
            const changeSetId = [...server.changeSets.keys()][0];
            for (const part of [changeSetId, "FAILED", "CLIENT_ERROR", "INVALID_AMI", "The AMI is not shared with the access role.", "SCAN_FAILED", "Port 22 did not answer."]) {
                assert.ok(failure.message.includes(part), `"${failure.message}" names ${part}`);
            }
        });

        it("lists the errors of every change of a failed change set", () => {
            const error = changeSetFailure({
                $metadata: {},
                ChangeSetId: "cs-1",
                Status: "FAILED",
                FailureCode: "CLIENT_ERROR",
                ChangeSet: [
                    { ChangeType: "AddDeliveryOptions", ErrorDetailList: [{ ErrorCode: "A1", ErrorMessage: "first" }, { ErrorCode: "A2", ErrorMessage: "second" }] },
                    { ChangeType: "UpdateInformation", ErrorDetailList: [{ ErrorCode: "B1", ErrorMessage: "third" }] },
                ],
            });
            for (const part of ["cs-1", "CLIENT_ERROR", "A1: first", "A2: second", "B1: third"]) {
                assert.ok(error.message.includes(part), `"${error.message}" names ${part}`);
            }
        });

        it("fails when the change set is CANCELLED", async () => {
            server.plans.push({ runningDescribes: 2, outcome: "CANCELLED" });

            await assert.rejects(provider.create(versionInputs(endpoint)), (error: Error) => {
                const changeSetId = [...server.changeSets.keys()][0];
                return error.message.includes(changeSetId) && error.message.includes("CANCELLED");
            });
        });

        it("restricts the new version at once when it is created deprecated", async () => {
            const result = await provider.create(versionInputs(endpoint, { deprecated: true }));

            const option = server.products.get("prod-x86")!.versions[0].DeliveryOptions[0];
            assert.strictEqual(option.Visibility, "Restricted");
            assert.strictEqual(result.outs!.restrictChangeSetStatus, "SUCCEEDED");
        });
    });

    describe("check and diff", () => {
        const olds = (overrides: Partial<MarketplaceVersionOutputs> = {}): MarketplaceVersionOutputs => ({
            ...versionInputs("http://127.0.0.1:1"),
            changeSetId: "changeset000001",
            changeSetStatus: "SUCCEEDED",
            deliveryOptionId: "do-1",
            ...overrides,
        });

        it("replaces the version when productId, amiId, architecture or version change", async () => {
            for (const [field, value] of [["productId", "prod-other"], ["amiId", "ami-0fedcba9876543210"], ["architecture", "arm64"], ["version", "2.1.1"]] as const) {
                const diff = await provider.diff!("changeset000001", olds(), { ...versionInputs("http://127.0.0.1:1"), [field]: value });
                assert.deepStrictEqual(diff.replaces, [field]);
                assert.strictEqual(diff.changes, true);
            }
        });

        it("updates without replacing when the version is deprecated", async () => {
            const diff = await provider.diff!("changeset000001", olds(), versionInputs("http://127.0.0.1:1", { deprecated: true }));
            assert.deepStrictEqual(diff, { changes: true, replaces: [], deleteBeforeReplace: false });
        });

        it("ignores changed texts, which are not sent again, and a changed status", async () => {
            const news = versionInputs("http://127.0.0.1:1", {
                versionTitle: "Renamed", releaseNotes: "Other notes", usageInstructions: "Other", osVersion: "3", recommendedInstanceType: "m7i.large",
                securityGroups: [{ ipProtocol: "tcp", fromPort: 443, toPort: 443, ipRanges: ["10.0.0.0/8"] }],
            });
            const diff = await provider.diff!("changeset000001", olds({ changeSetStatus: "APPLYING" }), news);
            assert.deepStrictEqual(diff, { changes: false, replaces: [], deleteBeforeReplace: false });
        });

        it("updates the state alone when only the endpoint or wait settings change", async () => {
            const news = versionInputs("http://127.0.0.1:2", { waitForCompletion: false });
            const diff = await provider.diff!("changeset000001", olds(), news);
            assert.deepStrictEqual(diff, { changes: true, replaces: [], deleteBeforeReplace: false });

            const updated = await provider.update!("changeset000001", olds(), news);
            assert.strictEqual(updated.outs!.endpoint, "http://127.0.0.1:2");
            assert.strictEqual(updated.outs!.waitForCompletion, false);
            assert.strictEqual(updated.outs!.deliveryOptionId, "do-1");
        });

        it("sees no change when config no longer deprecates a restricted version (restricted by an earlier program version before its date): it stays restricted", async () => {
            const diff = await provider.diff!("changeset000001", olds({ deprecated: true }), versionInputs("http://127.0.0.1:1", { deprecated: false }));
            assert.deepStrictEqual(diff, { changes: false, replaces: [], deleteBeforeReplace: false });
        });

        it("rejects invalid inputs, lets unknown values through, and takes a restricted version no longer deprecated in config", async () => {
            const bad = await provider.check!({} as MarketplaceVersionInputs, versionInputs(endpoint, {
                amiId: "image-1", architecture: "riscv64" as "x86_64", accessRoleArn: "role", scanningPort: 0, versionTitle: "",
                securityGroups: [{ ipProtocol: "icmp", fromPort: 30, toPort: 20, ipRanges: [] }],
            }));
            assert.deepStrictEqual(bad.failures!.map((failure) => failure.property).sort(),
                ["accessRoleArn", "amiId", "architecture", "scanningPort", "securityGroups[0]", "versionTitle"]);

            const undeprecate = await provider.check!(versionInputs(endpoint, { deprecated: true }), versionInputs(endpoint, { deprecated: false }));
            assert.strictEqual(undeprecate.failures, undefined, "a prod preview before the date must not fail");

            const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
            const preview = await provider.check!({} as MarketplaceVersionInputs, versionInputs(endpoint, { amiId: unknown }));
            assert.strictEqual(preview.failures, undefined);
        });
    });

    describe("retiring", () => {
        /** Publishes the sample version next to an older one; returns its state. */
        async function published(): Promise<MarketplaceVersionOutputs> {
            server.products.get("prod-x86")!.versions.push(publishedVersion("old", "Example Linux 2.0.0", "2025-09-10T10:00:00Z", "c6i.large", "x86_64"));
            const result = await provider.create(versionInputs(endpoint));
            server.resetTraffic();
            return result.outs!;
        }

        it("deprecating issues RestrictDeliveryOptions for this version's delivery option", async () => {
            const state = await published();

            const updated = await provider.update!(state.changeSetId, state, versionInputs(endpoint, { deprecated: true }));

            const body = onlyStart(server);
            assert.deepStrictEqual(body.ChangeSet, [{
                ChangeType: "RestrictDeliveryOptions",
                Entity: { Type: "AmiProduct@1.0", Identifier: "prod-x86" },
                DetailsDocument: { DeliveryOptionIds: [state.deliveryOptionId] },
            }]);
            assert.strictEqual(body.ClientRequestToken, "ip-2cc8fa1a19fd98fbae4aa1ea035b285e", "the restrict token, not the add token ip-299335dd...");
            const [older, newer] = server.products.get("prod-x86")!.versions;
            assert.strictEqual(newer.DeliveryOptions[0].Visibility, "Restricted");
            assert.strictEqual(older.DeliveryOptions[0].Visibility, "Public");
            assert.strictEqual(updated.outs!.deprecated, true);
            assert.strictEqual(updated.outs!.restrictChangeSetStatus, "SUCCEEDED");
            assert.strictEqual(updated.outs!.changeSetId, state.changeSetId);
        });

        it("keeps a restricted version restricted when an update comes with deprecated: false, and submits nothing", async () => {
            const state = await published();
            const deprecated = (await provider.update!(state.changeSetId, state, versionInputs(endpoint, { deprecated: true }))).outs!;
            const starts = server.calls("StartChangeSet").length;

            const updated = await provider.update!(state.changeSetId, deprecated, versionInputs(endpoint, { deprecated: false, waitForCompletion: false }));
            assert.strictEqual(updated.outs!.deprecated, true);
            assert.strictEqual(updated.outs!.waitForCompletion, false);
            assert.strictEqual(server.calls("StartChangeSet").length, starts);
            assert.strictEqual(server.products.get("prod-x86")!.versions[1].DeliveryOptions[0].Visibility, "Restricted");
        });

        it("delete restricts the delivery option, and a second delete submits nothing", async () => {
            const state = await published();

            await provider.delete!(state.changeSetId, state);
            const body = onlyStart(server);
            assert.deepStrictEqual(body.ChangeSet[0].DetailsDocument, { DeliveryOptionIds: [state.deliveryOptionId] });
            assert.strictEqual(server.products.get("prod-x86")!.versions[1].DeliveryOptions[0].Visibility, "Restricted");

            server.resetTraffic();
            await provider.delete!(state.changeSetId, state);
            assert.strictEqual(server.calls("StartChangeSet").length, 0);
        });

        it("delete submits nothing when the version was already restricted elsewhere", async () => {
            const state = await published();
            server.products.get("prod-x86")!.versions[1].DeliveryOptions[0].Visibility = "Restricted";

            await provider.delete!(state.changeSetId, state);

            assert.strictEqual(server.calls("StartChangeSet").length, 0);
            assert.strictEqual(server.calls("DescribeEntity").length, 1);
        });

        it("delete cancels a change set that is still PREPARING and publishes nothing", async () => {
            server.plans.push({ preparingMs: 3_600_000, durationMs: 7_200_000 });
            const state = (await provider.create(versionInputs(endpoint, { waitForCompletion: false }))).outs!;
            assert.strictEqual(state.changeSetStatus, "PREPARING");

            await provider.delete!(state.changeSetId, state);

            assert.deepStrictEqual(server.calls("CancelChangeSet").map((call) => call.query), [{ catalog: "AWSMarketplace", changeSetId: state.changeSetId }]);
            assert.strictEqual(server.changeSets.get(state.changeSetId)!.final, "CANCELLED");
            assert.deepStrictEqual(server.products.get("prod-x86")!.versions, []);
            assert.strictEqual(server.calls("StartChangeSet").length, 1);
        });

        it("delete never cancels an APPLYING change set: it waits for it to end, then restricts what it published", async () => {
            server.plans.push({ durationMs: 2 * 3_600_000 });
            const state = (await provider.create(versionInputs(endpoint, { waitForCompletion: false }))).outs!;
            assert.strictEqual(state.changeSetStatus, "APPLYING");
            const started = clock.now();

            await provider.delete!(state.changeSetId, state);

            assert.strictEqual(server.calls("CancelChangeSet").length, 0);
            assert.ok(clock.now() - started >= 2 * 3_600_000, "waited for the change set to end");
            assert.strictEqual(server.changeSets.get(state.changeSetId)!.final, "SUCCEEDED");
            const versions = server.products.get("prod-x86")!.versions;
            assert.strictEqual(versions.length, 1);
            assert.strictEqual(versions[0].DeliveryOptions[0].Visibility, "Restricted");
            const restrict = server.calls("StartChangeSet").filter((call) => call.status === 200)[1];
            assert.deepStrictEqual((restrict.body!.ChangeSet as any[])[0].ChangeType, "RestrictDeliveryOptions");
        });
    });

    describe("deleting while the change set moves on", () => {
        it("delete that finds the change set APPLYING by the time its cancel arrives waits for it and restricts, instead of failing", async () => {
            // PREPARING for half a second: the cancel is throttled once, and its retry a second later finds it APPLYING.
            server.plans.push({ preparingMs: 500, durationMs: 3_600_000 });
            const state = (await provider.create(versionInputs(endpoint, { waitForCompletion: false }))).outs!;
            assert.strictEqual(state.changeSetStatus, "PREPARING");
            server.fail("throttling", 1, "CancelChangeSet");

            await provider.delete!(state.changeSetId, state);

            assert.deepStrictEqual(server.calls("CancelChangeSet").map((call) => call.status), [429, 423]);
            assert.strictEqual(server.changeSets.get(state.changeSetId)!.final, "SUCCEEDED");
            assert.strictEqual(server.products.get("prod-x86")!.versions[0].DeliveryOptions[0].Visibility, "Restricted");
        });
    });

    describe("the local Catalog API refuses what AWS refuses", () => {
        it("refuses CancelChangeSet once the change set is APPLYING, through the SDK", async () => {
            server.plans.push({ durationMs: 3_600_000 });
            const state = (await provider.create(versionInputs(endpoint, { waitForCompletion: false }))).outs!;
            const sdk = await import("@aws-sdk/client-marketplace-catalog");
            const client = new sdk.MarketplaceCatalogClient({ region: "us-east-1", endpoint, maxAttempts: 1 });

            await assert.rejects(client.send(new sdk.CancelChangeSetCommand({ Catalog: "AWSMarketplace", ChangeSetId: state.changeSetId })),
                (error: Error) => error.name === "ResourceInUseException" && /APPLYING/.test(error.message));
            assert.strictEqual(server.changeSets.get(state.changeSetId)!.final, undefined);
        });

        it("fails a second version with the same title in one product with DUPLICATE_VERSION_TITLE", async () => {
            await provider.create(versionInputs(endpoint, { recommendedInstanceType: "m7i.large" }));

            await assert.rejects(provider.create(versionInputs(endpoint, { architecture: "arm64", amiId: "ami-0aaaabbbbccccdddd", recommendedInstanceType: "m7g.large" })),
                /FAILED: FailureCode CLIENT_ERROR: .*DUPLICATE_VERSION_TITLE: The version title must be different from any other version titles of this product\./);
            assert.strictEqual(server.products.get("prod-x86")!.versions.length, 1);
        });

        it("fails a version whose AMI is not in us-east-1", async () => {
            await assert.rejects(provider.create(versionInputs(endpoint, { amiId: "ami-0eeeeeeeeeeeeeee1" })),
                /FAILED: .*INVALID_AMI_ID: AMI ami-0eeeeeeeeeeeeeee1 was not found in us-east-1/);
            assert.deepStrictEqual(server.products.get("prod-x86")!.versions, []);
        });
    });

    describe("finding an earlier change set", () => {
        it("reads every page of ListChangeSets, so a change set past the first page is resumed, not started again", async () => {
            const name = changeSetName("2.1.0", "x86_64", AMI, "add");
            const change = { ChangeType: "AddDeliveryOptions", Entity: { Type: "AmiProduct@1.0", Identifier: "prod-x86" }, DetailsDocument: {} };
            for (let i = 0; i < 21; i++) {
                const id = `changeset-earlier-${String(i).padStart(2, "0")}`;
                server.changeSets.set(id, {
                    id, name, token: `earlier-${i}`, changes: [change], startedAt: clock.now() + i, plan: {}, describes: 0,
                    final: i < 20 ? "FAILED" : "SUCCEEDED", errors: [],
                });
            }

            const result = await provider.create(versionInputs(endpoint, { recommendedInstanceType: "m7i.large" }));

            assert.strictEqual(result.id, "changeset-earlier-20");
            assert.strictEqual(server.calls("StartChangeSet").length, 0);
            const pages = server.calls("ListChangeSets");
            assert.strictEqual(pages.length, 2);
            assert.strictEqual(pages[0].body!.NextToken, undefined);
            assert.strictEqual(pages[1].body!.NextToken, "20");
        });
    });

    describe("as a Pulumi resource", () => {
        it("registers a dynamic resource whose serialised provider publishes against the local server", async () => {
            const registered: Array<{ type: string; inputs: Record<string, unknown> }> = [];
            await pulumi.runtime.setMocks({
                newResource: (args) => {
                    registered.push({ type: args.type, inputs: args.inputs });
                    return { id: `${args.name}-id`, state: { ...args.inputs, changeSetId: "changeset-mock", changeSetStatus: "SUCCEEDED" } };
                },
                call: (args) => args.inputs,
            }, "image-publisher", "test", false);

            const version = new AwsMarketplaceVersion("example-2-1-0-x86_64", versionInputs(endpoint));
            const [changeSetId, status] = await new Promise<[string, string]>((resolve) => pulumi.all([version.changeSetId, version.changeSetStatus])
                .apply(([id, s]) => resolve([id, s])));

            assert.strictEqual(changeSetId, "changeset-mock");
            assert.strictEqual(status, "SUCCEEDED");
            assert.strictEqual(registered.length, 1);
            assert.strictEqual(registered[0].type, "pulumi-nodejs:dynamic/aws:MarketplaceVersion");
            assert.strictEqual(registered[0].inputs.productId, "prod-x86");
            const text = registered[0].inputs.__provider;
            assert.strictEqual(typeof text, "string");

            const serialised = loadSerialised<ReturnType<typeof createMarketplaceProvider>>(text as string);

            const result = await serialised.create(versionInputs(endpoint, { recommendedInstanceType: "m7i.large" }));
            assert.strictEqual(result.outs!.changeSetStatus, "SUCCEEDED");
            assert.deepStrictEqual(onlyStart(server).ChangeSet[0].DetailsDocument, expectedDocument("m7i.large"));
            assert.ok(result.outs!.deliveryOptionId);
        });
    });
});
