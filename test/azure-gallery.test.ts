import { strict as assert } from "assert";
import { AzureTarget } from "../components/config";
import { AzureGallery, definitionReplacingFields } from "../components/azure/gallery";
import { communityGalleryTarget } from "./helpers/azure";
import { named, ofType, runMocked } from "./mocks";

/** The community gallery target, with two replicas in eastus. */
function azureTarget(extra: Record<string, unknown> = {}): AzureTarget {
    return communityGalleryTarget({ regions: [{ name: "westeurope" }, { name: "eastus", replicaCount: 2 }], ...extra });
}

const GALLERY_IMAGE = "azure-native:compute:GalleryImage";

describe("AzureGallery", () => {
    it("creates the resource group, storage account, container and gallery, all in the configured region", async () => {
        const run = await runMocked(async () => {
            const gallery = new AzureGallery("azure", { target: azureTarget(), product: "product", environment: "prod", architectures: ["x86_64"] });
            return { account: gallery.storageAccountId, endpoint: gallery.blobEndpoint, container: gallery.containerName };
        }, { stack: "prod" });
        const group = named(run, "azure-rg");
        assert.equal(group.inputs.resourceGroupName, "images");
        assert.equal(group.inputs.location, "westeurope");
        const account = named(run, "azure-storage");
        assert.equal(account.type, "azure-native:storage:StorageAccount");
        assert.equal(account.inputs.accountName, "productvhds");
        assert.equal(account.inputs.allowBlobPublicAccess, false);
        const container = named(run, "azure-container");
        assert.equal(container.inputs.containerName, "vhds");
        assert.equal(container.inputs.publicAccess, "None");
        assert.deepEqual(container.dependsOn, ["azure-rg", "azure-storage"]);
        const gallery = named(run, "azure-gallery");
        assert.equal(gallery.type, "azure-native:compute:Gallery");
        assert.equal(gallery.inputs.galleryName, "product_gallery");
        assert.equal(gallery.inputs.location, "westeurope");
        assert.equal(run.outputs.endpoint, "https://productvhds.blob.core.windows.net");
        assert.equal(run.outputs.container, "vhds");
        assert.ok(run.resources.filter((r) => r.name !== "azure").every((r) => r.parent === "azure"), "every child is parented to the component");
    });

    it("grants the deploying identity Storage Blob Data Contributor on the account it creates, since the VHD copy signs in with Entra ID", async () => {
        const run = await runMocked(async () => {
            new AzureGallery("azure", { target: azureTarget(), product: "product", environment: "prod", architectures: ["x86_64"] });
        }, { stack: "prod" });
        const grants = ofType(run, "azure-native:authorization:RoleAssignment");
        assert.equal(grants.length, 1);
        assert.deepEqual(grants[0].inputs, {
            scope: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/images/providers/Microsoft.Storage/storageAccounts/productvhds",
            principalId: "00000000-aaaa-bbbb-cccc-000000000004",
            principalType: "ServicePrincipal",
            roleDefinitionId: "/subscriptions/00000000-1111-2222-3333-555555555555/providers/Microsoft.Authorization/roleDefinitions/ba92f5b4-2d11-453d-a403-e96b0029c9fe",
        });
        assert.equal(grants[0].name, "azure-blob-data");
        assert.deepEqual(grants[0].dependsOn, ["azure-storage"]);
    });

    it("gives the role assignment the deployer type config names", async () => {
        const run = await runMocked(async () => {
            new AzureGallery("azure", { target: azureTarget({ storageAccount: { name: "productvhds", deployerType: "User" } }), product: "product", environment: "prod", architectures: ["x86_64"] });
        }, { stack: "prod" });
        assert.equal(named(run, "azure-blob-data").inputs.principalType, "User");
    });

    it("reuses an existing resource group and storage account by name, creating neither", async () => {
        const target = azureTarget({
            subscriptionId: "12345678-1234-1234-1234-123456789abc",
            resourceGroup: { name: "shared-images", create: false },
            storageAccount: { name: "sharedvhds", create: false },
        });
        const run = await runMocked(async () => {
            const gallery = new AzureGallery("azure", { target, product: "product", environment: "prod", architectures: ["x86_64"] });
            return { account: gallery.storageAccountId, group: gallery.resourceGroupName };
        }, { stack: "prod" });
        assert.equal(ofType(run, "azure-native:resources:ResourceGroup").length, 0);
        assert.equal(ofType(run, "azure-native:storage:StorageAccount").length, 0);
        assert.equal(named(run, "azure-container").inputs.accountName, "sharedvhds");
        assert.equal(named(run, "azure-gallery").inputs.resourceGroupName, "shared-images");
        assert.equal(run.outputs.account, "/subscriptions/12345678-1234-1234-1234-123456789abc/resourceGroups/shared-images/providers/Microsoft.Storage/storageAccounts/sharedvhds");
        assert.equal(run.invokes.length, 0, "no invoke is needed");
        assert.equal(ofType(run, "azure-native:authorization:RoleAssignment").length, 0, "the preflight checks a reused account's access instead");
    });

    it("reads the subscription of a reused storage account from the gallery's ID when config does not give it", async () => {
        const target = azureTarget({ storageAccount: { name: "sharedvhds", create: false } });
        const run = await runMocked(async () => {
            const gallery = new AzureGallery("azure", { target, product: "product", environment: "prod", architectures: ["x86_64"] });
            return { account: gallery.storageAccountId };
        }, { stack: "prod" });
        assert.equal(run.outputs.account, "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/images/providers/Microsoft.Storage/storageAccounts/sharedvhds");
    });

    it("makes one definition per architecture and generation, arm64 only with V2, with unique identifiers", async () => {
        const run = await runMocked(async () => {
            new AzureGallery("azure", { target: azureTarget(), product: "product", environment: "prod", architectures: ["arm64", "x86_64"] });
        }, { stack: "prod" });
        const definitions = ofType(run, GALLERY_IMAGE);
        assert.deepEqual(definitions.map((d) => [d.name, d.inputs.galleryImageName, d.inputs.architecture, d.inputs.hyperVGeneration]), [
            ["azure-x86_64-v1", "product-gen1", "x64", "V1"],
            ["azure-x86_64-v2", "product", "x64", "V2"],
            ["azure-arm64-v2", "product-arm64", "Arm64", "V2"],
        ]);
        const identifiers = definitions.map((d) => JSON.stringify(d.inputs.identifier));
        assert.equal(new Set(identifiers).size, 3);
        assert.deepEqual(definitions[2].inputs.identifier, { publisher: "example", offer: "product", sku: "product-arm64" });
        for (const d of definitions) {
            assert.equal(d.inputs.osType, "Linux");
            assert.equal(d.inputs.osState, "Generalized");
            assert.equal(d.inputs.galleryName, "product_gallery");
            assert.ok(d.dependsOn.includes("azure-gallery"));
        }
    });

    it("keeps the architecture out of the suffix when the SKU template names it", async () => {
        const target = azureTarget({ image: { publisher: "example", offer: "product", sku: "{product}-{arch}", hyperVGenerations: ["V2"] } });
        const run = await runMocked(async () => {
            new AzureGallery("azure", { target, product: "product", environment: "prod", architectures: ["x86_64", "arm64"] });
        }, { stack: "prod" });
        assert.deepEqual(ofType(run, GALLERY_IMAGE).map((d) => (d.inputs.identifier as { sku: string }).sku), ["product-x86_64", "product-arm64"]);
    });

    it("sets the features: security type and NVMe only on generation V2, accelerated networking on all", async () => {
        const run = await runMocked(async () => {
            new AzureGallery("azure", { target: azureTarget(), product: "product", environment: "prod", architectures: ["x86_64"] });
        }, { stack: "prod" });
        assert.deepEqual(named(run, "azure-x86_64-v1").inputs.features, [
            { name: "DiskControllerTypes", value: "SCSI" },
            { name: "IsAcceleratedNetworkSupported", value: "True" },
        ]);
        assert.deepEqual(named(run, "azure-x86_64-v2").inputs.features, [
            { name: "SecurityType", value: "TrustedLaunchSupported" },
            { name: "DiskControllerTypes", value: "SCSI, NVMe" },
            { name: "IsAcceleratedNetworkSupported", value: "True" },
        ]);
    });

    it("lets the features of a definition change in place: allowUpdateImage is set, and features are not ignored", async () => {
        for (const environment of ["prod", "dev"] as const) {
            const target = environment === "dev" ? azureTarget({ sharing: { community: false } }) : azureTarget();
            const run = await runMocked(async () => {
                new AzureGallery("azure", { target, product: "product", environment, architectures: ["x86_64", "arm64"] });
            }, { stack: environment });
            const definitions = ofType(run, GALLERY_IMAGE);
            assert.equal(definitions.length, 3);
            for (const d of definitions) {
                assert.equal(d.inputs.allowUpdateImage, true, `${environment} ${d.name}`);
                assert.ok(!(d.options.ignoreChanges ?? []).includes("features"), d.name);
            }
        }
    });

    it("protects the definitions in prod and ignores changes to the fields that would replace them", async () => {
        const run = await runMocked(async () => {
            new AzureGallery("azure", { target: azureTarget(), product: "product", environment: "prod", architectures: ["x86_64", "arm64"] });
        }, { stack: "prod" });
        for (const d of ofType(run, GALLERY_IMAGE)) {
            assert.equal(d.options.protect, true, d.name);
            assert.deepEqual(d.options.ignoreChanges, ["identifier", "osType", "osState", "hyperVGeneration", "architecture"]);
        }
        assert.deepEqual(definitionReplacingFields, ["identifier", "osType", "osState", "hyperVGeneration", "architecture"]);
        assert.equal(named(run, "azure-gallery").options.protect, true);
    });

    it("neither protects nor freezes the definitions in dev", async () => {
        const run = await runMocked(async () => {
            new AzureGallery("azure", { target: azureTarget({ sharing: { community: false } }), product: "product", environment: "dev", architectures: ["x86_64"] });
        });
        for (const d of ofType(run, GALLERY_IMAGE)) {
            assert.equal(d.options.protect, undefined);
            assert.equal(d.options.ignoreChanges, undefined);
        }
    });

    it("shares the gallery with the community in prod and reads its public name back", async () => {
        const run = await runMocked(async () => {
            const gallery = new AzureGallery("azure", { target: azureTarget(), product: "product", environment: "prod", architectures: ["x86_64"] });
            return { publicName: gallery.publicName };
        }, { stack: "prod" });
        assert.deepEqual(named(run, "azure-gallery").inputs.sharingProfile, {
            permissions: "Community",
            communityGalleryInfo: {
                publicNamePrefix: "productimg", publisherContact: "images@example.com", publisherUri: "https://example.com", eula: "https://example.com/eula",
            },
        });
        const sharing = named(run, "azure-community");
        assert.equal(sharing.type, "pulumi-nodejs:dynamic/azure:CommunitySharing");
        assert.equal(sharing.inputs.galleryName, "product_gallery");
        assert.equal(sharing.inputs.resourceGroupName, "images");
        assert.equal(sharing.inputs.subscriptionId, "00000000-0000-0000-0000-000000000000");
        assert.ok(sharing.dependsOn.includes("azure-gallery"));
        assert.equal(sharing.options.protect, true);
        assert.match(String(run.outputs.publicName), /^productgallery-[0-9a-f-]{36}$/);
    });

    it("never shares anything with the community in dev, even when config asks for it", async () => {
        const run = await runMocked(async () => {
            const gallery = new AzureGallery("azure", { target: azureTarget({ sharing: { community: true } }), product: "product", environment: "dev", architectures: ["x86_64", "arm64"] });
            return { publicName: gallery.publicName, community: gallery.communityEnabled };
        });
        assert.equal(named(run, "azure-gallery").inputs.sharingProfile, undefined);
        assert.equal(run.resources.filter((r) => r.type === "pulumi-nodejs:dynamic/azure:CommunitySharing").length, 0);
        assert.ok(!JSON.stringify(run.resources).includes("Community"), "no Community permission anywhere");
        assert.equal(run.outputs.publicName, undefined);
        assert.equal(run.outputs.community, false);
    });

    it("looks definitions up by architecture and generation, and names what exists when asked for a missing one", async () => {
        await runMocked(async () => {
            const gallery = new AzureGallery("azure", { target: azureTarget({ image: { publisher: "example", offer: "product", hyperVGenerations: ["V1"] } }),
                product: "product", environment: "prod", architectures: ["x86_64", "arm64"] });
            assert.equal(gallery.definitionFor("x86_64", "V1").name, "product-gen1");
            assert.throws(() => gallery.definitionFor("arm64", "V2"), /no image definition for arm64 Hyper-V V2; it has: x86_64\/V1 \(arm64 needs V2 in azure.image.hyperVGenerations\)/);
        }, { stack: "prod" });
    });

    it("refuses a SKU template that names the release, since a definition serves every release", async () => {
        const target = azureTarget({ image: { publisher: "example", offer: "product", sku: "{product}-{version}" } });
        await runMocked(async () => {
            assert.throws(() => new AzureGallery("azure", { target, product: "product", environment: "prod", architectures: ["x86_64"] }),
                /azure.image.sku "\{product\}-\{version\}" uses \{version\}.*allowed: \{product\}, \{arch\}, \{cloud\}/);
        }, { stack: "prod" });
    });
});
