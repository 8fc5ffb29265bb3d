/**
 * Blob data access of the deploying principal. The VHD copy signs in to the storage account with
 * Microsoft Entra ID, which needs a data role on the account: Owner and Contributor grant no data
 * actions ("Assign an Azure role for access to blob data", Microsoft Learn: only roles with
 * DataActions, such as Storage Blob Data Contributor, authorize Entra ID requests to blobs).
 *
 * The caller's effective permissions at a scope come from the ARM permissions API
 * (`GET {scope}/providers/Microsoft.Authorization/permissions`, api-version 2022-04-01), which lists
 * `dataActions` and `notDataActions` per role the caller holds there.
 */

/** The built-in role that carries the blob data actions the copy needs. */
export const BLOB_DATA_ROLE = "Storage Blob Data Contributor";

/** Its role definition ID (Azure built-in roles, Storage). */
export const BLOB_DATA_ROLE_ID = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";

/** The data actions of a copy: read the blob back, write its pages and metadata, delete it on replacement. */
export const requiredBlobDataActions = [
    "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
    "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write",
    "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete",
];

/** One entry of the permissions API's answer: what one role assignment allows at the scope. */
export interface Permission {
    /** Control-plane actions; never blob data access. */
    actions?: string[];
    /** Control-plane actions excluded. */
    notActions?: string[];
    /** Data actions, possibly with wildcards. */
    dataActions?: string[];
    /** Data actions excluded. */
    notDataActions?: string[];
}

/** Reads the caller's permissions at a scope (a resource ID). */
export type PermissionReader = (scope: string) => Promise<Permission[]>;

/** Whether an action matches a pattern of the permissions model ("*" matches any text), case-insensitively. */
function matches(pattern: string, action: string): boolean {
    const regex = new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, "\\$&")).join(".*")}$`, "i");
    return regex.test(action);
}

/** The required data actions that none of the permissions allow. */
export function missingBlobDataActions(permissions: Permission[]): string[] {
    return requiredBlobDataActions.filter((action) => !permissions.some((p) =>
        (p.dataActions ?? []).some((d) => matches(d, action)) && !(p.notDataActions ?? []).some((d) => matches(d, action))));
}

/** Reads the permissions from Azure Resource Manager as the environment's Azure identity (DefaultAzureCredential). */
export function armPermissionReader(endpoint = "https://management.azure.com", authorityHost?: string): PermissionReader {
    return async (scope) => {
        const identity = require("@azure/identity") as typeof import("@azure/identity");
        const credential = new identity.DefaultAzureCredential({ authorityHost, disableInstanceDiscovery: authorityHost !== undefined });
        const token = await credential.getToken(`${endpoint.replace(/\/+$/, "")}/.default`);
        const url = `${endpoint.replace(/\/+$/, "")}${scope}/providers/Microsoft.Authorization/permissions?api-version=2022-04-01`;
        const response = await fetch(url, { headers: { authorization: `Bearer ${token.token}`, accept: "application/json" } });
        const text = await response.text();
        if (!response.ok) {
            throw new Error(`reading the permissions at ${scope}: HTTP ${response.status}: ${text}`);
        }
        return ((JSON.parse(text) as { value?: Permission[] }).value ?? []);
    };
}
