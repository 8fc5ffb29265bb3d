/**
 * VhdBlob: a VHD artifact copied from a URL into an Azure page blob, the form that an image or a
 * gallery image version can be made from. `azure-native`'s Blob can neither make a page blob nor
 * copy from a URL, hence this dynamic resource.
 */
import * as pulumi from "@pulumi/pulumi";
import type { TransferMode } from "./vhd-copy";
import { vhdBlobProvider } from "./vhd-blob-provider";
import { withFormerType } from "../dynamic/named-type";

/** Arguments of {@link VhdBlob}. Give the blob either as `blobUrl` or as `accountUrl` + `containerName` + `blobName`. */
export interface VhdBlobArgs {
    /** The artifact's URL, e.g. an S3 presigned or public https URL; it must answer ranged GETs, and its size must be a multiple of 512. */
    sourceUrl: pulumi.Input<string>;
    /** The blob's full URL, e.g. https://acct.blob.core.windows.net/vhds/product-1.2-x86_64.vhd, optionally with a SAS (then the container must exist). */
    blobUrl?: pulumi.Input<string>;
    /** The storage account's blob endpoint, e.g. https://acct.blob.core.windows.net (with containerName and blobName). */
    accountUrl?: pulumi.Input<string>;
    /** The container, created when missing (with accountUrl and blobName). */
    containerName?: pulumi.Input<string>;
    /** The blob's name in the container (with accountUrl and containerName). */
    blobName?: pulumi.Input<string>;
    /** The artifact's expected sha256 (64 hex digits); the copy fails, naming both hashes, when the blob's content differs. */
    sha256?: pulumi.Input<string>;
    /** "server-side" (default): Azure pulls each range with Put Page From URL; "stream": ranges pass through this process and zero ranges are skipped. */
    transferMode?: pulumi.Input<TransferMode>;
    /** Bytes per range: a multiple of 512 up to 4 MiB (default 4 MiB, the Put Page maximum). */
    chunkSize?: pulumi.Input<number>;
    /** How many ranges are transferred at once, 1 to 64 (default 8). */
    parallelism?: pulumi.Input<number>;
    /** The storage account name for Shared Key authentication; read from the URL when left out. */
    accountName?: pulumi.Input<string>;
    /** The storage account key, always sent as a secret and never output (refresh and delete read AZURE_STORAGE_KEY); without it, DefaultAzureCredential. */
    accountKey?: pulumi.Input<string>;
}

/** A value that is kept secret when it carries a query string (a presigned signature or a SAS). */
function secretIfSigned(value: pulumi.Input<string> | undefined): pulumi.Output<string> | undefined {
    if (value === undefined) {
        return undefined;
    }
    return pulumi.output(value).apply((v) => (/\?./.test(v) ? pulumi.secret(v) : pulumi.output(v)));
}

/**
 * A VHD page blob copied from a URL; re-running finds the finished copy and transfers nothing.
 * Registered as `pulumi-nodejs:dynamic/azure:VhdBlob`.
 */
export class VhdBlob extends pulumi.dynamic.Resource {
    /** The blob URL, without any SAS: the source of an image or gallery image version. */
    declare public readonly url: pulumi.Output<string>;
    /** The blob's size in bytes. */
    declare public readonly size: pulumi.Output<number>;
    /** The sha256 of the blob's content, when known (stream mode, or when a sha256 was given). */
    declare public readonly sha256: pulumi.Output<string | undefined>;
    /** Bytes written by the copy that made the blob (0 when a finished copy was found). */
    declare public readonly bytesUploaded: pulumi.Output<number>;
    /** Ranges of zeros that were not written (stream mode). */
    declare public readonly rangesSkipped: pulumi.Output<number>;

    constructor(name: string, args: VhdBlobArgs, opts?: pulumi.CustomResourceOptions) {
        super(vhdBlobProvider, name, {
            ...args,
            sourceUrl: secretIfSigned(args.sourceUrl),
            blobUrl: secretIfSigned(args.blobUrl),
            accountKey: args.accountKey === undefined ? undefined : pulumi.secret(args.accountKey),
            url: undefined,
            size: undefined,
            bytesUploaded: undefined,
            rangesSkipped: undefined,
        }, withFormerType(opts), "azure", "VhdBlob");
    }
}
