/**
 * The sha256 of a page blob as it is stored, read back in ranges. Ranges that hold no written page
 * are not downloaded: a page blob reads as zeros there.
 */
import type { PageBlobClient } from "@azure/storage-blob";
import { attempt, azureCall, CallSettings } from "./vhd-calls";
import { orderedHasher, runPool } from "./vhd-pool";
import { byteRange, planRanges } from "./vhd-ranges";

/** Counters that the read-back adds to. */
export interface ReadBackTally {
    /** Range requests sent, retries included. */
    requests: number;
}

/** Reads the first `size` bytes of the blob with `parallelism` ranged downloads and returns their sha256. */
export async function hashBlob(blob: PageBlobClient, size: number, chunkSize: number, parallelism: number,
    settings: CallSettings, tally: ReadBackTally): Promise<string> {
    const list = await attempt(settings, () => azureCall(settings, "Get Page Ranges", (abortSignal) => blob.getPageRanges(0, size, { abortSignal })));
    // The SDK reports each page range as {offset, count} with count = end - start of the service's inclusive range.
    const written = (list.pageRange ?? []).map((r) => ({ start: r.offset, end: r.offset + (r.count ?? 0) }));
    const ranges = planRanges(size, chunkSize);
    const hasher = orderedHasher(ranges.length, 2 * parallelism);
    await runPool(ranges.length, parallelism, async (index) => {
        const range = ranges[index];
        const last = range.offset + range.count - 1;
        try {
            await hasher.admit(index);
            if (!written.some((w) => w.start <= last && w.end >= range.offset)) {
                hasher.add(index, new Uint8Array(range.count));
                return;
            }
            const data = await attempt(settings, () => {
                tally.requests++;
                // The SDK's own re-reads of a broken body are off too: a failed range is retried as a whole.
                return azureCall(settings, `Get Blob (${byteRange(range)})`,
                    (abortSignal) => blob.downloadToBuffer(range.offset, range.count, { abortSignal, maxRetryRequestsPerBlock: 0 }));
            });
            hasher.add(index, data);
        } catch (error) {
            hasher.abort();
            throw error;
        }
    });
    return hasher.digest();
}
