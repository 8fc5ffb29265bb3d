/** The Azure gallery that the component tests publish to. */
import { AzureTarget, azureSchema } from "../../components/config";

/** The ARM ID that a resource of the tests' gallery gets. */
export const armId = (path: string) => `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/images/providers/${path}`;

/** The ARM ID of the 1592.4.0 version of one image definition. */
export const versionId = (definition: string) => armId(`Microsoft.Compute/galleries/product_gallery/images/${definition}/versions/1592.4.0`);

/** An Azure target with a community gallery, in westeurope and eastus, as config yields it, defaults filled in. */
export function communityGalleryTarget(extra: Record<string, unknown> = {}): AzureTarget {
    return azureSchema.parse({
        enabled: true,
        location: "westeurope",
        resourceGroup: { name: "images" },
        storageAccount: { name: "productvhds" },
        gallery: {
            name: "product_gallery", publicNamePrefix: "productimg", publisherContact: "images@example.com",
            publisherUri: "https://example.com", eula: "https://example.com/eula",
        },
        image: { publisher: "example", offer: "product", hyperVGenerations: ["V1", "V2"] },
        regions: [{ name: "westeurope" }, { name: "eastus" }],
        sharing: { community: true },
        ...extra,
    });
}
