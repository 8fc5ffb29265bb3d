/**
 * The Azure preflight: what must hold in the subscription before anything is created.
 *
 * - A gallery that already exists without community sharing cannot be shared with the community:
 *   Azure cannot turn a private gallery into a community gallery (its sharing profile's
 *   permissions are set when the gallery is created; see "Share images using a community gallery",
 *   Microsoft Learn), so the update would fail half-way. The gallery is read with the
 *   azure-native invoke `compute.getGallery`.
 * - A storage account that config reuses must give the deploying principal blob data access
 *   (Storage Blob Data Contributor), since the VHD copy signs in with Microsoft Entra ID.
 */
import * as authorization from "@pulumi/azure-native/authorization";
import * as compute from "@pulumi/azure-native/compute";
import { AzureTarget } from "../config";
import { BLOB_DATA_ROLE, PermissionReader, armPermissionReader, missingBlobDataActions } from "./blob-access";
import { storageAccountId } from "./names";

/** Thrown when the subscription is not ready for what config asks; its message lists every problem. */
export class AzurePreflightError extends Error {
    constructor(public readonly problems: string[]) {
        super(`Azure preflight failed; nothing was created:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "AzurePreflightError";
    }
}

/** Options of {@link azurePreflight}; the offline plan and the tests answer the permissions from fixtures. */
export interface AzurePreflightOptions {
    /** Reads the deploying principal's permissions at a scope; Azure Resource Manager by default. */
    readPermissions?: PermissionReader;
}

/** Whether an invoke failed because the resource (or its group) does not exist. */
function isNotFound(error: unknown): boolean {
    return /ResourceNotFound|ResourceGroupNotFound|ParentResourceNotFound|\b404\b|not found/i.test(error instanceof Error ? error.message : String(error));
}

/** The gallery's sharing permissions, or undefined when it does not exist yet. */
async function existingGalleryPermissions(target: AzureTarget): Promise<string | undefined> {
    try {
        const gallery = await compute.getGallery({ resourceGroupName: target.resourceGroup.name, galleryName: target.gallery.name, select: "Permissions" });
        return gallery.sharingProfile?.permissions ?? "Private";
    } catch (error) {
        if (isNotFound(error)) {
            return undefined;
        }
        throw new Error(`reading gallery ${target.resourceGroup.name}/${target.gallery.name}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
}

/** Checks the subscription before anything is created; throws, listing every problem, when it is not ready. */
export async function azurePreflight(target: AzureTarget, environment: "dev" | "prod", options: AzurePreflightOptions = {}): Promise<void> {
    const problems: string[] = [];
    if (environment === "prod" && target.sharing.community) {
        const permissions = await existingGalleryPermissions(target);
        if (permissions !== undefined && permissions !== "Community") {
            problems.push(`azure.sharing.community: gallery ${target.resourceGroup.name}/${target.gallery.name} exists with sharing "${permissions}", ` +
                "and Azure cannot turn an existing private gallery into a community gallery; keep azure.sharing.community false for it, " +
                "or publish community images from a new gallery in another stack (renaming azure.gallery.name here would replace this gallery, " +
                "which prod protects with its definitions and versions)");
        }
    }
    if (!target.storageAccount.create) {
        const client = await authorization.getClientConfig();
        const scope = storageAccountId(target.subscriptionId ?? client.subscriptionId, target.resourceGroup.name, target.storageAccount.name);
        const missing = missingBlobDataActions(await (options.readPermissions ?? armPermissionReader())(scope));
        if (missing.length > 0) {
            problems.push(`azure.storageAccount: the deploying identity (object ID ${client.objectId}) has no blob data access to the reused account ` +
                `${target.storageAccount.name} (missing ${missing.join(", ")}); the VHD copy signs in with Microsoft Entra ID and needs the role ` +
                `${BLOB_DATA_ROLE} on it (Owner and Contributor carry no data access): ` +
                `az role assignment create --role "${BLOB_DATA_ROLE}" --assignee ${client.objectId} --scope ${scope}`);
        }
    }
    if (problems.length > 0) {
        throw new AzurePreflightError(problems);
    }
}
