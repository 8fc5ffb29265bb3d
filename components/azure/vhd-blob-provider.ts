/**
 * The dynamic provider behind {@link VhdBlob}: a page blob filled from a URL by {@link copyVhd}.
 *
 * Secrets: the account key (and a SAS in blobUrl, and the query of a presigned source URL) are
 * never returned in the outputs, so they never reach the state's outputs. The engine passes only
 * outputs to `read` and `delete`, so those two take the credential from the environment instead:
 * AZURE_STORAGE_KEY for a blob written with a key, AZURE_STORAGE_SAS_TOKEN for one written with
 * a SAS, DefaultAzureCredential otherwise.
 *
 * Everything is imported at module level from small local files of plain functions, or loaded
 * inside the functions (the Azure SDK), so that `pulumi.runtime.serializeFunction` can carry it.
 */
import type * as pulumi from "@pulumi/pulumi";
import { attempt, azureCall, defaultCallSettings } from "./vhd-calls";
import { copyVhd, propertiesIfExists, TransferMode } from "./vhd-copy";
import { withoutQuery } from "./vhd-errors";
import { chunkSizeProblem } from "./vhd-ranges";
import { accountNameOf, authFromEnvironment, BlobAuth, BlobAuthKind, locateBlob, openBlob } from "./vhd-target";

/** The inputs as the provider receives them: plain values, secrets unwrapped. */
export interface VhdBlobInputs {
    /** The artifact's URL. */
    sourceUrl: string;
    /** The blob's full URL, optionally with a SAS. */
    blobUrl?: string;
    /** The account's blob endpoint. */
    accountUrl?: string;
    /** The container. */
    containerName?: string;
    /** The blob name. */
    blobName?: string;
    /** The expected sha256. */
    sha256?: string;
    /** "server-side" or "stream". */
    transferMode?: TransferMode;
    /** Bytes per range. */
    chunkSize?: number;
    /** Ranges in flight at once. */
    parallelism?: number;
    /** The storage account name for Shared Key; read from the URL when left out. */
    accountName?: string;
    /** The storage account key. */
    accountKey?: string;
}

/** The outputs kept in the state: no key, no SAS, no presigned query. */
export interface VhdBlobOutputs {
    /** The blob URL without any SAS. */
    url: string;
    /** The account's blob endpoint. */
    accountUrl: string;
    /** The container. */
    containerName: string;
    /** The blob name. */
    blobName: string;
    /** The storage account name. */
    accountName: string;
    /** How the blob was written: "key", "sas" or "default"; tells read and delete which credential to look for. */
    auth: BlobAuthKind;
    /** The source URL without its query string. */
    source: string;
    /** The blob's size in bytes. */
    size: number;
    /** The sha256 of the blob's content, when known. */
    sha256?: string;
    /** Bytes written by the copy. */
    bytesUploaded: number;
    /** Zero ranges skipped by the copy. */
    rangesSkipped: number;
}

/** The marker the engine puts in place of a value that is not known yet (during preview). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The inputs that identify the blob's content or place: changing one replaces the blob. */
const replacingInputs = ["sourceUrl", "sha256", "blobUrl", "accountUrl", "containerName", "blobName"] as const;

/** The credential that the inputs call for. */
function authOf(inputs: VhdBlobInputs, accountUrl: string, sasToken: string | undefined): BlobAuth {
    if (inputs.accountKey !== undefined && inputs.accountKey !== "") {
        return { kind: "key", accountName: inputs.accountName ?? accountNameOf(accountUrl), accountKey: inputs.accountKey };
    }
    if (sasToken !== undefined) {
        return { kind: "sas", sasToken };
    }
    return { kind: "default" };
}

/** Drops undefined fields, which the engine's protobuf structs cannot carry. */
function defined<T extends object>(value: T): T {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Why the inputs cannot be used, one reason per property. */
function problems(inputs: VhdBlobInputs): pulumi.dynamic.CheckFailure[] {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    const known = (v: unknown) => v !== undefined && v !== UNKNOWN;
    if (known(inputs.sourceUrl) && !/^https?:\/\/\S+$/.test(inputs.sourceUrl)) {
        failures.push({ property: "sourceUrl", reason: "is not an http(s) URL" });
    }
    const parts = [inputs.accountUrl, inputs.containerName, inputs.blobName].filter((v) => v !== undefined).length;
    if (inputs.blobUrl !== undefined ? parts !== 0 : parts !== 3) {
        failures.push({ property: "blobUrl", reason: "give either blobUrl or all of accountUrl, containerName and blobName" });
    }
    if (known(inputs.sha256) && !/^[0-9a-fA-F]{64}$/.test(String(inputs.sha256))) {
        failures.push({ property: "sha256", reason: "is not a sha256; allowed: 64 hex digits" });
    }
    if (known(inputs.transferMode) && !["server-side", "stream"].includes(String(inputs.transferMode))) {
        failures.push({ property: "transferMode", reason: "allowed: \"server-side\" or \"stream\"" });
    }
    if (typeof inputs.chunkSize === "number" && chunkSizeProblem(inputs.chunkSize) !== undefined) {
        failures.push({ property: "chunkSize", reason: chunkSizeProblem(inputs.chunkSize) ?? "" });
    }
    if (typeof inputs.parallelism === "number" && (!Number.isInteger(inputs.parallelism) || inputs.parallelism < 1 || inputs.parallelism > 64)) {
        failures.push({ property: "parallelism", reason: "allowed: a whole number from 1 to 64" });
    }
    return failures;
}

/** Copies the source into the blob (or finds it already copied) and returns id and outputs. */
async function create(inputs: VhdBlobInputs): Promise<pulumi.dynamic.CreateResult<VhdBlobOutputs>> {
    const { location, sasToken } = locateBlob(inputs);
    const auth = authOf(inputs, location.accountUrl, sasToken);
    const result = await copyVhd({
        sourceUrl: inputs.sourceUrl,
        location,
        auth,
        ...(inputs.sha256 === undefined ? {} : { sha256: inputs.sha256 }),
        ...(inputs.transferMode === undefined ? {} : { transferMode: inputs.transferMode }),
        ...(inputs.chunkSize === undefined ? {} : { chunkSize: inputs.chunkSize }),
        ...(inputs.parallelism === undefined ? {} : { parallelism: inputs.parallelism }),
    });
    const outs: VhdBlobOutputs = defined({
        url: result.url,
        ...location,
        accountName: auth.kind === "key" ? auth.accountName : accountNameOf(location.accountUrl),
        auth: auth.kind,
        source: withoutQuery(inputs.sourceUrl),
        size: result.size,
        sha256: result.sha256,
        bytesUploaded: result.bytesUploaded,
        rangesSkipped: result.rangesSkipped,
    });
    return { id: result.url, outs };
}

/** The blob's clients, authenticated from the environment (the state holds no secret). */
function clientsFromState(props: VhdBlobOutputs) {
    const location = { accountUrl: props.accountUrl, containerName: props.containerName, blobName: props.blobName };
    return openBlob(location, authFromEnvironment(props.auth, props.accountName, props.url), defaultCallSettings.requestTimeoutMs);
}

/** The VHD page blob provider. */
export const vhdBlobProvider: pulumi.dynamic.ResourceProvider<VhdBlobInputs, VhdBlobOutputs> = {
    async check(_olds, news) {
        const sha256 = typeof news.sha256 === "string" && news.sha256 !== UNKNOWN ? news.sha256.toLowerCase() : news.sha256;
        return { inputs: defined({ ...news, sha256 }), failures: problems(news) };
    },

    async diff(_id, olds, news) {
        // Only these inputs count, so the resourceKind that a blob copied before it had its type token
        // (azure:VhdBlob) still holds in the state changes nothing.
        const changed: string[] = [];
        const unknown = replacingInputs.filter((k) => news[k] === UNKNOWN);
        if (unknown.length > 0) {
            return { changes: true, replaces: [...unknown], deleteBeforeReplace: true };
        }
        if (withoutQuery(news.sourceUrl) !== olds.source) {
            changed.push("sourceUrl");
        }
        if (news.sha256 !== undefined && news.sha256.toLowerCase() !== olds.sha256) {
            changed.push("sha256");
        }
        const { location } = locateBlob(news);
        const moved = location.accountUrl !== olds.accountUrl || location.containerName !== olds.containerName || location.blobName !== olds.blobName;
        if (moved) {
            changed.push(...(news.blobUrl !== undefined ? ["blobUrl"] : ["accountUrl", "containerName", "blobName"]));
        }
        // The replacement writes the same blob when it stays in place, so the old one must go first.
        return { changes: changed.length > 0, replaces: changed, deleteBeforeReplace: !moved };
    },

    create,

    async read(id, props) {
        if (props === undefined) {
            throw new Error(`cannot read ${id} without its state`);
        }
        const { blob } = clientsFromState(props);
        const properties = await propertiesIfExists(blob, defaultCallSettings, `Get Blob Properties of ${props.url}`);
        if (properties === undefined) {
            // An empty ID tells the engine that the blob is gone.
            return { id: "", props: {} as VhdBlobOutputs };
        }
        const sha256 = properties.metadata?.sha256 ?? props.sha256;
        return { id, props: defined({ ...props, size: properties.contentLength ?? props.size, sha256 }) };
    },

    async delete(_id, props) {
        const { blob } = clientsFromState(props);
        await attempt(defaultCallSettings, () => azureCall(defaultCallSettings, `Delete Blob ${props.url}`,
            (abortSignal) => blob.deleteIfExists({ deleteSnapshots: "include", abortSignal })));
    },
};
