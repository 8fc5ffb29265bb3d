/**
 * The Azure Partner Center and community sharing providers' rules that azure-partner-center.test.ts
 * and azure-community-sharing.test.ts leave open: each input rule, when an entry counts as already
 * there, which SKU a new image type takes, and the preview state. Written against the mutants
 * Stryker found alive (README, "Mutation testing").
 */
import { strict as assert } from "assert";
import {
    MarketplaceVersionInputs, VmImageVersion, holdsEntry, marketplaceVersionProvider, technicalConfiguration, versionEntry, withEntry, withSkus,
} from "../components/azure/partner-center-provider";
import { CommunitySharingInputs, communitySharingProvider } from "../components/azure/community-sharing-provider";
import { describeJobError } from "../components/azure/partner-center-client";
import { FakeClock } from "./helpers/clock";
import { AzureArmServer } from "./servers/azure-arm";
import { PartnerCenterServer } from "./servers/partner-center";
import { sharingInputs, withLocalServicePrincipal } from "./helpers/azure-local";

const tenantId = "11111111-2222-3333-4444-555555555555";
const gen2Version = "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/images/providers/Microsoft.Compute/galleries/g/images/product/versions/1592.4.0";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The sample release's inputs, aimed at `url`. */
function inputs(url: string, secret: string, extra: Partial<MarketplaceVersionInputs> = {}): MarketplaceVersionInputs {
    return {
        offerId: "product-offer",
        planId: "standard",
        tenantId,
        clientId: "66666666-7777-8888-9999-000000000000",
        clientSecret: secret,
        versionNumber: "1592.4.0",
        images: [{ imageType: "x64Gen2", resourceId: gen2Version }],
        deprecated: false,
        publish: false,
        endpoint: url,
        authorityHost: url,
        ...extra,
    };
}

describe("AzureMarketplaceVersion rules", () => {
    const provider = marketplaceVersionProvider({ clock: new FakeClock(0), random: () => 0.5 });

    /** The properties check refuses. */
    const refused = async (extra: Partial<MarketplaceVersionInputs>): Promise<string[]> =>
        ((await provider.check!({}, inputs("http://127.0.0.1:1", "s", extra))).failures ?? []).map((failure) => failure.property);

    describe("check", () => {
        for (const key of ["offerId", "planId", "tenantId", "clientId", "clientSecret"] as const) {
            it(`requires ${key}, and lets an unknown one through`, async () => {
                assert.deepEqual(await refused({ [key]: "" }), [key]);
                assert.deepEqual(await refused({ [key]: undefined }), [key]);
                assert.deepEqual(await refused({ [key]: UNKNOWN }), []);
            });
        }

        it("takes a version number of three dot-separated numbers and nothing around it", async () => {
            assert.deepEqual(await refused({ versionNumber: "1592.4.0" }), []);
            assert.deepEqual(await refused({ versionNumber: UNKNOWN }), []);
            for (const versionNumber of ["1592.4", "1592.4.0.1", "v1592.4.0", "1592.4.0-rc1", "1592.a.0"]) {
                assert.deepEqual(await refused({ versionNumber }), ["versionNumber"], versionNumber);
            }
            const result = await provider.check!({}, inputs("http://127.0.0.1:1", "s", { versionNumber: "v1" }));
            assert.deepEqual(result.failures, [{ property: "versionNumber", reason: "\"v1\" is not a plan version; allowed: X.Y.Z, digits only, no \"v\"" }]);
        });

        it("needs at least one image, lets unknown images through, and names an image type given twice", async () => {
            const result = await provider.check!({}, inputs("http://127.0.0.1:1", "s", { images: [] }));
            assert.deepEqual(result.failures, [{ property: "images", reason: "needs at least one image" }]);
            assert.deepEqual(await refused({ images: "x" as never }), ["images"]);
            assert.deepEqual(await refused({ images: UNKNOWN as never }), []);
            assert.deepEqual(await refused({ images: [UNKNOWN as never] }), []);
            const twice = await provider.check!({}, inputs("http://127.0.0.1:1", "s", { images: [{ imageType: "x64Gen1", resourceId: "a" }, { imageType: "x64Gen1", resourceId: "b" }] }));
            assert.deepEqual(twice.failures, [{ property: "images", reason: "has an image type twice" }]);
        });

        it("says a required input is required, takes numbers of several digits, and names an image without a type or resource", async () => {
            const result = await provider.check!({}, inputs("http://127.0.0.1:1", "s", { planId: "" }));
            assert.deepEqual(result.failures, [{ property: "planId", reason: "is required" }]);
            assert.deepEqual(await refused({ versionNumber: "1592.40.10" }), []);
            const none = await provider.check!({}, inputs("http://127.0.0.1:1", "s", { images: [null as never] }));
            assert.deepEqual(none.failures, [
                { property: "images[0].imageType", reason: "\"undefined\" is not a Partner Center image type; allowed: x64Gen1, x64Gen2, arm64Gen2" },
                { property: "images[0].resourceId", reason: "is required: the gallery image version's resource ID" },
            ]);
        });

        it("refuses a missing version number or images, naming the input, and lets an unknown one through", async () => {
            const missing = await provider.check!({}, inputs("http://127.0.0.1:1", "s", { versionNumber: undefined, images: undefined }));
            assert.deepEqual(missing.failures, [
                { property: "versionNumber", reason: "is required: the plan version, X.Y.Z" },
                { property: "images", reason: "is required: at least one image" },
            ]);
            assert.deepEqual(await refused({ versionNumber: UNKNOWN, images: UNKNOWN as never }), []);
        });

        for (const key of ["deprecated", "publish"] as const) {
            it(`requires ${key} as true or false, and lets an unknown one through`, async () => {
                const result = await provider.check!({}, inputs("http://127.0.0.1:1", "s", { [key]: undefined }));
                assert.deepEqual(result.failures, [{ property: key, reason: "is required: true or false" }]);
                assert.deepEqual(await refused({ [key]: "false" as never }), [key]);
                assert.deepEqual(await refused({ [key]: true }), []);
                assert.deepEqual(await refused({ [key]: UNKNOWN as never }), []);
            });
        }

        it("requires each image's resource ID, and lets an unknown one through", async () => {
            for (const resourceId of ["", undefined, 7]) {
                assert.deepEqual(await refused({ images: [{ imageType: "x64Gen2", resourceId: resourceId as never }] }), ["images[0].resourceId"], String(resourceId));
            }
            assert.deepEqual(await refused({ images: [{ imageType: "x64Gen2", resourceId: UNKNOWN }] }), []);
        });

        it("takes images of distinct types", async () => {
            assert.deepEqual(await refused({ images: [{ imageType: "x64Gen2", resourceId: "/a" }, { imageType: "arm64Gen2", resourceId: "/b" }] }), []);
        });

        it("returns the inputs as given", async () => {
            const news = inputs("http://127.0.0.1:1", "s");
            assert.deepEqual(await provider.check!({}, news), { inputs: news, failures: [] });
        });
    });

    describe("plan entries", () => {
        const entry = versionEntry(inputs("u", "s"));

        it("counts an entry as there whatever its image order and resource ID case, and generallyAvailable as no lifecycle state", () => {
            const x64 = { imageType: "x64Gen2", source: { sourceType: "sharedImageGallery", sharedImage: { tenantId: tenantId.toUpperCase(), resourceId: gen2Version.toUpperCase() } } };
            const arm = { imageType: "arm64Gen2", source: { sourceType: "sharedImageGallery", sharedImage: { tenantId, resourceId: "/arm" } } };
            const two = versionEntry(inputs("u", "s", { images: [{ imageType: "x64Gen2", resourceId: gen2Version }, { imageType: "arm64Gen2", resourceId: "/arm" }] }));
            assert.equal(holdsEntry([{ versionNumber: "1592.4.0", vmImages: [x64, arm], lifecycleState: "generallyAvailable" }], two), true);
            assert.equal(holdsEntry([{ versionNumber: "1592.4.0", vmImages: [x64] }], two), false);
            assert.equal(holdsEntry([{ versionNumber: "1592.4.0", vmImages: [x64], lifecycleState: "deprecated" }], entry), false);
            assert.equal(holdsEntry([{ ...entry, vmImages: [{ ...entry.vmImages[0], source: { sourceType: "other", sharedImage: entry.vmImages[0].source.sharedImage } }] }], entry), false);
            assert.equal(holdsEntry([{ versionNumber: "1592.4.1", vmImages: entry.vmImages }], entry), false);
            assert.equal(holdsEntry(undefined, entry), false);
            const shared = entry.vmImages[0].source.sharedImage as Record<string, string>;
            assert.equal(holdsEntry([{ ...entry, vmImages: [{ imageType: "x64Gen2", source: { ...entry.vmImages[0].source, sharedImage: { ...shared, tenantId: "other" } } }] }], entry), false);
            assert.equal(holdsEntry([{ ...entry, vmImages: [{ imageType: "x64Gen2", source: { ...entry.vmImages[0].source, sharedImage: { ...shared, resourceId: "/other" } } }] }], entry), false);
            assert.equal(holdsEntry([{ ...entry, vmImages: [{ imageType: "x64Gen2" } as never] }], entry), false);
            assert.equal(holdsEntry([{ versionNumber: "1592.4.0" } as VmImageVersion], { versionNumber: "1592.4.0", vmImages: [] }), true);
        });

        it("sorts the images of an entry by image type", () => {
            const sorted = versionEntry(inputs("u", "s", { images: [{ imageType: "x64Gen2", resourceId: "/b" }, { imageType: "arm64Gen2", resourceId: "/a" }, { imageType: "x64Gen1", resourceId: "/c" }] }));
            assert.deepEqual(sorted.vmImages.map((image) => image.imageType), ["arm64Gen2", "x64Gen1", "x64Gen2"]);
        });

        it("adds an entry to no list, and puts it in place of the entry of its version number", () => {
            assert.deepEqual(withEntry(undefined, entry), [entry]);
            const old = { versionNumber: "1.0.0", vmImages: [] };
            assert.deepEqual(withEntry([{ versionNumber: "1592.4.0", vmImages: [] }, old], entry), [entry, old]);
        });

        it("gives a new image type the plan's ID, then the type's suffix, and refuses when both are taken", () => {
            const gen1 = versionEntry(inputs("u", "s", { images: [{ imageType: "x64Gen1", resourceId: "/c" }] }));
            assert.deepEqual(withSkus(undefined, "standard", gen1), [{ imageType: "x64Gen1", skuId: "standard-gen1" }]);
            assert.deepEqual(withSkus([{ imageType: "arm64Gen2", skuId: "standard-gen1" }], "standard", gen1),
                [{ imageType: "arm64Gen2", skuId: "standard-gen1" }, { imageType: "x64Gen1", skuId: "standard" }]);
            assert.deepEqual(withSkus(undefined, "standard", entry), [{ imageType: "x64Gen2", skuId: "standard" }]);
            assert.throws(() => withSkus([{ imageType: "x64Gen1", skuId: "standard" }, { imageType: "arm64Gen2", skuId: "standard-gen2" }], "standard", entry), {
                message: "plan \"standard\" has no SKU for image type x64Gen2, and the SKU IDs it would take (standard, standard-gen2) are used by other image types; "
                    + "add a SKU for it in Partner Center",
            });
        });

        it("finds the technical configuration of the plan only, and none in no tree", () => {
            const plan = (id: string, externalId: string) => ({ $schema: "https://schema.mp.microsoft.com/schema/plan/2022-03-01-preview2", id, identity: { externalId } });
            const config = (id: string, planId: string) => ({ $schema: "https://schema.mp.microsoft.com/schema/virtual-machine-plan-technical-configuration/2022-03-01-preview3", id, plan: planId });
            const tree = [{ $schema: "https://schema.mp.microsoft.com/schema/plan/2022-03-01-preview2", id: "plan/0" }, plan("plan/1", "other"), plan("plan/2", "standard"),
                config("c1", "plan/1"), config("c2", "plan/2")];
            assert.equal(technicalConfiguration(tree, "standard")?.id, "c2");
            assert.equal(technicalConfiguration(tree, "premium"), undefined);
            assert.equal(technicalConfiguration(undefined, "standard"), undefined);
        });
    });

    describe("diff", () => {
        it("reports no change for the same inputs, and ignores what Partner Center reported", async () => {
            const news = inputs("u", "s");
            const { clientSecret: _secret, ...olds } = news;
            const state = { ...olds, productId: "p", jobId: "job-1", status: "succeeded", state: "draft" };
            assert.deepEqual(await provider.diff!("id", state, news), { changes: false, replaces: [], deleteBeforeReplace: false });
            assert.deepEqual(await provider.diff!("id", state, inputs("u", "s", { endpoint: undefined })), { changes: true, replaces: [], deleteBeforeReplace: false });
            assert.deepEqual(await provider.diff!("id", state, inputs("u", "s", { planId: "premium" })), { changes: true, replaces: ["planId"], deleteBeforeReplace: false });
        });
    });
});

describe("Partner Center job errors", () => {
    it("quotes a text as it is, and an object as code, message and resource", () => {
        assert.equal(describeJobError("plain text"), "plain text");
        assert.equal(describeJobError({ code: "businessValidationError", message: "bad", resourceId: "r/1" }), "businessValidationError: bad (resource r/1)");
        assert.equal(describeJobError({ message: "bad" }), "bad");
        assert.equal(describeJobError({ code: 7, message: "bad", resourceId: 8 }), "bad");
        assert.equal(describeJobError({ code: "x" }), "{\"code\":\"x\"}");
        assert.equal(describeJobError(null), "null");
    });
});

describe("AzureMarketplaceVersion against the local Partner Center", () => {
    let server: PartnerCenterServer;
    const provider = () => marketplaceVersionProvider({ clock: new FakeClock(0), random: () => 0.5 });

    beforeEach(async () => {
        server = await new PartnerCenterServer().start();
    });

    afterEach(async () => {
        await server.close();
    });

    it("reports a version that preview holds, without publish, as in preview", async () => {
        await provider().create!(inputs(server.url, server.clientSecret));
        server.trees.preview = structuredClone(server.trees.draft);

        const again = await provider().create!(inputs(server.url, server.clientSecret));

        assert.equal(again.outs.state, "preview");
    });

    it("takes to live a version preview already holds without submitting it to preview again", async () => {
        await provider().create!(inputs(server.url, server.clientSecret, { publish: true }));
        server.trees.live = undefined;
        const configures = server.configures.length;

        const again = await provider().create!(inputs(server.url, server.clientSecret, { publish: true }));

        assert.equal(again.outs.state, "live");
        assert.equal(server.configures.length, configures + 1, "one submission, to live");
        assert.deepEqual(server.configures[configures].resources.map((resource) => (resource.target as { targetType: string }).targetType), ["live"]);
    });

    it("lists each error of a failed configure job on its own line, and says when there is none", async () => {
        server.outcomes.push({ result: "failed", errors: ["first", { code: "c", message: "second" }] }, { result: "failed", errors: [] });

        await assert.rejects(provider().create!(inputs(server.url, server.clientSecret)),
            { message: "configuring Partner Center version 1592.4.0 of product-offer/standard: configure job job-1 ended failed:\n  - first\n  - c: second" });
        await assert.rejects(provider().create!(inputs(server.url, server.clientSecret)),
            { message: "configuring Partner Center version 1592.4.0 of product-offer/standard: configure job job-2 ended failed without errors reported" });
    });

    it("waits 480 minutes for a submission by default, naming it", async () => {
        server.outcomes.push({ result: "succeeded" }, { result: "never" });

        await assert.rejects(provider().create!(inputs(server.url, server.clientSecret, { publish: true })),
            /^PollTimeoutError: timed out after 28800 s waiting for submitting Partner Center version 1592\.4\.0 of product-offer\/standard to preview \(configure job job-2\)/);
    });

    it("takes an endpoint with trailing slashes", async () => {
        const result = await provider().create!(inputs(server.url, server.clientSecret, { endpoint: `${server.url}//` }));

        assert.equal(result.outs.status, "succeeded");
    });

    it("fails on a refused read of the draft instead of taking the plan as missing", async () => {
        server.fail("resource-tree", 403, 1);

        await assert.rejects(provider().create!(inputs(server.url, server.clientSecret)), /^Error: GET \/resource-tree\/[^:]+: HTTP 403/);
    });

    it("configures when the plan lacks the SKU of one of the version's image types, though it holds the version", async () => {
        const two = inputs(server.url, server.clientSecret, { images: [{ imageType: "x64Gen2", resourceId: gen2Version }, { imageType: "arm64Gen2", resourceId: "/arm" }] });
        await provider().create!(two);
        server.planConfiguration("draft")!.skus = [{ imageType: "x64Gen2", skuId: "standard" }];
        const configures = server.configures.length;

        await provider().create!(two);

        assert.equal(server.configures.length, configures + 1);
    });

    it("keeps no input left unset in the state", async () => {
        const result = await provider().create!(inputs(server.url, server.clientSecret, { configureTimeoutMinutes: undefined, submissionTimeoutMinutes: 30 }));

        assert.equal("configureTimeoutMinutes" in result.outs, false);
        assert.equal(result.outs.submissionTimeoutMinutes, 30);
    });

    it("names the product, plan and version in its ID, and leaves Partner Center alone on delete", async () => {
        const created = await provider().create!(inputs(server.url, server.clientSecret));
        const requests = server.requests.length;

        await provider().delete!(created.id, created.outs);

        assert.equal(created.id, `${server.productGuid}/standard/1592.4.0`);
        assert.equal(server.requests.length, requests);
    });
});

describe("CommunityGallerySharing rules", () => {
    const provider = communitySharingProvider({ clock: new FakeClock(0), random: () => 0.5 });
    const sharing = (extra: Partial<CommunitySharingInputs> = {}): CommunitySharingInputs => ({
        subscriptionId: "00000000-1111-2222-3333-444444444444", resourceGroupName: "images", galleryName: "product_gallery",
        ...extra,
    });

    it("requires subscription, resource group and gallery as non-empty strings", async () => {
        assert.deepEqual(await provider.check!(sharing(), sharing()), { inputs: sharing(), failures: [] });
        const bad = await provider.check!(sharing(), sharing({ subscriptionId: "", resourceGroupName: undefined as unknown as string, galleryName: 7 as unknown as string }));
        assert.deepEqual(bad.failures, [
            { property: "subscriptionId", reason: "is required" }, { property: "resourceGroupName", reason: "is required" }, { property: "galleryName", reason: "is required" },
        ]);
    });

    it("updates when the authority host or the timeout changes", async () => {
        const olds = { ...sharing(), publicName: "x", publicNames: ["x"] };
        for (const extra of [{ authorityHost: "https://login.example" }, { timeoutMinutes: 5 }]) {
            assert.deepEqual(await provider.diff!("id", olds, sharing(extra)), { changes: true, replaces: [], deleteBeforeReplace: false });
        }
        assert.deepEqual(await provider.diff!("id", olds, sharing({ resourceGroupName: "other", subscriptionId: "s" })),
            { changes: true, replaces: ["subscriptionId", "resourceGroupName"], deleteBeforeReplace: false });
    });
});

describe("CommunityGallerySharing against the local ARM API", () => {
    let server: AzureArmServer;

    withLocalServicePrincipal();

    beforeEach(async () => {
        server = await new AzureArmServer().start();
    });

    afterEach(async () => {
        await server.close();
    });

    const sharing = (extra: Partial<CommunitySharingInputs> = {}): CommunitySharingInputs => sharingInputs(server, extra);

    it("keeps the timeout in the state when it is set, and no timeout key when it is not", async () => {
        const provider = communitySharingProvider({ clock: new FakeClock(0), random: () => 0.5 });

        const timed = await provider.create!(sharing({ timeoutMinutes: 5 }));
        const untimed = await provider.update!("id", timed.outs, sharing());

        assert.equal(timed.outs.timeoutMinutes, 5);
        assert.equal("timeoutMinutes" in untimed.outs, false);
        assert.equal(untimed.outs.publicName, timed.outs.publicName);
    });
});
