import { strict as assert } from "assert";
import { Architecture, AzureTarget, Release, azureSchema } from "../components/config";
import { AzureGallery } from "../components/azure/gallery";
import { AzureImage } from "../components/azure/image";
import { AzureMarketplaceVersion, marketplaceImages } from "../components/azure/partner-center";
import { versionId } from "./helpers/azure";
import { releaseIn } from "./helpers/release";
import { named, runMocked } from "./mocks";

const clientSecret = "pc-client-secret-7Q~not-for-state";

/** An Azure target with a Partner Center offer, defaults filled in. */
function azureTarget(marketplace: Record<string, unknown> = {}): AzureTarget {
    return azureSchema.parse({
        enabled: true,
        resourceGroup: { name: "images" },
        storageAccount: { name: "productvhds" },
        gallery: { name: "product_gallery" },
        image: { publisher: "example", offer: "product", hyperVGenerations: ["V1", "V2"] },
        regions: [{ name: "westeurope" }],
        marketplace: {
            enabled: true, offerId: "product-offer", planId: "standard", devOfferId: "product-offer-test",
            tenantId: "11111111-2222-3333-4444-555555555555", clientId: "66666666-7777-8888-9999-000000000000",
            ...marketplace,
        },
    });
}

/** A resolved release with an Azure VHD for each architecture. */
function release(version: string, extra: Partial<Release> = {}): Release {
    const vhd = (arch: Architecture) => ({ uri: `https://artifacts.example.com/product-${version}-${arch}.vhd` });
    return releaseIn("azure", version, { x86_64: vhd("x86_64"), arm64: vhd("arm64") }, extra);
}

/** Gallery, images and the plan version of one release, as the stack would make them. */
function publish(r: Release, target: AzureTarget, environment: "dev" | "prod") {
    const gallery = new AzureGallery("azure", { target, product: "product", environment, architectures: r.architectures });
    const versionIds: Partial<Record<Architecture, AzureImage["versionIds"]>> = {};
    for (const arch of r.architectures) {
        versionIds[arch] = new AzureImage(`product-${r.version}-azure-${arch}`, {
            release: r, architecture: arch, target, product: "product", imageName: `product-${r.version}-${arch}`, environment, gallery,
        }).versionIds;
    }
    const listing = new AzureMarketplaceVersion(`product-${r.version}-azure-marketplace`, { release: r, target, environment, versionIds, clientSecret });
    return {
        offerId: listing.offerId, planId: listing.planId, versionNumber: listing.versionNumber,
        productId: listing.productId, jobId: listing.jobId, status: listing.status, state: listing.state,
    };
}

describe("AzureMarketplaceVersion", () => {
    it("puts one plan version per release, covering every architecture and generation, numbered X.Y.Z", async () => {
        const run = await runMocked(() => publish(release("1592.4"), azureTarget(), "prod"), { stack: "prod" });
        const version = named(run, "product-1592.4-azure-marketplace-plan-version");
        assert.equal(version.type, "pulumi-nodejs:dynamic/azure:MarketplaceVersion");
        assert.equal(version.parent, "product-1592.4-azure-marketplace");
        assert.equal(version.inputs.offerId, "product-offer");
        assert.equal(version.inputs.planId, "standard");
        assert.equal(version.inputs.versionNumber, "1592.4.0");
        assert.equal(version.inputs.publish, false);
        assert.equal(version.inputs.deprecated, false);
        assert.deepEqual(version.inputs.images, [
            { imageType: "x64Gen1", resourceId: versionId("product-gen1") },
            { imageType: "x64Gen2", resourceId: versionId("product") },
            { imageType: "arm64Gen2", resourceId: versionId("product-arm64") },
        ]);
        assert.ok(version.dependsOn.includes("product-1592.4-azure-arm64-v2"), "waits for the gallery versions");
        assert.equal(run.outputs.state, "draft");
        assert.match(String(run.outputs.productId), /^[0-9a-f-]{36}$/);
        assert.equal(run.outputs.status, "succeeded");
    });

    it("keeps the Partner Center client secret out of every recorded input and output", async () => {
        const run = await runMocked(() => publish(release("1592.4"), azureTarget({ publish: true }), "prod"), { stack: "prod" });
        assert.equal(named(run, "product-1592.4-azure-marketplace-plan-version").inputs.clientSecret, "[secret]");
        assert.ok(!JSON.stringify(run.resources).includes(clientSecret), "no recorded input holds the secret");
        assert.ok(!JSON.stringify(run.outputs).includes(clientSecret), "no output holds the secret");
        assert.equal(run.outputs.state, "live");
    });

    it("only ever uses the dev offer in a dev stack", async () => {
        const run = await runMocked(() => publish(release("1592.4"), azureTarget(), "dev"));
        assert.equal(named(run, "product-1592.4-azure-marketplace-plan-version").inputs.offerId, "product-offer-test");
        assert.equal(run.outputs.offerId, "product-offer-test");
    });

    it("marks a release's version deprecated once its deprecation date has passed", async () => {
        const r = release("1590.0", { deprecation: { time: "2026-12-01T00:00:00Z", date: "2026-12-01", passed: true } });
        const run = await runMocked(() => publish(r, azureTarget(), "prod"), { stack: "prod" });
        assert.equal(named(run, "product-1590.0-azure-marketplace-plan-version").inputs.deprecated, true);
        assert.equal(run.outputs.state, "deprecated");
    });

    it("leaves a release's version as it is before its deprecation date", async () => {
        const r = release("1590.0", { deprecation: { time: "2027-03-31T00:00:00Z", date: "2027-03-31", passed: false } });
        const run = await runMocked(() => publish(r, azureTarget(), "prod"), { stack: "prod" });
        assert.equal(named(run, "product-1590.0-azure-marketplace-plan-version").inputs.deprecated, false);
        assert.notEqual(run.outputs.state, "deprecated");
    });

    it("passes its dependencies on to the plan version, so that releases can take turns on one plan", async () => {
        const run = await runMocked(async () => {
            const target = azureTarget();
            const first = new AzureMarketplaceVersion("first", { release: release("1592.4"), target, environment: "prod", versionIds: { x86_64: { V2: "a" } }, clientSecret });
            new AzureMarketplaceVersion("second", { release: release("1593.0"), target, environment: "prod", versionIds: { x86_64: { V2: "b" } }, clientSecret }, { dependsOn: [first] });
        }, { stack: "prod" });
        assert.ok(named(run, "second-plan-version").dependsOn.includes("first"));
        assert.deepEqual(named(run, "first-plan-version").dependsOn, []);
    });

    it("refuses to run without the offer it would publish to", async () => {
        await runMocked(async () => {
            assert.throws(() => new AzureMarketplaceVersion("m", {
                release: release("1592.4"), target: azureTarget({ devOfferId: undefined }), environment: "dev", versionIds: {}, clientSecret,
            }), /needs azure\.marketplace\.devOfferId/);
        });
    });

    it("orders the images by architecture and generation and maps them to Partner Center image types", () => {
        assert.deepEqual(marketplaceImages(["arm64", "x86_64"], { arm64: { V2: "a2" }, x86_64: { V2: "x2", V1: "x1" } }), [
            { imageType: "x64Gen1", resourceId: "x1" }, { imageType: "x64Gen2", resourceId: "x2" }, { imageType: "arm64Gen2", resourceId: "a2" },
        ]);
    });
});
