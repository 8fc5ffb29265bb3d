import * as crypto from "crypto";

/** The names azure-native computes from the name inputs: resource type → the input that names it. */
const nameInputs: Record<string, string> = {
    "azure-native:resources:ResourceGroup": "resourceGroupName",
    "azure-native:storage:StorageAccount": "accountName",
    "azure-native:storage:BlobContainer": "containerName",
    "azure-native:compute:Gallery": "galleryName",
    "azure-native:compute:GalleryImage": "galleryImageName",
    "azure-native:compute:GalleryImageVersion": "galleryImageVersionName",
};

/** A deterministic GUID from some text. */
function guid(text: string): string {
    const h = crypto.createHash("sha256").update(text).digest("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The blob URL a VhdBlob reports: its blobUrl without the query, or account URL, container and blob. */
function blobUrl(inputs: Record<string, unknown>): string {
    if (typeof inputs.blobUrl === "string") {
        return inputs.blobUrl.split("?")[0];
    }
    return `${String(inputs.accountUrl ?? "").replace(/\/+$/, "")}/${String(inputs.containerName ?? "")}/${String(inputs.blobName ?? "")}`;
}

/** Mock outputs of the Azure resources whose real outputs the program reads back; see mock-state.ts. */
export function azureMockState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> | undefined {
    const nameInput = nameInputs[type];
    if (nameInput !== undefined) {
        return { name: inputs[nameInput] ?? name };
    }
    switch (type) {
        case "pulumi-nodejs:dynamic/azure:VhdBlob":
            return { url: blobUrl(inputs), size: 0, bytesUploaded: 0, rangesSkipped: 0 };
        case "pulumi-nodejs:dynamic/azure:CommunitySharing": {
            // Azure names a community gallery "<publicNamePrefix>-<GUID>"; the gallery name stands in for the prefix.
            const prefix = String(inputs.galleryName ?? name).replace(/[^A-Za-z0-9]/g, "").slice(0, 16) || "gallery";
            const publicName = `${prefix}-${guid(`${String(inputs.subscriptionId)}/${String(inputs.resourceGroupName)}/${String(inputs.galleryName)}`)}`;
            return { publicName, publicNames: [publicName] };
        }
        case "pulumi-nodejs:dynamic/azure:MarketplaceVersion":
            return {
                productId: guid(`product/${String(inputs.offerId)}`),
                jobId: guid(`job/${name}`),
                status: "succeeded",
                state: inputs.deprecated === true ? "deprecated" : inputs.publish === true ? "live" : "draft",
            };
        default:
            return undefined;
    }
}
