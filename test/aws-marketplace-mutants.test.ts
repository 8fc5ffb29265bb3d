/**
 * The AWS Marketplace version provider's rules that the scenario tests (aws-marketplace.test.ts,
 * aws-marketplace-faults.test.ts) leave open: each input rule of check, each field of diff, the exact
 * failure message of a change set, how the product's versions are read, and the paths of read,
 * update and delete that a first publication does not take. Written against the mutants Stryker
 * found alive (README, "Mutation testing").
 */
import * as assert from "assert";
import * as sdk from "@aws-sdk/client-marketplace-catalog";
import { CatalogSession, changeSetFailure, findChangeSets, findOrStartChangeSet, isResourceInUse } from "../components/aws/marketplace-catalog";
import { changeSetName } from "../components/aws/marketplace-changeset";
import { MARKETPLACE_POLL_DEFAULTS, pollCost } from "../components/aws/marketplace-schedule";
import { createMarketplaceProvider, MarketplaceVersionInputs, MarketplaceVersionOutputs } from "../components/aws/marketplace-provider";
import { findDeliveryOption, productDetails, recommendedInstanceType } from "../components/aws/marketplace-entity";
import { AMI, useLocalMarketplace, versionInputs } from "./helpers/aws-marketplace";
import { FakeClock } from "./helpers/clock";
import { MarketplaceCatalogServer } from "./servers/marketplace-catalog";

/** The value Pulumi passes for an input not known yet (during preview). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

describe("AwsMarketplaceVersion inputs", () => {
    const provider = createMarketplaceProvider({ clock: new FakeClock(), random: () => 0.5 });
    const endpoint = "http://127.0.0.1:1";

    /** The properties check refuses for these inputs (over the sample version). */
    async function refused(overrides: Partial<MarketplaceVersionInputs>, olds: Partial<MarketplaceVersionInputs> = {}): Promise<string[]> {
        const result = await provider.check!(olds as MarketplaceVersionInputs, versionInputs(endpoint, overrides));
        return (result.failures ?? []).map((failure) => failure.property);
    }

    describe("check", () => {
        it("accepts the sample version, and returns the inputs as given", async () => {
            const inputs = versionInputs(endpoint);
            const result = await provider.check!({} as MarketplaceVersionInputs, inputs);
            assert.deepStrictEqual(result, { inputs });
        });

        for (const key of ["productId", "version", "versionTitle", "releaseNotes", "osName", "osVersion", "username", "usageInstructions"] as const) {
            it(`requires ${key} as a non-empty string, blank counting as empty, and lets an unknown ${key} through`, async () => {
                assert.deepStrictEqual(await refused({ [key]: "" }), [key]);
                assert.deepStrictEqual(await refused({ [key]: "   " }), [key]);
                assert.deepStrictEqual(await refused({ [key]: undefined }), [key]);
                assert.deepStrictEqual(await refused({ [key]: 7 as unknown as string }), [key]);
                assert.deepStrictEqual(await refused({ [key]: UNKNOWN }), []);
            });
        }

        it("names the property, and says what is allowed", async () => {
            const result = await provider.check!({} as MarketplaceVersionInputs, versionInputs(endpoint, {
                releaseNotes: "", amiId: "ami-1", architecture: "i386" as "x86_64", accessRoleArn: "role", scanningPort: 70000,
                securityGroups: [{ ipProtocol: "tcp", fromPort: 22, toPort: 22, ipRanges: [] }],
            }));
            assert.deepStrictEqual(result.failures, [
                { property: "releaseNotes", reason: "is required and must be a non-empty string" },
                { property: "amiId", reason: "\"ami-1\" is not an AMI ID; allowed: ami- and 8 to 17 hex digits" },
                { property: "architecture", reason: "\"i386\" is not supported; allowed: x86_64, arm64" },
                { property: "accessRoleArn", reason: "is not an IAM role ARN; allowed: arn:aws:iam::<12-digit account>:role/<name>" },
                { property: "scanningPort", reason: "must be a port number from 1 to 65535" },
                { property: "securityGroups[0]", reason: "needs ipProtocol tcp or udp, 0 <= fromPort <= toPort <= 65535 and at least one IP range" },
                ]);
        });

        it("takes an AMI ID of ami- and 8 to 17 lowercase hex digits, and nothing around it", async () => {
            for (const amiId of ["ami-01234567", "ami-0123456789abcdef0", UNKNOWN]) {
                assert.deepStrictEqual(await refused({ amiId }), [], amiId);
            }
            for (const amiId of ["ami-0123456", "ami-0123456789abcdef01", "ami-0123456G", "xami-01234567", "ami-01234567 ", "AMI-01234567"]) {
                assert.deepStrictEqual(await refused({ amiId }), ["amiId"], amiId);
            }
        });

        it("takes x86_64 and arm64 as architectures", async () => {
            assert.deepStrictEqual(await refused({ architecture: "arm64" }), []);
            assert.deepStrictEqual(await refused({ architecture: UNKNOWN as "arm64" }), []);
            assert.deepStrictEqual(await refused({ architecture: "aarch64" as "arm64" }), ["architecture"]);
        });

        it("takes an IAM role ARN of any partition with a 12-digit account", async () => {
            for (const accessRoleArn of ["arn:aws:iam::123456789012:role/ingest", "arn:aws-us-gov:iam::123456789012:role/path/ingest", UNKNOWN]) {
                assert.deepStrictEqual(await refused({ accessRoleArn }), [], accessRoleArn);
            }
            for (const accessRoleArn of [
                "arn:aws:iam::12345678901:role/ingest", "arn:aws:iam::1234567890123:role/ingest", "arn:aws:iam::123456789012:user/ingest",
                "arn:aws:iam::123456789012:role/", "arn:aws:iam::123456789012:role/in gest", "xarn:aws:iam::123456789012:role/ingest",
                "arn:aws:s3::123456789012:role/ingest",
            ]) {
                assert.deepStrictEqual(await refused({ accessRoleArn }), ["accessRoleArn"], accessRoleArn);
            }
        });

        it("takes a scanning port from 1 to 65535", async () => {
            for (const scanningPort of [1, 65535, UNKNOWN as unknown as number]) {
                assert.deepStrictEqual(await refused({ scanningPort }), [], String(scanningPort));
            }
            for (const scanningPort of [0, 65536, 22.5, "22" as unknown as number]) {
                assert.deepStrictEqual(await refused({ scanningPort }), ["scanningPort"], String(scanningPort));
            }
        });

        it("checks each security group: tcp or udp, ports in order within 0 to 65535, at least one range", async () => {
            const group = { ipProtocol: "tcp", fromPort: 22, toPort: 22, ipRanges: ["0.0.0.0/0"] };
            const good = [group, { ...group, ipProtocol: "udp", fromPort: 0, toPort: 65535 }, { ...group, fromPort: 80, toPort: 443 }];
            assert.deepStrictEqual(await refused({ securityGroups: good }), []);
            const bad = [
                { ...group, ipProtocol: "icmp" },
                { ...group, fromPort: -1 },
                { ...group, toPort: 65536 },
                { ...group, fromPort: 443, toPort: 80 },
                { ...group, fromPort: 22.5, toPort: 23 },
                { ...group, ipRanges: [] },
                { ...group, ipRanges: "0.0.0.0/0" as unknown as string[] },
            ];
            for (const [index, securityGroup] of bad.entries()) {
                assert.deepStrictEqual(await refused({ securityGroups: [group, securityGroup] }), ["securityGroups[1]"], `bad group ${index}`);
            }
            assert.deepStrictEqual(await refused({ securityGroups: UNKNOWN as unknown as [] }), []);
        });

        it("requires amiId, architecture, accessRoleArn, scanningPort and securityGroups, naming each missing one, and lets unknown ones through", async () => {
            const required = ["amiId", "architecture", "accessRoleArn", "scanningPort", "securityGroups"] as const;
            for (const key of required) {
                const result = await provider.check!({} as MarketplaceVersionInputs, versionInputs(endpoint, { [key]: undefined }));
                assert.deepStrictEqual(result.failures, [{ property: key, reason: "is required" }], key);
                assert.deepStrictEqual(await refused({ [key]: UNKNOWN }), [], key);
            }
            assert.deepStrictEqual(await refused(Object.fromEntries(required.map((key) => [key, undefined]))), [...required]);
        });

        it("requires securityGroups to be a list", async () => {
            const result = await provider.check!({} as MarketplaceVersionInputs, versionInputs(endpoint, { securityGroups: "0.0.0.0/0" as unknown as [] }));
            assert.deepStrictEqual(result.failures, [{ property: "securityGroups", reason: "must be a list of ingress rules" }]);
            assert.deepStrictEqual(await refused({ securityGroups: {} as unknown as [] }), ["securityGroups"]);
            assert.deepStrictEqual(await refused({ securityGroups: [] }), []);
        });

        it("accepts a deprecated version turning back, which the provider keeps restricted instead of failing every run", async () => {
            const olds = versionInputs(endpoint, { deprecated: true });
            assert.deepStrictEqual((await provider.check!(olds, versionInputs(endpoint, { deprecated: false }))).failures, undefined);
            assert.deepStrictEqual(await refused({ deprecated: undefined }, olds), []);
            assert.deepStrictEqual(await refused({ deprecated: true }, olds), []);
            assert.deepStrictEqual(await refused({ deprecated: UNKNOWN as unknown as boolean }, olds), []);
        });
    });

    describe("diff", () => {
        const olds = (overrides: Partial<MarketplaceVersionOutputs> = {}): MarketplaceVersionOutputs => ({
            ...versionInputs(endpoint),
            changeSetId: "changeset000001",
            changeSetStatus: "SUCCEEDED",
            deliveryOptionId: "do-1",
            ...overrides,
        });

        it("reports no change for the same inputs", async () => {
            assert.deepStrictEqual(await provider.diff!("changeset000001", olds(), versionInputs(endpoint)),
                { changes: false, replaces: [], deleteBeforeReplace: false });
        });

        for (const [field, value] of [["endpoint", "http://127.0.0.1:2"], ["waitForCompletion", false], ["pollTimeoutMinutes", 30], ["resourceInUseAttempts", 3]] as const) {
            it(`updates in place, replacing nothing, when ${field} changes`, async () => {
                assert.deepStrictEqual(await provider.diff!("changeset000001", olds(), versionInputs(endpoint, { [field]: value })),
                    { changes: true, replaces: [], deleteBeforeReplace: false });
            });
        }

        it("treats deprecated unset and false alike", async () => {
            assert.deepStrictEqual(await provider.diff!("changeset000001", olds({ deprecated: false }), versionInputs(endpoint)),
                { changes: false, replaces: [], deleteBeforeReplace: false });
        });

        it("updates a version turning deprecated, and reports no change for one that stays deprecated or turns back", async () => {
            assert.deepStrictEqual(await provider.diff!("changeset000001", olds(), versionInputs(endpoint, { deprecated: true })),
                { changes: true, replaces: [], deleteBeforeReplace: false });
            for (const deprecated of [true, false, undefined]) {
                assert.deepStrictEqual(await provider.diff!("changeset000001", olds({ deprecated: true }), versionInputs(endpoint, { deprecated })),
                    { changes: false, replaces: [], deleteBeforeReplace: false }, String(deprecated));
            }
        });

        it("lists every replacing field that changed", async () => {
            const diff = await provider.diff!("changeset000001", olds(), versionInputs(endpoint, { amiId: "ami-0fedcba9876543210", version: "2.1.1" }));
            assert.deepStrictEqual(diff, { changes: true, replaces: ["amiId", "version"], deleteBeforeReplace: false });
        });
    });
});

describe("AwsMarketplaceVersion reading the Catalog's answers", () => {
    describe("a failed change set's error", () => {
        it("gives the ID, status, FailureCode, description and each change's errors, one message, with runs of spaces collapsed", () => {
            const error = changeSetFailure({
                $metadata: {},
                ChangeSetId: "cs-1",
                Status: "FAILED",
                FailureCode: "CLIENT_ERROR",
                FailureDescription: "The change set could not be applied.",
                ChangeSet: [
                    { ChangeType: "AddDeliveryOptions", Entity: { Type: "AmiProduct@1.0", Identifier: "prod-x86" }, ErrorDetailList: [{ ErrorCode: "A1", ErrorMessage: "first" }] },
                    { ErrorDetailList: [{}, { ErrorCode: "B1", ErrorMessage: "runs  of   spaces" }] },
                    { ChangeType: "UpdateInformation" },
                ],
            });
            assert.strictEqual(error.message, "Marketplace change set cs-1 FAILED: FailureCode CLIENT_ERROR: The change set could not be applied.: "
                + "errors: AddDeliveryOptions prod-x86: A1: first; change : ERROR: ; change : B1: runs of spaces");
        });

        it("says when the change set gave no code and no error details", () => {
            const error = changeSetFailure({ $metadata: {}, ChangeSetId: "cs-2", Status: "CANCELLED" });
            assert.strictEqual(error.message, "Marketplace change set cs-2 CANCELLED: FailureCode none: no error details");
        });
    });

    describe("the product's versions", () => {
        it("reads DetailsDocument, else the Details JSON string, else no versions", () => {
            const versions = [{ Id: "v1", VersionTitle: "One" }];
            assert.deepStrictEqual(productDetails({ DetailsDocument: { Versions: versions }, Details: "{\"Versions\":[]}" }), { Versions: versions });
            assert.deepStrictEqual(productDetails({ Details: JSON.stringify({ Versions: versions }) }), { Versions: versions });
            assert.deepStrictEqual(productDetails({ DetailsDocument: null, Details: JSON.stringify({ Versions: versions }) }), { Versions: versions });
            assert.deepStrictEqual(productDetails({ DetailsDocument: { Versions: "none" } }), { Versions: [] });
            assert.deepStrictEqual(productDetails({}), { Versions: [] });
        });

        it("recommends the instance type of the newest version, the later one in the list when dates are equal or missing, an undated one as oldest", () => {
            const version = (id: string, created: string | undefined, instanceType: string) => ({
                Id: id, VersionTitle: id, ...(created ? { CreationDate: created } : {}),
                DeliveryOptions: [{ Id: `do-${id}`, Recommendations: { InstanceType: instanceType } }],
            });
            assert.strictEqual(recommendedInstanceType({ Versions: [version("a", "2025-01-01T00:00:00Z", "m5.large"), version("b", "2025-01-01T00:00:00Z", "m6i.large")] }, "x86_64"), "m6i.large");
            assert.strictEqual(recommendedInstanceType({ Versions: [version("a", undefined, "m5.large"), version("b", undefined, "m6i.large")] }, "x86_64"), "m6i.large");
            assert.strictEqual(recommendedInstanceType({ Versions: [version("a", "2025-02-01T00:00:00Z", "m5.large"), version("b", "2025-01-01T00:00:00Z", "m6i.large")] }, "x86_64"), "m5.large");
            // A version without a creation date counts as older than any dated one.
            assert.strictEqual(recommendedInstanceType({ Versions: [version("a", "2025-01-01T00:00:00Z", "m5.large"), version("b", undefined, "m6i.large")] }, "x86_64"), "m5.large");
        });

        it("skips options without a recommendation, and takes an option whose source does not say its architecture", () => {
            const details = {
                Versions: [{
                    Id: "v1", CreationDate: "2025-01-01T00:00:00Z",
                    Sources: [{ Id: "s-arm", Architecture: "arm64" }, { Id: "s-any" }],
                    DeliveryOptions: [
                        { Id: "do-none", SourceId: "s-arm" },
                        { Id: "do-arm", SourceId: "s-arm", Recommendations: { InstanceType: "c7g.large" } },
                        { Id: "do-any", SourceId: "s-any", Recommendations: { InstanceType: "c6i.large" } },
                    ],
                }],
            };
            assert.strictEqual(recommendedInstanceType(details, "arm64"), "c7g.large");
            assert.strictEqual(recommendedInstanceType(details, "x86_64"), "c6i.large");
        });

        it("does not match an option without a source ID to a source without an ID", () => {
            const details = {
                Versions: [{
                    Id: "v1", VersionTitle: "One",
                    Sources: [{ Architecture: "arm64" }],
                    DeliveryOptions: [{ Id: "do-1", Recommendations: { InstanceType: "c6i.large" } }],
                }],
            };
            assert.strictEqual(recommendedInstanceType(details, "x86_64"), "c6i.large");
            assert.deepStrictEqual(findDeliveryOption(details, "One", "x86_64"), { id: "do-1", visibility: "" });
        });

        it("falls back to t3.small for an architecture it has no fallback for", () => {
            assert.strictEqual(recommendedInstanceType({ Versions: [] }, "riscv64"), "t3.small");
            assert.strictEqual(recommendedInstanceType({ Versions: [] }, "arm64"), "t4g.small");
        });

        it("finds the delivery option by version title and architecture, or by its known ID, skipping options without an ID", () => {
            const details = {
                Versions: [
                    {
                        Id: "v1", VersionTitle: "One",
                        Sources: [{ Id: "s1", Architecture: "x86_64" }, { Id: "s2", Architecture: "arm64" }],
                        DeliveryOptions: [{ SourceId: "s2", Visibility: "Public" }, { Id: "do-1", SourceId: "s1", Visibility: "Public" }, { Id: "do-2", SourceId: "s2", Visibility: "Restricted" }],
                    },
                    { Id: "v2", VersionTitle: "Two", Sources: [{ Id: "s3", Architecture: "x86_64" }], DeliveryOptions: [{ Id: "do-3", SourceId: "s3", Visibility: "Public" }] },
                ],
            };
            assert.deepStrictEqual(findDeliveryOption(details, "One", "arm64"), { id: "do-2", visibility: "Restricted" });
            assert.deepStrictEqual(findDeliveryOption(details, "One", "x86_64"), { id: "do-1", visibility: "Public" });
            assert.deepStrictEqual(findDeliveryOption(details, "Two", "x86_64"), { id: "do-3", visibility: "Public" });
            assert.deepStrictEqual(findDeliveryOption(details, "Two", "arm64"), undefined);
            assert.deepStrictEqual(findDeliveryOption(details, "Three", "x86_64"), undefined);
            assert.deepStrictEqual(findDeliveryOption(details, "Other title", "arm64", "do-3"), { id: "do-3", visibility: "Public" });
            assert.deepStrictEqual(findDeliveryOption(details, "One", "x86_64", "do-9"), undefined);
        });
    });
});

describe("AwsMarketplaceVersion against the local Catalog API", () => {
    let clock: FakeClock;
    let server: MarketplaceCatalogServer;
    let endpoint: string;
    let provider: ReturnType<typeof createMarketplaceProvider>;

    useLocalMarketplace({ "prod-x86": "x86_64" }, (local) => {
        ({ clock, server, endpoint } = local);
        provider = createMarketplaceProvider({ clock, random: () => 0.5 });
    });

    /** The sample version, with its instance type given so that create does not read the product first. */
    const inputs = (overrides: Partial<MarketplaceVersionInputs> = {}): MarketplaceVersionInputs =>
        versionInputs(endpoint, { recommendedInstanceType: "m7i.large", ...overrides });

    /** Publishes the sample version and forgets the traffic; returns its state. */
    async function published(overrides: Partial<MarketplaceVersionInputs> = {}): Promise<MarketplaceVersionOutputs> {
        const result = await provider.create(inputs(overrides));
        server.resetTraffic();
        return result.outs!;
    }

    /** The delivery option the server holds for the sample version. */
    const option = () => server.products.get("prod-x86")!.versions[0].DeliveryOptions[0];

    describe("create", () => {
        it("waits for the change set even with waitForCompletion false when the version is created deprecated", async () => {
            server.plans.push({ durationMs: 3_600_000 });

            const result = await provider.create(inputs({ waitForCompletion: false, deprecated: true }));

            assert.strictEqual(result.outs!.changeSetStatus, "SUCCEEDED");
            assert.strictEqual(option().Visibility, "Restricted");
            assert.strictEqual(result.outs!.deliveryOptionId, option().Id);
        });

        it("fails, as a waited version does, when the change set of a version created deprecated with waitForCompletion false fails", async () => {
            server.plans.push({ durationMs: 3_600_000, outcome: { failureCode: "CLIENT_ERROR", errors: [{ ErrorCode: "INVALID_AMI", ErrorMessage: "not shared" }] } });

            await assert.rejects(provider.create(inputs({ waitForCompletion: false, deprecated: true })), /FAILED.*INVALID_AMI/);
            assert.deepStrictEqual(server.calls("DescribeEntity"), []);
        });

        it("does not read the product while the change set has not SUCCEEDED", async () => {
            server.plans.push({ durationMs: 3_600_000 });

            const result = await provider.create(inputs({ waitForCompletion: false }));

            assert.strictEqual(result.outs!.changeSetStatus, "APPLYING");
            assert.deepStrictEqual(server.calls("DescribeEntity"), []);
        });

        it("sees a change set that ends just as a poll is due at that poll", async () => {
            server.plans.push({ durationMs: 30_000 });

            await provider.create(inputs());

            assert.deepStrictEqual(server.calls("DescribeChangeSet").map((call) => call.at - server.calls("DescribeChangeSet")[0].at), [0, 30_000]);
            assert.deepStrictEqual(pollCost(30_000), { describes: 2, noticedAtMs: 30_000 });
        });

        it("names its change sets by kind, version, architecture and AMI, with characters the API refuses replaced by -", () => {
            assert.strictEqual(changeSetName("2.1.0/rc#1", "x86_64", AMI, "add"), `image-publisher AddDeliveryOptions 2.1.0-rc-1 x86_64 ${AMI}`);
            assert.strictEqual(changeSetName("2.1.0", "arm64", AMI, "restrict"), `image-publisher RestrictDeliveryOptions 2.1.0 arm64 ${AMI}`);
        });

        it("passes on an error the API gives for good, such as an unknown product, at once and as the API wrote it", async () => {
            await assert.rejects(provider.create(inputs({ productId: "prod-none" })),
                (error: Error) => error.name === "ResourceNotFoundException" && error.message === "entity prod-none not found");
            assert.strictEqual(server.calls("StartChangeSet").length, 1);
            assert.deepStrictEqual(clock.sleeps, []);
        });

        it("says, when it gives up polling, that the change set keeps running and a later run resumes it", async () => {
            server.plans.push({ durationMs: 4 * 3_600_000 });

            await assert.rejects(provider.create(inputs({ pollTimeoutMinutes: 1 })),
                /timed out after 60 s waiting for Marketplace change set changeset\d+ to finish \(it keeps running; a later run resumes it\)/);
        });
    });

    describe("giving up", () => {
        for (const operation of ["ListChangeSets", "StartChangeSet", "DescribeChangeSet", "DescribeEntity"]) {
            it(`names ${operation} when it keeps being throttled, and keeps the last answer as the cause`, async () => {
                server.fail("throttling", 1_000, operation);

                const error = await provider.create(versionInputs(endpoint)).then(() => undefined, (e: Error) => e);

                assert.ok(error instanceof Error, "create fails");
                assert.strictEqual(error.message, `Marketplace ${operation}: gave up after 6 attempts: Rate exceeded`);
                assert.strictEqual(((error.cause as Error).cause as Error).name, "ThrottlingException");
            });
        }

        it("keeps the last ResourceInUseException as the cause when the product stays busy", async () => {
            server.fail("resourceInUse", 1_000);

            const error = await provider.create(inputs({ resourceInUseAttempts: 2 })).then(() => undefined, (e: Error) => e);

            assert.ok(error instanceof Error, "create fails");
            assert.strictEqual(((error.cause as Error).cause as Error).name, "ResourceInUseException");
        });
    });

    describe("read", () => {
        it("refuses to read a version without its state: import is not supported", async () => {
            await assert.rejects(provider.read!("changeset000001", undefined as unknown as MarketplaceVersionOutputs),
                /^Error: Marketplace version changeset000001 cannot be read without its state; import is not supported$/);
        });

        it("reads the change set by the resource ID when the state lacks its change set ID", async () => {
            const state = await published();

            const read = await provider.read!(state.changeSetId, { ...state, changeSetId: undefined as unknown as string, changeSetStatus: "APPLYING" });

            assert.deepStrictEqual(server.calls("DescribeChangeSet").map((call) => call.query.changeSetId), [state.changeSetId]);
            assert.strictEqual(read.props!.changeSetStatus, "SUCCEEDED");
        });

        it("refreshes the restrict change set's status, and leaves it out while there is none", async () => {
            const state = await published();
            assert.strictEqual(state.restrictChangeSetStatus, undefined);
            server.plans.push({ durationMs: 3_600_000 });
            const deprecated = (await provider.update!(state.changeSetId, state, inputs({ deprecated: true, waitForCompletion: false }))).outs!;
            assert.strictEqual(deprecated.restrictChangeSetStatus, "APPLYING");

            const before = await provider.read!(state.changeSetId, deprecated);
            clock.advance(3_600_000);
            const after = await provider.read!(state.changeSetId, deprecated);

            assert.strictEqual(before.props!.restrictChangeSetStatus, "APPLYING");
            assert.strictEqual(after.props!.restrictChangeSetStatus, "SUCCEEDED");
            assert.deepStrictEqual(server.calls("DescribeChangeSet").slice(-2).map((call) => call.query.changeSetId), [state.changeSetId, deprecated.restrictChangeSetId]);
            const unrestricted = await provider.read!(state.changeSetId, state);
            assert.strictEqual(unrestricted.props!.restrictChangeSetStatus, undefined);
        });

        it("keeps the known delivery option when the product no longer lists it", async () => {
            const state = await published();
            server.products.get("prod-x86")!.versions.length = 0;

            const read = await provider.read!(state.changeSetId, state);

            assert.strictEqual(read.props!.deliveryOptionId, state.deliveryOptionId);
        });

        it("does not look for a delivery option while the change set has not SUCCEEDED", async () => {
            server.plans.push({ durationMs: 3_600_000 });
            const state = (await provider.create(inputs({ waitForCompletion: false }))).outs!;
            server.resetTraffic();

            const read = await provider.read!(state.changeSetId, state);

            assert.strictEqual(read.props!.changeSetStatus, "APPLYING");
            assert.strictEqual(server.calls("DescribeEntity").length, 0);
        });
    });

    describe("update", () => {
        it("keeps a restricted version restricted when config no longer deprecates it, and calls nothing", async () => {
            const state = await published({ deprecated: true });
            server.resetTraffic();

            const updated = await provider.update!(state.changeSetId, state, inputs());
            assert.strictEqual(updated.outs!.deprecated, true);
            assert.deepStrictEqual(server.requests, []);
        });

        it("keeps the new operational settings in the state and calls nothing", async () => {
            const state = await published();

            const updated = await provider.update!(state.changeSetId, state, inputs({ endpoint: "http://127.0.0.1:9", pollTimeoutMinutes: 30, resourceInUseAttempts: 4 }));

            assert.deepStrictEqual(updated.outs, { ...state, deprecated: undefined, waitForCompletion: undefined, endpoint: "http://127.0.0.1:9", pollTimeoutMinutes: 30, resourceInUseAttempts: 4 });
            assert.deepStrictEqual(server.requests, []);
        });

        it("submits nothing when a deprecated version stays deprecated", async () => {
            const state = await published({ deprecated: true });
            server.resetTraffic();

            const updated = await provider.update!(state.changeSetId, state, inputs({ deprecated: true, endpoint: "http://127.0.0.1:9" }));

            assert.deepStrictEqual(server.requests, []);
            assert.strictEqual(updated.outs!.restrictChangeSetId, state.restrictChangeSetId);
        });

        it("deprecating a published version reads its finished change set once, without polling it", async () => {
            const state = await published();

            await provider.update!(state.changeSetId, state, inputs({ deprecated: true }));

            assert.strictEqual(server.calls("DescribeChangeSet").filter((call) => call.query.changeSetId === state.changeSetId).length, 1);
        });

        it("deprecating a version whose change set is still running waits for it, then restricts it", async () => {
            server.plans.push({ durationMs: 3_600_000 });
            const state = (await provider.create(inputs({ waitForCompletion: false }))).outs!;
            assert.strictEqual(state.changeSetStatus, "APPLYING");

            const updated = (await provider.update!(state.changeSetId, state, inputs({ deprecated: true }))).outs!;

            assert.strictEqual(updated.changeSetStatus, "SUCCEEDED");
            assert.strictEqual(option().Visibility, "Restricted");
            assert.strictEqual(updated.deliveryOptionId, option().Id);
            assert.strictEqual(updated.restrictChangeSetStatus, "SUCCEEDED");
        });

        it("deprecating a version whose change set failed submits nothing and records the failure", async () => {
            server.plans.push({ durationMs: 3_600_000, outcome: { failureCode: "CLIENT_ERROR", errors: [] } });
            const state = (await provider.create(inputs({ waitForCompletion: false }))).outs!;
            clock.advance(3_600_000);
            server.resetTraffic();

            const updated = (await provider.update!(state.changeSetId, state, inputs({ deprecated: true }))).outs!;

            assert.strictEqual(updated.changeSetStatus, "FAILED");
            assert.strictEqual(updated.restrictChangeSetId, undefined);
            assert.deepStrictEqual(server.calls("StartChangeSet"), []);
            assert.deepStrictEqual(server.calls("DescribeEntity"), []);
        });

        it("deprecating fails, naming product, architecture and title, when the product has no such delivery option", async () => {
            const state = await published();
            server.products.get("prod-x86")!.versions.length = 0;

            await assert.rejects(provider.update!(state.changeSetId, { ...state, deliveryOptionId: undefined }, inputs({ deprecated: true })),
                /^Error: Marketplace product prod-x86 has no x86_64 delivery option in version "Example Linux 2\.1\.0" to restrict$/);
            assert.deepStrictEqual(server.calls("StartChangeSet"), []);
        });

        it("deprecating a version restricted elsewhere submits nothing and records its delivery option", async () => {
            const state = await published();
            option().Visibility = "Restricted";

            const updated = (await provider.update!(state.changeSetId, { ...state, deliveryOptionId: undefined }, inputs({ deprecated: true }))).outs!;

            assert.deepStrictEqual(server.calls("StartChangeSet"), []);
            assert.strictEqual(updated.deliveryOptionId, option().Id);
            assert.strictEqual(updated.restrictChangeSetId, undefined);
        });

        it("deprecating fails with the restrict change set's failure", async () => {
            const state = await published();
            server.plans.push({ outcome: { failureCode: "SERVER_FAULT", errors: [{ ErrorCode: "INTERNAL_ERROR", ErrorMessage: "try again" }] } });

            await assert.rejects(provider.update!(state.changeSetId, state, inputs({ deprecated: true })),
                /FAILED: FailureCode SERVER_FAULT: errors: RestrictDeliveryOptions prod-x86: INTERNAL_ERROR: try again/);
        });

        it("deprecating waits for the restrict change set to end", async () => {
            const state = await published();
            server.plans.push({ durationMs: 3_600_000 });

            const updated = (await provider.update!(state.changeSetId, state, inputs({ deprecated: true }))).outs!;

            assert.strictEqual(updated.restrictChangeSetStatus, "SUCCEEDED");
            assert.strictEqual(option().Visibility, "Restricted");
        });

        it("deprecating with waitForCompletion false returns once the restrict change set is accepted", async () => {
            const state = await published();
            server.plans.push({ durationMs: 3_600_000 });

            const updated = (await provider.update!(state.changeSetId, state, inputs({ deprecated: true, waitForCompletion: false }))).outs!;

            assert.strictEqual(updated.restrictChangeSetStatus, "APPLYING");
            assert.deepStrictEqual(clock.sleeps, []);
            assert.strictEqual(option().Visibility, "Public");
        });
    });

    describe("delete", () => {
        it("of a version whose change set failed submits nothing", async () => {
            server.plans.push({ outcome: { failureCode: "CLIENT_ERROR", errors: [] } });
            const failed = await provider.create(inputs()).then(() => undefined, (error: Error) => error);
            assert.ok(failed);
            const changeSetId = [...server.changeSets.keys()][0];
            server.resetTraffic();

            await provider.delete!(changeSetId, { ...inputs(), changeSetId, changeSetStatus: "APPLYING" });

            assert.deepStrictEqual(server.calls("StartChangeSet"), []);
            assert.deepStrictEqual(server.calls("CancelChangeSet"), []);
        });

        it("of a version the product no longer lists submits nothing", async () => {
            const state = await published();
            server.products.get("prod-x86")!.versions.length = 0;

            await provider.delete!(state.changeSetId, { ...state, deliveryOptionId: undefined });

            assert.deepStrictEqual(server.calls("StartChangeSet"), []);
        });

        it("fails, and publishes nothing, when the cancel of a change set still PREPARING keeps failing", async () => {
            server.plans.push({ preparingMs: 10 * 3_600_000, durationMs: 11 * 3_600_000 });
            const state = (await provider.create(inputs({ waitForCompletion: false }))).outs!;
            server.fail("internal", 6, "CancelChangeSet");

            await assert.rejects(provider.delete!(state.changeSetId, state), /^Error: Marketplace CancelChangeSet: gave up after 6 attempts/);

            assert.strictEqual(server.changeSets.get(state.changeSetId)!.final, undefined);
            assert.deepStrictEqual(server.calls("StartChangeSet").filter((call) => call.status === 200).length, 1);
        });
    });
});

describe("AwsMarketplaceVersion finding and starting change sets", () => {
    /** A session whose client answers every call with `answer` and records what it was sent. */
    function session(answer: (input: Record<string, unknown>, call: number) => unknown): { session: CatalogSession; sent: Array<Record<string, unknown>> } {
        const sent: Array<Record<string, unknown>> = [];
        const client = { send: async (command: { input: Record<string, unknown> }) => answer(command.input, sent.push(command.input)) };
        return {
            session: { sdk, client: client as unknown as sdk.MarketplaceCatalogClient, clock: new FakeClock(), random: () => 0.5, poll: MARKETPLACE_POLL_DEFAULTS, busyAttempts: 3 },
            sent,
        };
    }

    it("keeps only the change sets of exactly this name, oldest first, whatever order the API lists them in", async () => {
        const { session: s } = session(() => ({
            ChangeSetSummaryList: [
                { ChangeSetId: "cs-3", ChangeSetName: "add 2.1.0", StartTime: "2026-01-03T00:00:00Z" },
                { ChangeSetId: "cs-x", ChangeSetName: "add 2.1.0 other", StartTime: "2026-01-02T00:00:00Z" },
                { ChangeSetId: "cs-1", ChangeSetName: "add 2.1.0", StartTime: "2026-01-01T00:00:00Z" },
                { ChangeSetId: "cs-2", ChangeSetName: "add 2.1.0", StartTime: "2026-01-02T00:00:00Z" },
                { ChangeSetId: "cs-0", ChangeSetName: "add 2.1.0" },
            ],
        }));

        const found = await findChangeSets(s, "prod-x86", "add 2.1.0");

        assert.deepStrictEqual(found.map((summary) => summary.ChangeSetId), ["cs-0", "cs-1", "cs-2", "cs-3"], "one without a start time first");
    });

    it("resumes the newest change set that has not failed", async () => {
        const { session: s } = session(() => ({
            ChangeSetSummaryList: [
                { ChangeSetId: "cs-new-failed", ChangeSetName: "n", Status: "FAILED", StartTime: "2026-01-04T00:00:00Z" },
                { ChangeSetId: "cs-old", ChangeSetName: "n", Status: "SUCCEEDED", StartTime: "2026-01-01T00:00:00Z" },
                { ChangeSetId: "cs-mid", ChangeSetName: "n", Status: "APPLYING", StartTime: "2026-01-02T00:00:00Z" },
            ],
        }));

        const started = await findOrStartChangeSet(s, { productId: "prod-x86", name: "n", tokenFor: () => "t", change: () => Promise.reject(new Error("no change is built")) });

        assert.deepStrictEqual(started, { changeSetId: "cs-mid" });
    });

    it("takes only a ResourceInUseException for a busy product, whatever else is thrown", () => {
        assert.strictEqual(isResourceInUse(Object.assign(new Error("busy"), { name: "ResourceInUseException" })), true);
        assert.strictEqual(isResourceInUse(Object.assign(new Error("throttled"), { name: "ThrottlingException" })), false);
        assert.strictEqual(isResourceInUse(undefined), false);
    });

    it("reads at most 50 pages of ListChangeSets", async () => {
        const { session: s, sent } = session((_input, call) => ({ ChangeSetSummaryList: [], NextToken: `page-${call}` }));

        await findChangeSets(s, "prod-x86", "n");

        assert.strictEqual(sent.length, 50);
        assert.strictEqual(sent[49].NextToken, "page-49");
    });

    it("fails, naming the product, when StartChangeSet answers without a change set ID", async () => {
        const { session: s } = session((input) => ("ChangeSet" in input ? {} : { ChangeSetSummaryList: [] }));

        await assert.rejects(findOrStartChangeSet(s, { productId: "prod-x86", name: "n", tokenFor: () => "t", change: async () => ({ ChangeType: "X", Entity: { Type: "T", Identifier: "prod-x86" }, DetailsDocument: {} }) }),
            /^Error: Marketplace StartChangeSet for product prod-x86 returned no change set ID$/);
    });
});
