import { strict as assert } from "assert";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { API_VERSION, CONFIGURE_SCHEMA, PARTNER_CENTER_SCOPE, SUBMISSION_SCHEMA, partnerCenterClient } from "../components/azure/partner-center-client";
import {
    MarketplaceVersionInputs, MarketplaceVersionProviderOptions, marketplaceVersionProvider,
} from "../components/azure/partner-center-provider";
import { FakeClock } from "./helpers/clock";
import { storedWithFormerKind } from "./helpers/former-kind";
import { roundTrip } from "./helpers/serialise";
import { localAccessToken } from "./servers/azure-arm";
import { PartnerCenterServer } from "./servers/partner-center";

const tenantId = "11111111-2222-3333-4444-555555555555";
const gen2Version = "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/images/providers/Microsoft.Compute/galleries/g/images/product/versions/1592.4.0";
const armVersion = "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/images/providers/Microsoft.Compute/galleries/g/images/product-arm64/versions/1592.4.0";

describe("AzureMarketplaceVersion provider (Partner Center)", () => {
    let server: PartnerCenterServer;

    beforeEach(async () => {
        server = await new PartnerCenterServer().start();
    });

    afterEach(async () => {
        await server.close();
    });

    const inputs = (extra: Partial<MarketplaceVersionInputs> = {}): MarketplaceVersionInputs => ({
        offerId: "product-offer",
        planId: "standard",
        tenantId,
        clientId: "66666666-7777-8888-9999-000000000000",
        clientSecret: server.clientSecret,
        versionNumber: "1592.4.0",
        images: [{ imageType: "x64Gen2", resourceId: gen2Version }, { imageType: "arm64Gen2", resourceId: armVersion }],
        deprecated: false,
        publish: false,
        endpoint: server.url,
        authorityHost: server.url,
        ...extra,
    });

    const provider = (options: MarketplaceVersionProviderOptions = {}) =>
        marketplaceVersionProvider({ clock: new FakeClock(0), random: () => 0.5, ...options });

    const newEntry = {
        versionNumber: "1592.4.0",
        vmImages: [
            { imageType: "arm64Gen2", source: { sourceType: "sharedImageGallery", sharedImage: { tenantId, resourceId: armVersion } } },
            { imageType: "x64Gen2", source: { sourceType: "sharedImageGallery", sharedImage: { tenantId, resourceId: gen2Version } } },
        ],
    };

    it("configures the plan's full technical configuration, keeping every existing version and adding the new one without a \"v\"", async () => {
        const before = structuredClone(server.planConfiguration("draft"));
        const result = await provider().create!(inputs());

        assert.equal(server.configures.length, 1);
        const sent = server.configures[0];
        assert.equal(sent.$schema, CONFIGURE_SCHEMA);
        assert.equal(sent.resources.length, 1, "only the plan's technical configuration is sent");
        assert.deepEqual(sent.resources[0], {
            ...before,
            vmImageVersions: [(before?.vmImageVersions as unknown[])[0], newEntry],
        });
        assert.deepEqual(server.planConfiguration("draft")?.vmImageVersions, [(before?.vmImageVersions as unknown[])[0], newEntry]);
        assert.deepEqual(server.planConfiguration("draft", server.otherPlanGuid)?.vmImageVersions, [], "the other plan is untouched");
        assert.equal(server.requests.find((r) => r.path === "/product")?.query.externalId, "product-offer");
        assert.deepEqual(result.outs, {
            offerId: "product-offer", planId: "standard", tenantId, clientId: "66666666-7777-8888-9999-000000000000",
            versionNumber: "1592.4.0", images: inputs().images, deprecated: false, publish: false, endpoint: server.url, authorityHost: server.url,
            productId: server.productGuid, jobId: "job-1", status: "succeeded", state: "draft",
        });
    });

    it("leaves a draft when publish is false: no submission, nothing in preview or live", async () => {
        await provider().create!(inputs());
        assert.equal(server.configures.flatMap((c) => c.resources).filter((r) => r.$schema === SUBMISSION_SCHEMA).length, 0);
        assert.equal(server.requests.filter((r) => r.path.startsWith("/submission/")).length, 0);
        assert.equal(server.trees.preview, undefined);
        assert.equal(server.trees.live, undefined);
    });

    it("replaces an entry of the same version number instead of adding a second one", async () => {
        const draft = server.planConfiguration("draft")!;
        draft.vmImageVersions = [...(draft.vmImageVersions as unknown[]), {
            versionNumber: "1592.4.0", vmImages: [{ imageType: "x64Gen2", source: { sourceType: "sharedImageGallery", sharedImage: { tenantId, resourceId: "/old" } } }],
        }];
        await provider().create!(inputs());
        const versions = server.planConfiguration("draft")?.vmImageVersions as { versionNumber: string }[];
        assert.deepEqual(versions.map((v) => v.versionNumber), ["1.0.0", "1592.4.0"]);
        assert.deepEqual(versions[1], newEntry);
    });

    it("marks a deprecated release's entry lifecycleState deprecated and reports it deprecated", async () => {
        const result = await provider().create!(inputs({ deprecated: true }));
        const sent = server.configures[0].resources[0].vmImageVersions as Record<string, unknown>[];
        assert.deepEqual(sent[1], { ...newEntry, lifecycleState: "deprecated" });
        assert.equal(sent[0].lifecycleState, undefined, "other versions keep their state");
        assert.equal(result.outs.state, "deprecated");
    });

    it("reports each error of a failed configure job verbatim", async () => {
        server.outcomes.push({
            result: "failed",
            errors: [
                { code: "businessValidationError", message: "The image version 1592.4.0 of resource /subscriptions/x is not accessible to the Partner Center app.", resourceId: "virtual-machine-plan-technical-configuration/abc" },
                "vmImageVersions[1].vmImages[0]: imageType arm64Gen2 has no matching SKU in plan standard.",
            ],
        });
        await assert.rejects(provider().create!(inputs()), (error: Error) => {
            assert.match(error.message, /configuring Partner Center version 1592\.4\.0 of product-offer\/standard: configure job job-1 ended failed/);
            assert.ok(error.message.includes("The image version 1592.4.0 of resource /subscriptions/x is not accessible to the Partner Center app."), error.message);
            assert.ok(error.message.includes("vmImageVersions[1].vmImages[0]: imageType arm64Gen2 has no matching SKU in plan standard."), error.message);
            return true;
        });
    });

    it("retries throttling and server errors on every call, with growing waits", async () => {
        server.fail("product", 429, 2);
        server.fail("resource-tree", 503, 1);
        server.fail("configure", 500, 1);
        server.fail("status", 502, 1);
        const clock = new FakeClock(0);
        const result = await provider({ clock }).create!(inputs());
        assert.equal(result.outs.status, "succeeded");
        assert.equal(server.requests.filter((r) => r.path === "/product").length, 3);
        assert.equal(server.configures.length, 2, "the configure that failed with 500 was sent again");
        assert.ok(clock.sleeps[1] > clock.sleeps[0], `backoff grows: ${clock.sleeps.join(", ")}`);
    });

    it("gives up after its bounded attempts when throttling does not stop", async () => {
        server.fail("product", 429, 100);
        await assert.rejects(provider({ attempts: 4 }).create!(inputs()), /gave up after 4 attempts: GET \/product: HTTP 429/);
        assert.equal(server.requests.filter((r) => r.path === "/product").length, 4);
    });

    it("fails clearly when the configure job never finishes within the bound", async () => {
        server.outcomes.push({ result: "never" });
        const clock = new FakeClock(0);
        await assert.rejects(provider({ clock }).create!(inputs({ configureTimeoutMinutes: 5 })), (error: Error) => {
            assert.match(error.message, /timed out after 300 s waiting for configuring Partner Center version 1592\.4\.0 of product-offer\/standard \(configure job job-1\)/);
            return true;
        });
        assert.ok(clock.now() >= 300000);
    });

    it("writes its entry again when another release's configure, based on an older draft, dropped it", async () => {
        const original = structuredClone(server.planConfiguration("draft")?.vmImageVersions);
        let overwritten = false;
        server.afterApply = () => {
            if (!overwritten) {
                overwritten = true;
                server.planConfiguration("draft")!.vmImageVersions = structuredClone(original);
            }
        };
        const result = await provider().create!(inputs());
        assert.equal(server.configures.length, 2);
        assert.deepEqual((server.planConfiguration("draft")?.vmImageVersions as unknown[])[1], newEntry);
        assert.equal(result.outs.jobId, "job-2");
    });

    it("gives up, saying why, when another writer keeps dropping its entry", async () => {
        const original = structuredClone(server.planConfiguration("draft")?.vmImageVersions);
        server.afterApply = () => {
            server.planConfiguration("draft")!.vmImageVersions = structuredClone(original);
        };
        await assert.rejects(provider().create!(inputs()), /the draft still lacks the version after 3 configure jobs that succeeded; another writer keeps replacing/);
        assert.equal(server.configures.length, 3);
    });

    it("with publish: true submits the draft to preview, then that submission to live", async () => {
        const result = await provider().create!(inputs({ publish: true }));
        const resources = server.configures.map((c) => c.resources[0]);
        assert.equal(resources.length, 3);
        assert.deepEqual(resources[1], { $schema: SUBMISSION_SCHEMA, product: `product/${server.productGuid}`, target: { targetType: "preview" } });
        const preview = server.submissionList.find((s) => (s.target as { targetType: string }).targetType === "preview");
        assert.deepEqual(resources[2], { $schema: SUBMISSION_SCHEMA, id: preview?.id, product: `product/${server.productGuid}`, target: { targetType: "live" } });
        assert.deepEqual((server.planConfiguration("live")?.vmImageVersions as unknown[])[1], newEntry);
        assert.equal(result.outs.state, "live");
        assert.equal(result.outs.jobId, "job-3");
    });

    it("configures nothing when the draft already holds exactly this version", async () => {
        const p = provider();
        await p.create!(inputs());
        const again = await p.create!(inputs());
        assert.equal(server.configures.length, 1);
        assert.equal(again.outs.jobId, "none");
        assert.equal(again.outs.status, "unchanged");
        assert.equal(again.outs.state, "draft");
    });

    it("submits nothing again once the version is live", async () => {
        const p = provider();
        await p.create!(inputs({ publish: true }));
        const again = await p.create!(inputs({ publish: true }));
        assert.equal(server.configures.length, 3);
        assert.equal(again.outs.state, "live");
        assert.equal(again.outs.jobId, "none");
    });

    it("authenticates for Microsoft Graph with the app's secret, and keeps the secret out of the state", async () => {
        const result = await provider().create!(inputs());
        assert.equal(server.tokens[0].tenant, tenantId);
        assert.equal(server.tokens[0].scope, PARTNER_CENTER_SCOPE);
        assert.equal(server.tokens[0].clientSecret, server.clientSecret);
        assert.ok(!JSON.stringify(result.outs).includes(server.clientSecret));
        assert.ok(!JSON.stringify(server.requests).includes(server.clientSecret), "the secret is sent to the token endpoint only");
    });

    it("names the offer or plan it cannot find", async () => {
        await assert.rejects(provider().create!(inputs({ offerId: "missing-offer" })), /no Partner Center product has exactly the external ID "missing-offer"/);
        await assert.rejects(provider().create!(inputs({ planId: "premium" })), /no virtual machine plan "premium" .* its plans: standard, other/);
    });

    it("refuses a version number with a \"v\" and an image type twice", async () => {
        const p = provider();
        const checked = await p.check!({}, inputs({ versionNumber: "v1592.4.0", images: [{ imageType: "x64Gen2", resourceId: "a" }, { imageType: "x64Gen2", resourceId: "b" }] }));
        assert.deepEqual(checked.failures?.map((f) => f.property).sort(), ["images", "versionNumber"]);
    });

    it("updates on new images or deprecation, replaces on another version, and ignores the secret", async () => {
        const p = provider();
        const created = await p.create!(inputs());
        const secretOnly = await p.diff!(created.id, created.outs, inputs({ clientSecret: "rotated" }));
        assert.equal(secretOnly.changes, false);
        // A version published before it had its type token still holds the resourceKind input that named it.
        const stored = await p.diff!(created.id, storedWithFormerKind(created.outs, "azure:MarketplaceVersion"), inputs());
        assert.deepEqual([stored.changes, stored.replaces], [false, []]);
        const deprecated = await p.diff!(created.id, created.outs, inputs({ deprecated: true }));
        assert.equal(deprecated.changes, true);
        assert.deepEqual(deprecated.replaces, []);
        const other = await p.diff!(created.id, created.outs, inputs({ versionNumber: "1593.0.0" }));
        assert.deepEqual(other.replaces, ["versionNumber"]);
        const updated = await p.update!(created.id, created.outs, inputs({ deprecated: true }));
        assert.equal(updated.outs.state, "deprecated");
        assert.equal((server.planConfiguration("draft")?.vmImageVersions as Record<string, unknown>[])[1].lifecycleState, "deprecated");
    });

    it("sends arm64 images as arm64Gen2, which the plan has a SKU for", async () => {
        await provider().create!(inputs());
        const sent = server.configures[0].resources[0].vmImageVersions as { versionNumber: string; vmImages: { imageType: string }[] }[];
        assert.deepEqual(sent[1].vmImages.map((i) => i.imageType), ["arm64Gen2", "x64Gen2"]);
    });

    it("refuses an image type Partner Center does not know, such as armGen2, before sending anything", async () => {
        const checked = await provider().check!({}, inputs({ images: [{ imageType: "armGen2" as never, resourceId: armVersion }] }));
        assert.deepEqual(checked.failures, [{ property: "images[0].imageType", reason: "\"armGen2\" is not a Partner Center image type; allowed: x64Gen1, x64Gen2, arm64Gen2" }]);
    });

    it("adds the plan's SKU for an image type that has none, named after the plan", async () => {
        const draft = server.planConfiguration("draft")!;
        draft.skus = [{ imageType: "x64Gen2", skuId: "standard" }];
        await provider().create!(inputs());
        assert.deepEqual(server.configures[0].resources[0].skus, [{ imageType: "x64Gen2", skuId: "standard" }, { imageType: "arm64Gen2", skuId: "standard-arm64" }]);
        assert.deepEqual(server.planConfiguration("draft")?.skus, [{ imageType: "x64Gen2", skuId: "standard" }, { imageType: "arm64Gen2", skuId: "standard-arm64" }]);
    });

    it("adds a missing SKU even when the draft already holds the version", async () => {
        const draft = server.planConfiguration("draft")!;
        draft.skus = [{ imageType: "x64Gen1", skuId: "standard" }];
        draft.vmImageVersions = [...(draft.vmImageVersions as unknown[]), newEntry];
        await provider().create!(inputs());
        assert.equal(server.configures.length, 1);
        assert.deepEqual(server.configures[0].resources[0].skus, [
            { imageType: "x64Gen1", skuId: "standard" }, { imageType: "arm64Gen2", skuId: "standard-arm64" }, { imageType: "x64Gen2", skuId: "standard-gen2" },
        ]);
    });

    describe("the local server refuses what Partner Center refuses", () => {
        const client = () => partnerCenterClient({ endpoint: server.url, authorityHost: server.url, tenantId, clientId: "c", clientSecret: server.clientSecret },
            { clock: new FakeClock(0), random: () => 0.5 });
        const configureDraft = async (change: (config: Record<string, unknown>) => Record<string, unknown>) => {
            const c = client();
            const tree = await c.resourceTree(`product/${server.productGuid}`, "draft");
            const config = tree!.find((r) => r.plan === `plan/${server.productGuid}/${server.planGuid}` && r.$schema.includes("technical-configuration"))!;
            const jobId = await c.configure([change(config) as never]);
            return c.awaitJob(jobId, "configuring", 60000);
        };

        it("an unknown image type", async () => {
            await assert.rejects(configureDraft((config) => ({
                ...config, vmImageVersions: [{ versionNumber: "2.0.0", vmImages: [{ imageType: "armGen2", source: {} }] }],
            })), /imageType armGen2 is not one of x64Gen1, x64Gen2, arm64Gen2/);
        });

        it("an image type without a SKU in the plan", async () => {
            await assert.rejects(configureDraft((config) => ({
                ...config, skus: [{ imageType: "x64Gen2", skuId: "standard" }],
                vmImageVersions: [{ versionNumber: "2.0.0", vmImages: [{ imageType: "arm64Gen2", source: {} }] }],
            })), /imageType arm64Gen2 has no matching SKU/);
        });

        it("a configure request whose $version is not the version of its configure schema", async () => {
            const configure = async (version: string, configureSchema: string) => {
                const response = await fetch(`${server.url}/configure?$version=${version}`, {
                    method: "POST", headers: { authorization: `Bearer ${localAccessToken}`, "content-type": "application/json" },
                    body: JSON.stringify({ $schema: `https://schema.mp.microsoft.com/schema/configure/${configureSchema}`, resources: [] }),
                });
                return { status: response.status, body: await response.json() as { error?: { code?: string } } };
            };
            const mismatched = await configure("2022-03-01-preview5", "2022-03-01-preview2");
            assert.equal(mismatched.status, 400);
            assert.equal(mismatched.body.error?.code, "badRequest");
            assert.equal((await configure("2022-07-01", "2022-07-01")).status, 202);
        });
    });

    it("reads the resource tree and configures it with one $version, 2022-07-01, and the configure schema of that version", async () => {
        await provider().create!(inputs());
        const versions = new Set(server.requests.filter((r) => r.path === "/product" || r.path.startsWith("/resource-tree/") || r.path.startsWith("/configure"))
            .map((r) => r.query.$version));
        assert.deepEqual([...versions], ["2022-07-01"]);
        assert.equal(API_VERSION, "2022-07-01");
        assert.equal(CONFIGURE_SCHEMA, "https://schema.mp.microsoft.com/schema/configure/2022-07-01");
        // Read at 2022-07-01, the technical configuration answers in its newest schema, and is written back as read.
        assert.match(String(server.configures[0].resources[0].$schema), /\/virtual-machine-plan-technical-configuration\/2022-03-01-preview5$/);
    });

    it("finds and configures the technical configuration of a core virtual machine offer", async () => {
        await server.close();
        server = await new PartnerCenterServer("product-offer", "standard", "partner-center-test-secret", "core-virtual-machine").start();
        await provider().create!(inputs());
        assert.equal(server.configures.length, 1);
        assert.match(String(server.configures[0].resources[0].$schema), /\/core-virtual-machine-plan-technical-configuration\//);
        assert.deepEqual((server.planConfiguration("draft")?.vmImageVersions as unknown[])[1], newEntry);
    });

    it("fails, naming the offer, when no product matches its external ID exactly, and never falls back to another product", async () => {
        server.otherProducts.push({ ...server.trees.draft[0], id: "product/00000000-0000-0000-0000-000000000001", identity: { externalId: "product-offer-old" } });
        await assert.rejects(provider().create!(inputs({ offerId: "product-offer-new" })), /no Partner Center product has exactly the external ID "product-offer-new"/);
        assert.equal(server.requests.filter((r) => r.path.startsWith("/resource-tree/")).length, 0);
        assert.equal(server.configures.length, 0);
    });

    it("still works after Pulumi's closure serialisation, calling the local server", async () => {
        server.pendingPolls = 0;
        const original = marketplaceVersionProvider();
        const { text, value: loaded } = await roundTrip<dynamic.ResourceProvider>(() => original, { allowSecrets: true });
        assert.doesNotMatch(text, /partner-center-test-secret/);
        const result = await loaded.create!(inputs());
        assert.equal(result.outs.state, "draft");
        assert.deepEqual((server.planConfiguration("draft")?.vmImageVersions as unknown[])[1], newEntry);
    });
});
