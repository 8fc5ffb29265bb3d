/**
 * The destination of a VHD copy: where the page blob is, how to authenticate, and the official
 * `@azure/storage-blob` clients aimed at it. The SDK is loaded inside the functions so that a
 * serialised dynamic provider carries none of it.
 */
import type { ContainerClient, PageBlobClient, StoragePipelineOptions } from "@azure/storage-blob";
import { withoutQuery } from "./vhd-errors";

/** Where a page blob lives. */
export interface BlobLocation {
    /** The account's blob endpoint, e.g. https://acct.blob.core.windows.net or http://127.0.0.1:10000/devstoreaccount1 (Azurite). */
    accountUrl: string;
    /** The container; created when missing. */
    containerName: string;
    /** The blob's name inside the container, e.g. "product-1.2-x86_64.vhd". */
    blobName: string;
}

/** How requests to the storage account are authenticated. */
export type BlobAuth =
    /** Shared Key: the account name and one of its keys. */
    | { kind: "key"; accountName: string; accountKey: string }
    /** A SAS token (without the leading "?") that the blob URL carried. */
    | { kind: "sas"; sasToken: string }
    /** Microsoft Entra ID through DefaultAzureCredential (environment, workload identity, managed identity, Azure CLI). */
    | { kind: "default" };

/** The kind of authentication, as kept in the state: never the key or token itself. */
export type BlobAuthKind = BlobAuth["kind"];

/** A blob given either by URL or by its parts. */
export interface BlobSpec {
    /** The blob's full URL, optionally with a SAS query string. */
    blobUrl?: string;
    /** The account's blob endpoint, when the blob is given by parts. */
    accountUrl?: string;
    /** The container, when the blob is given by parts. */
    containerName?: string;
    /** The blob name, when the blob is given by parts. */
    blobName?: string;
}

/** The clients of one page blob and its container. */
export interface BlobClients {
    /** The page blob. */
    blob: PageBlobClient;
    /** Its container. */
    container: ContainerClient;
    /** The blob URL without any SAS. */
    url: string;
}

/** The SDK, loaded on first use. */
function storageBlob(): typeof import("@azure/storage-blob") {
    return require("@azure/storage-blob");
}

/** Resolves a blob given by URL or by parts into its location and, if the URL carried one, its SAS token. */
export function locateBlob(spec: BlobSpec): { location: BlobLocation; sasToken?: string } {
    if (spec.blobUrl !== undefined) {
        const parsed = new URL(spec.blobUrl);
        const client = new (storageBlob().BlobClient)(withoutQuery(spec.blobUrl));
        const segments = parsed.pathname.split("/").slice(1);
        const containerIndex = segments.length - client.name.split("/").length - 1;
        if (client.name === "" || containerIndex < 0 || decodeURIComponent(segments[containerIndex]) !== client.containerName) {
            throw new Error(`${withoutQuery(spec.blobUrl)} is not a blob URL; expected https://<account>.blob.core.windows.net/<container>/<blob>`);
        }
        const accountPath = segments.slice(0, containerIndex).map((s) => `/${s}`).join("");
        const sasToken = parsed.search.length > 1 ? parsed.search.slice(1) : undefined;
        return {
            location: { accountUrl: `${parsed.origin}${accountPath}`, containerName: client.containerName, blobName: client.name },
            ...(sasToken === undefined ? {} : { sasToken }),
        };
    }
    if (spec.accountUrl === undefined || spec.containerName === undefined || spec.blobName === undefined) {
        throw new Error("the blob needs either blobUrl or all of accountUrl, containerName and blobName");
    }
    return { location: { accountUrl: spec.accountUrl.replace(/\/+$/, ""), containerName: spec.containerName, blobName: spec.blobName } };
}

/** The storage account's name as the SDK reads it from the account URL (host name, or first path segment for Azurite). */
export function accountNameOf(accountUrl: string): string {
    return new (storageBlob().BlobServiceClient)(accountUrl).accountName;
}

/** Clients aimed at the blob. The SDK's own retries are off: every retry goes through retry.ts. */
export function openBlob(location: BlobLocation, auth: BlobAuth, requestTimeoutMs: number): BlobClients {
    const sdk = storageBlob();
    const pipeline: StoragePipelineOptions = { retryOptions: { maxTries: 1, tryTimeoutInMs: requestTimeoutMs } };
    let service: InstanceType<typeof sdk.BlobServiceClient>;
    if (auth.kind === "key") {
        service = new sdk.BlobServiceClient(location.accountUrl, new sdk.StorageSharedKeyCredential(auth.accountName, auth.accountKey), pipeline);
    } else if (auth.kind === "sas") {
        service = new sdk.BlobServiceClient(`${location.accountUrl}?${auth.sasToken}`, new sdk.AnonymousCredential(), pipeline);
    } else {
        const { DefaultAzureCredential } = require("@azure/identity") as typeof import("@azure/identity");
        service = new sdk.BlobServiceClient(location.accountUrl, new DefaultAzureCredential(), pipeline);
    }
    const container = service.getContainerClient(location.containerName);
    const blob = container.getPageBlobClient(location.blobName);
    return { blob, container, url: withoutQuery(blob.url) };
}

/**
 * The authentication for reading or deleting a blob whose state holds no secret: the account key
 * from AZURE_STORAGE_KEY, the SAS token from AZURE_STORAGE_SAS_TOKEN, or DefaultAzureCredential.
 */
export function authFromEnvironment(kind: BlobAuthKind, accountName: string, url: string, env: NodeJS.ProcessEnv = process.env): BlobAuth {
    if (kind === "key") {
        const accountKey = env.AZURE_STORAGE_KEY;
        if (accountKey === undefined || accountKey === "") {
            throw new Error(`${url} was written with a storage account key, which is kept out of the state; ` +
                `set AZURE_STORAGE_KEY to the key of account ${accountName} to read or delete it`);
        }
        return { kind, accountName, accountKey };
    }
    if (kind === "sas") {
        const sasToken = (env.AZURE_STORAGE_SAS_TOKEN ?? "").replace(/^\?/, "");
        if (sasToken === "") {
            throw new Error(`${url} was written with a SAS token, which is kept out of the state; set AZURE_STORAGE_SAS_TOKEN to read or delete it`);
        }
        return { kind, sasToken };
    }
    return { kind: "default" };
}
