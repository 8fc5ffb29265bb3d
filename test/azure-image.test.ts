import { strict as assert } from "assert";
import { Architecture, AzureTarget, Release } from "../components/config";
import { communityImagePattern } from "../components/outputs";
import { AzureGallery } from "../components/azure/gallery";
import { AzureImage } from "../components/azure/image";
import { armId, communityGalleryTarget, versionId } from "./helpers/azure";
import { releaseIn } from "./helpers/release";
import { RecordedResource, named, ofType, runMocked } from "./mocks";

const VERSION = "azure-native:compute:GalleryImageVersion";

/** The community gallery target, with two zone-redundant replicas in westeurope. */
function azureTarget(extra: Record<string, unknown> = {}): AzureTarget {
    return communityGalleryTarget({ regions: [{ name: "westeurope", replicaCount: 2, storageAccountType: "Standard_ZRS" }, { name: "eastus" }], ...extra });
}

/** A resolved release with an Azure VHD for each architecture. */
function release(version: string, extra: Partial<Release> = {}): Release {
    const vhd = (arch: Architecture) => ({ uri: `https://artifacts.example.com/product-${version}-${arch}.vhd`, sha256: (arch === "arm64" ? "b" : "a").repeat(64) });
    return releaseIn("azure", version, { x86_64: vhd("x86_64"), arm64: vhd("arm64") }, extra);
}

/** The gallery and one AzureImage per release and architecture, as the stack would make them. */
function publish(releases: Release[], target: AzureTarget, environment: "dev" | "prod") {
    const gallery = new AzureGallery("azure", { target, product: "product", environment, architectures: ["x86_64", "arm64"] });
    const images: Record<string, AzureImage> = {};
    for (const r of releases) {
        for (const arch of r.architectures) {
            images[`${r.version}/${arch}`] = new AzureImage(`product-${r.version}-azure-${arch}`, {
                release: r, architecture: arch, target, product: "product", imageName: `product-${r.version}-${arch}`, environment, gallery,
            });
        }
    }
    return {
        imageIds: Object.fromEntries(Object.entries(images).map(([k, i]) => [k, i.imageIds])),
        versionIds: Object.fromEntries(Object.entries(images).map(([k, i]) => [k, i.versionIds])),
        community: Object.fromEntries(Object.entries(images).map(([k, i]) => [k, i.communityImageId])),
    };
}

const versionsOf = (resources: RecordedResource[]) => resources.filter((r) => r.type === VERSION);

describe("AzureImage", () => {
    it("makes one gallery image version per release, architecture and generation, named by the three-part version", async () => {
        const run = await runMocked(() => publish([release("1592.4"), release("1593.0.1")], azureTarget(), "prod"), { stack: "prod" });
        const versions = versionsOf(run.resources);
        assert.deepEqual(versions.map((v) => [v.name, v.inputs.galleryImageVersionName, v.inputs.galleryImageName]), [
            ["product-1592.4-azure-x86_64-v1", "1592.4.0", "product-gen1"],
            ["product-1592.4-azure-x86_64-v2", "1592.4.0", "product"],
            ["product-1592.4-azure-arm64-v2", "1592.4.0", "product-arm64"],
            ["product-1593.0.1-azure-x86_64-v1", "1593.0.1", "product-gen1"],
            ["product-1593.0.1-azure-x86_64-v2", "1593.0.1", "product"],
            ["product-1593.0.1-azure-arm64-v2", "1593.0.1", "product-arm64"],
        ]);
        assert.ok(named(run, "product-1592.4-azure-arm64-v2").dependsOn.includes("azure-arm64-v2"), "the version waits for its definition");
        assert.equal(named(run, "product-1592.4-azure-arm64").type, "image-publisher:azure:Image");
    });

    it("replicates to the configured regions with their replica counts and storage types", async () => {
        const run = await runMocked(() => publish([release("1592.4")], azureTarget(), "prod"), { stack: "prod" });
        for (const v of versionsOf(run.resources)) {
            assert.deepEqual((v.inputs.publishingProfile as Record<string, unknown>).targetRegions, [
                { name: "westeurope", regionalReplicaCount: 2, storageAccountType: "Standard_ZRS" },
                { name: "eastus", regionalReplicaCount: 1, storageAccountType: "Standard_LRS" },
            ]);
            assert.equal((v.inputs.publishingProfile as Record<string, unknown>).replicationMode, "Full");
        }
    });

    it("adds the gallery's own region when config leaves it out, since Azure requires it", async () => {
        const run = await runMocked(() => publish([release("1592.4")], azureTarget({ regions: [{ name: "eastus" }] }), "prod"), { stack: "prod" });
        assert.deepEqual((versionsOf(run.resources)[0].inputs.publishingProfile as Record<string, unknown>).targetRegions, [
            { name: "westeurope", regionalReplicaCount: 1, storageAccountType: "Standard_LRS" },
            { name: "eastus", regionalReplicaCount: 1, storageAccountType: "Standard_LRS" },
        ]);
        assert.deepEqual(Object.keys(run.outputs.imageIds["1592.4/x86_64"]), ["westeurope", "eastus"]);
    });

    it("does not add the gallery's region again when config spells it differently (\"West Europe\" is westeurope)", async () => {
        for (const [location, region] of [["West Europe", "westeurope"], ["westeurope", "West Europe"], ["westeurope", "WestEurope"]]) {
            const target = azureTarget({ location, regions: [{ name: region, replicaCount: 2 }, { name: "eastus" }] });
            const run = await runMocked(() => publish([release("1592.4")], target, "prod"), { stack: "prod" });
            assert.deepEqual((versionsOf(run.resources)[0].inputs.publishingProfile as Record<string, unknown>).targetRegions, [
                { name: region, regionalReplicaCount: 2, storageAccountType: "Standard_LRS" },
                { name: "eastus", regionalReplicaCount: 1, storageAccountType: "Standard_LRS" },
            ], `${location} / ${region}`);
        }
    });

    it("copies the VHD only after the deploying identity has its blob data role", async () => {
        const run = await runMocked(() => publish([release("1592.4")], azureTarget(), "prod"), { stack: "prod" });
        const vhds = run.resources.filter((r) => r.name.endsWith("-vhd"));
        assert.equal(vhds.length, 2);
        for (const vhd of vhds) {
            assert.ok(vhd.dependsOn.includes("azure-blob-data"), `${vhd.name}: ${vhd.dependsOn.join(", ")}`);
        }
    });

    it("copies the release's VHD into the gallery's container and makes the versions straight from that blob", async () => {
        const run = await runMocked(() => publish([release("1592.4")], azureTarget(), "prod"), { stack: "prod" });
        const vhd = named(run, "product-1592.4-azure-x86_64-vhd");
        assert.equal(vhd.parent, "product-1592.4-azure-x86_64");
        assert.equal(vhd.inputs.sourceUrl, "https://artifacts.example.com/product-1592.4-x86_64.vhd");
        assert.equal(vhd.inputs.sha256, "a".repeat(64));
        assert.equal(vhd.inputs.accountUrl, "https://productvhds.blob.core.windows.net");
        assert.equal(vhd.inputs.containerName, "vhds");
        assert.equal(vhd.inputs.blobName, "product-1592.4-x86_64.vhd");
        assert.equal(vhd.inputs.transferMode, "server-side");
        assert.ok(vhd.dependsOn.includes("azure-container"));
        const version = named(run, "product-1592.4-azure-x86_64-v2");
        assert.deepEqual(version.inputs.storageProfile, {
            osDiskImage: {
                source: {
                    storageAccountId: armId("Microsoft.Storage/storageAccounts/productvhds"),
                    uri: "https://productvhds.blob.core.windows.net/vhds/product-1592.4-x86_64.vhd",
                },
            },
        });
        assert.ok(version.dependsOn.includes("product-1592.4-azure-x86_64-vhd"));
        assert.equal(named(run, "product-1592.4-azure-arm64-vhd").inputs.sourceUrl, "https://artifacts.example.com/product-1592.4-arm64.vhd");
    });

    it("excludes a release from latest once its date has passed, and sends no end-of-life date then (Azure refuses a past one) but keeps the one a version has; a current release has neither", async () => {
        const deprecated = release("1590.0", { deprecation: { time: "2026-12-01T00:00:00Z", date: "2026-12-01", passed: true } });
        const run = await runMocked(() => publish([deprecated, release("1592.4")], azureTarget(), "prod"), { stack: "prod" });
        const versions = versionsOf(run.resources);
        assert.ok(versions.some((v) => v.inputs.galleryImageVersionName === "1590.0.0") && versions.some((v) => v.inputs.galleryImageVersionName === "1592.4.0"));
        for (const v of versions) {
            const profile = v.inputs.publishingProfile as Record<string, unknown>;
            if (v.inputs.galleryImageVersionName === "1590.0.0") {
                assert.equal(profile.excludeFromLatest, true, v.name);
                assert.equal(profile.endOfLifeDate, undefined, v.name);
                assert.deepEqual(v.options.ignoreChanges, ["publishingProfile.endOfLifeDate"], v.name);
            } else {
                assert.equal(profile.excludeFromLatest, undefined, v.name);
                assert.equal(profile.endOfLifeDate, undefined, v.name);
                assert.equal(v.options.ignoreChanges, undefined, v.name);
            }
        }
    });

    it("sets the end-of-life date of a release dated in the future at once, and keeps it in latest until then", async () => {
        const dated = release("1590.0", { deprecation: { time: "2027-03-31T00:00:00Z", date: "2027-03-31", passed: false } });
        const run = await runMocked(() => publish([dated], azureTarget(), "prod"), { stack: "prod" });
        const versions = versionsOf(run.resources);
        assert.ok(versions.length > 0);
        for (const v of versions) {
            const profile = v.inputs.publishingProfile as Record<string, unknown>;
            assert.equal(profile.endOfLifeDate, "2027-03-31T00:00:00Z", v.name);
            assert.equal(profile.excludeFromLatest, undefined, v.name);
            assert.equal(v.options.ignoreChanges, undefined, v.name);
        }
    });

    it("gives each target region the ID of the generation V2 version, and every generation's ID", async () => {
        const run = await runMocked(() => publish([release("1592.4")], azureTarget(), "prod"), { stack: "prod" });
        const v2 = versionId("product");
        const v1 = versionId("product-gen1");
        assert.deepEqual(run.outputs.imageIds["1592.4/x86_64"], { westeurope: v2, eastus: v2 });
        assert.deepEqual(run.outputs.versionIds["1592.4/x86_64"], { V1: v1, V2: v2 });
        assert.deepEqual(Object.keys(run.outputs.versionIds["1592.4/arm64"]), ["V2"]);
    });

    it("falls back to generation V1 for the region IDs when V2 is not configured", async () => {
        const target = azureTarget({ image: { publisher: "example", offer: "product", hyperVGenerations: ["V1"] } });
        const run = await runMocked(() => publish([release("1592.4", { architectures: ["x86_64"] })], target, "prod"), { stack: "prod" });
        assert.equal(run.outputs.imageIds["1592.4/x86_64"].westeurope, versionId("product-gen1"));
    });

    it("gives the community image ID of a community-shared gallery as /CommunityGalleries/{publicName}/Images/{definition}/Versions/{version}", async () => {
        const run = await runMocked(() => publish([release("1592.4")], azureTarget(), "prod"), { stack: "prod" });
        const x86 = String(run.outputs.community["1592.4/x86_64"]);
        const arm = String(run.outputs.community["1592.4/arm64"]);
        assert.match(x86, /^\/CommunityGalleries\/productgallery-[0-9a-f-]{36}\/Images\/product\/Versions\/1592\.4\.0$/);
        assert.match(arm, /^\/CommunityGalleries\/productgallery-[0-9a-f-]{36}\/Images\/product-arm64\/Versions\/1592\.4\.0$/);
        assert.match(x86, communityImagePattern);
    });

    it("shares nothing with the community in dev: no Community permission, no sharing resource, no community ID", async () => {
        const run = await runMocked(() => publish([release("1592.4")], azureTarget({ sharing: { community: true } }), "dev"));
        assert.ok(!JSON.stringify(run.resources).includes("Community"));
        assert.equal(run.resources.filter((r) => r.type === "pulumi-nodejs:dynamic/azure:CommunitySharing").length, 0);
        assert.deepEqual(run.outputs.community, {});
    });

    it("protects the versions in prod, not in dev", async () => {
        const prod = await runMocked(() => publish([release("1592.4")], azureTarget(), "prod"), { stack: "prod" });
        assert.equal(versionsOf(prod.resources).length, 3);
        assert.ok(versionsOf(prod.resources).every((v) => v.options.protect === true));
        const dev = await runMocked(() => publish([release("1592.4")], azureTarget({ sharing: { community: false } }), "dev"));
        assert.equal(versionsOf(dev.resources).length, 3);
        assert.ok(versionsOf(dev.resources).every((v) => v.options.protect === undefined));
        assert.equal(ofType(dev, VERSION).length, 3);
    });

    it("refuses a release without an Azure VHD for the architecture, naming it", async () => {
        await runMocked(async () => {
            const target = azureTarget();
            const gallery = new AzureGallery("azure", { target, product: "product", environment: "prod", architectures: ["arm64"] });
            const r = release("1592.4", { artifacts: { aws: {}, azure: {}, gcp: {}, alicloud: {}, openstack: {} } });
            assert.throws(() => new AzureImage("i", { release: r, architecture: "arm64", target, product: "product", imageName: "i", environment: "prod", gallery }),
                /release 1592\.4 has no azure artifact for arm64/);
        }, { stack: "prod" });
    });

    it("refuses arm64 when only Hyper-V generation V1 is configured", async () => {
        await runMocked(async () => {
            const target = azureTarget({ image: { publisher: "example", offer: "product", hyperVGenerations: ["V1"] } });
            const gallery = new AzureGallery("azure", { target, product: "product", environment: "prod", architectures: ["x86_64", "arm64"] });
            assert.throws(() => new AzureImage("i", { release: release("1592.4"), architecture: "arm64", target, product: "product", imageName: "i", environment: "prod", gallery }),
                /arm64 cannot be published to Azure with Hyper-V generations V1; arm64 needs V2/);
        }, { stack: "prod" });
    });
});
