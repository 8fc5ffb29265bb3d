/**
 * The copy engine: a VHD at a URL into an Azure page blob, in chunk-sized ranges, `parallelism` at a
 * time. Used by the VhdBlob dynamic provider and, directly, by benchmarks.
 *
 * - `server-side`: one Put Page From URL per range; Azure reads the source itself and no data
 *   passes through the machine that runs the copy.
 * - `stream`: each range is read here with a ranged GET and written with Put Page; a range of
 *   zeros is skipped, since a new page blob reads as zeros and VHDs are mostly empty.
 *
 * sha256: in `stream` mode the bytes are hashed in source order as they are read (exactly the bytes
 * that end up in the blob: written ranges as read, skipped ranges as the zeros the new blob holds),
 * so verification costs no extra transfer. In `server-side` mode the data never comes here, so
 * when a sha256 is expected the blob is read back once (ranges without written pages are not
 * downloaded) and hashed; that checks what Azure actually stored.
 *
 * Before the blob is created, the source's size and its last 512 bytes are checked: a fixed VHD
 * whose virtual size is a whole number of MiB (see vhd-footer.ts); anything else is refused at once.
 *
 * Idempotency: completion is recorded in the blob's metadata (`complete=true`, `sourcesize`,
 * `source` without its query string, `sha256`). A blob that is complete, has the source's size and
 * has the expected sha256 (or, without one, the same source) is not copied again.
 */
import { RetriesExhaustedError, retry } from "../dynamic/retry";
import { CallSettings, defaultCallSettings, attempt, azureCall } from "./vhd-calls";
import { withoutQuery } from "./vhd-errors";
import { orderedHasher, runPool } from "./vhd-pool";
import { assertVhdSize, byteRange, CopyRange, isAllZero, MAX_PAGE_WRITE, planRanges } from "./vhd-ranges";
import { readSourceRange, sourceSize } from "./vhd-source";
import { BlobAuth, BlobLocation, openBlob } from "./vhd-target";
import { hashBlob } from "./vhd-verify";
import { FOOTER_SIZE, vhdFooterProblem } from "./vhd-footer";
import type { PageBlobClient } from "@azure/storage-blob";

/** How the data travels: Azure pulls it from the source, or this process reads and writes it. */
export type TransferMode = "server-side" | "stream";

/** Options of {@link copyVhd}. */
export interface CopyVhdOptions {
    /** The artifact's URL (public, or presigned such as an S3 presigned GET URL); it must answer ranged GETs. */
    sourceUrl: string;
    /** Where the page blob goes. */
    location: BlobLocation;
    /** How to authenticate to the storage account. */
    auth: BlobAuth;
    /** The expected sha256 of the artifact (64 hex digits); the copy fails if the result differs. */
    sha256?: string;
    /** "server-side" (default; Put Page From URL) or "stream" (ranged GET here, then Put Page, zeros skipped). */
    transferMode?: TransferMode;
    /** Bytes per range: a multiple of 512, at most 4 MiB (the default and the Put Page maximum). */
    chunkSize?: number;
    /** How many ranges are transferred at once; 8 by default. */
    parallelism?: number;
    /** Retry, timeout and clock settings; the defaults of {@link defaultCallSettings} for what is left out. */
    calls?: Partial<CallSettings>;
}

/** What a copy did. */
export interface CopyVhdResult {
    /** The blob URL, without any SAS. */
    url: string;
    /** The blob's size in bytes: the source's size. */
    size: number;
    /** The sha256 of the blob's content, when known (always in stream mode; in server-side mode when one was expected). */
    sha256?: string;
    /** Bytes written to the blob: by Put Page in stream mode, by Put Page From URL in server-side mode. */
    bytesUploaded: number;
    /** Ranges not written because they held only zeros (stream mode). */
    rangesSkipped: number;
    /** Range requests sent (ranged GETs, Put Page, Put Page From URL and read-back downloads), retries included. */
    requests: number;
    /** True when a complete, matching blob was already there and nothing was copied. */
    reused: boolean;
}

/** The default number of ranges in flight. */
export const DEFAULT_PARALLELISM = 8;

/** Metadata of a finished copy, as recorded on the blob. */
interface CompletionMetadata {
    /** "true" once every range is written and verified. */
    complete: string;
    /** The source URL without its query string. */
    source: string;
    /** The source size in bytes. */
    sourcesize: string;
    /** The sha256 of the content, when known. */
    sha256?: string;
}

/** Whether an existing blob is a finished copy of this source. */
function isCompleteCopy(existing: { contentLength?: number; blobType?: string; metadata?: Record<string, string> },
    size: number, source: string, sha256: string | undefined): boolean {
    const m = existing.metadata ?? {};
    return existing.blobType === "PageBlob" && existing.contentLength === size && m.complete === "true" &&
        m.sourcesize === String(size) && (sha256 !== undefined ? m.sha256 === sha256 : m.source === source);
}

/** The blob's properties, or undefined when it does not exist; `what` names the call in errors. */
export async function propertiesIfExists(blob: PageBlobClient, settings: CallSettings, what = "Get Blob Properties") {
    return attempt(settings, () => azureCall(settings, what, async (abortSignal) => {
        try {
            return await blob.getProperties({ abortSignal });
        } catch (error) {
            if ((error as { statusCode?: number }).statusCode === 404) {
                return undefined;
            }
            throw error;
        }
    }));
}

/**
 * Azure Storage's refusal of a signed-in identity that lacks the data action. A role assignment that
 * was just made answers the same until it takes effect, which "can take up to 10 minutes"
 * (Microsoft Learn, "Troubleshoot Azure RBAC").
 */
function isPermissionMismatch(error: unknown): boolean {
    const e = error as { statusCode?: number; code?: string };
    return e?.statusCode === 403 && e?.code === "AuthorizationPermissionMismatch";
}

/** Attempts while waiting for a new blob data role: 5 s doubling to 60 s, about ten minutes in all. */
const DATA_ACCESS_ATTEMPTS = 14;

/** Runs one of the copy's first requests, waiting (bounded) for a blob data role that is not in effect yet. */
async function withDataAccess<T>(settings: CallSettings, fn: () => Promise<T>): Promise<T> {
    try {
        return await retry(fn, { attempts: DATA_ACCESS_ATTEMPTS, baseDelayMs: 5000, maxDelayMs: 60_000, retryable: isPermissionMismatch, clock: settings.clock });
    } catch (error) {
        if (error instanceof RetriesExhaustedError) {
            throw new Error(`${(error.cause as Error).message}; after ${error.attempts} attempts over about ten minutes the identity still has no blob data access: ` +
                "it needs the role Storage Blob Data Contributor on the storage account (Owner and Contributor carry no data access)", { cause: error });
        }
        throw error;
    }
}

/** Counters of a running copy. */
interface Tally {
    /** Bytes written to the blob. */
    bytesUploaded: number;
    /** Zero ranges not written. */
    rangesSkipped: number;
    /** Range requests sent. */
    requests: number;
}

/** Stream mode: read each range, hash it in order, write it unless it is all zeros. Returns the sha256. */
async function streamRanges(sourceUrl: string, blob: PageBlobClient, ranges: CopyRange[], parallelism: number,
    settings: CallSettings, tally: Tally): Promise<string> {
    const hasher = orderedHasher(ranges.length, 2 * parallelism);
    await runPool(ranges.length, parallelism, async (index) => {
        const range = ranges[index];
        try {
            await hasher.admit(index);
            const data = await attempt(settings, () => {
                tally.requests++;
                return readSourceRange(sourceUrl, range, settings);
            });
            hasher.add(index, data);
            if (isAllZero(data)) {
                tally.rangesSkipped++;
                return;
            }
            await attempt(settings, () => {
                tally.requests++;
                return azureCall(settings, `Put Page (${byteRange(range)})`,
                    (abortSignal) => blob.uploadPages(data, range.offset, range.count, { abortSignal }));
            });
            tally.bytesUploaded += range.count;
        } catch (error) {
            hasher.abort();
            throw error;
        }
    });
    return hasher.digest();
}

/** Server-side mode: one Put Page From URL per range, the same offsets in source and blob. */
async function serverSideRanges(sourceUrl: string, blob: PageBlobClient, ranges: CopyRange[], parallelism: number,
    settings: CallSettings, tally: Tally): Promise<void> {
    await runPool(ranges.length, parallelism, async (index) => {
        const range = ranges[index];
        await attempt(settings, () => {
            tally.requests++;
            return azureCall(settings, `Put Page From URL (${byteRange(range)})`,
                (abortSignal) => blob.uploadPagesFromURL(sourceUrl, range.offset, range.offset, range.count, { abortSignal }));
        });
        tally.bytesUploaded += range.count;
    });
}

/** Copies the VHD at `sourceUrl` into a page blob, or finds that a complete, matching copy is already there. */
export async function copyVhd(options: CopyVhdOptions): Promise<CopyVhdResult> {
    const settings: CallSettings = { ...defaultCallSettings, ...options.calls };
    const chunkSize = options.chunkSize ?? MAX_PAGE_WRITE;
    const parallelism = options.parallelism ?? DEFAULT_PARALLELISM;
    const mode = options.transferMode ?? "server-side";
    const expected = options.sha256?.toLowerCase();
    const source = withoutQuery(options.sourceUrl);
    const { blob, container, url } = openBlob(options.location, options.auth, settings.requestTimeoutMs);
    if (!Number.isInteger(parallelism) || parallelism < 1) {
        throw new Error(`parallelism ${parallelism} is not usable; allowed: a whole number from 1`);
    }
    try {
        const entraId = options.auth.kind !== "sas";
        if (entraId) {
            // A SAS is usually scoped to the blob; with one the container must already exist.
            await withDataAccess(settings, () => attempt(settings, () => azureCall(settings, "Create Container", (abortSignal) => container.createIfNotExists({ abortSignal }))));
        }
        const size = await attempt(settings, () => sourceSize(options.sourceUrl, settings));
        assertVhdSize(size, source);
        const ranges = planRanges(size, chunkSize);
        // Create Container is authorized by the control-plane action containers/write, which Owner and
        // Contributor carry ("*"); Get Blob Properties is the copy's first data action (blobs/read), the
        // first request a role that is not in effect yet refuses (Create Container and Get Blob Properties,
        // "Permissions", Blob service REST API). So the wait covers it too.
        const existing = entraId ? await withDataAccess(settings, () => propertiesIfExists(blob, settings)) : await propertiesIfExists(blob, settings);
        if (existing !== undefined && isCompleteCopy(existing, size, source, expected)) {
            const known = existing.metadata?.sha256;
            return { url, size, ...(known === undefined ? {} : { sha256: known }), bytesUploaded: 0, rangesSkipped: 0, requests: 0, reused: true };
        }
        // One 512-byte read refuses an artifact Azure would refuse, before anything is created or copied.
        const footer = await attempt(settings, () => readSourceRange(options.sourceUrl, { offset: size - FOOTER_SIZE, count: FOOTER_SIZE }, settings));
        const problem = vhdFooterProblem(footer, size);
        if (problem !== undefined) {
            throw new Error(`the source ${source} cannot be published to Azure: ${problem}`);
        }
        const metadata: CompletionMetadata = { complete: "false", source, sourcesize: String(size) };
        // Create replaces any earlier blob of that name, so every page starts as zeros.
        await attempt(settings, () => azureCall(settings, "Create Page Blob", (abortSignal) => blob.create(size, { metadata: { ...metadata }, abortSignal })));
        const tally: Tally = { bytesUploaded: 0, rangesSkipped: 0, requests: 0 };
        let digest: string | undefined;
        if (mode === "stream") {
            digest = await streamRanges(options.sourceUrl, blob, ranges, parallelism, settings, tally);
        } else {
            await serverSideRanges(options.sourceUrl, blob, ranges, parallelism, settings, tally);
            if (expected !== undefined) {
                digest = await hashBlob(blob, size, chunkSize, parallelism, settings, tally);
            }
        }
        if (expected !== undefined && digest !== expected) {
            throw new Error(`sha256 mismatch: expected ${expected} (the sha256 input) but the copied data hashes to ${digest}; ` +
                "the blob is left marked incomplete");
        }
        const done: CompletionMetadata = { ...metadata, complete: "true", ...(digest === undefined ? {} : { sha256: digest }) };
        await attempt(settings, () => azureCall(settings, "Set Blob Metadata", (abortSignal) => blob.setMetadata({ ...done }, { abortSignal })));
        return { url, size, ...(digest === undefined ? {} : { sha256: digest }), ...tally, reused: false };
    } catch (error) {
        throw new Error(`copying ${source} to ${url} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
}
