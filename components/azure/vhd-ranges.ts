/**
 * The arithmetic of a page-blob copy: how a VHD is cut into ranges, and which ranges hold only
 * zeros. Pure functions with no I/O.
 */

/** A page blob is written in 512-byte pages; a fixed VHD (data plus its 512-byte footer) is a multiple of it. */
export const PAGE_SIZE = 512;

/** The most one Put Page or Put Page From URL request may write: 4 MiB. */
export const MAX_PAGE_WRITE = 4 * 1024 * 1024;

/** One range of the copy: the same offsets in the source and in the blob. */
export interface CopyRange {
    /** Where the range starts, in bytes. */
    offset: number;
    /** How many bytes it holds: a multiple of 512, at most the chunk size. */
    count: number;
}

/** Why a size or a chunk size cannot be used, or undefined when it can. */
export function chunkSizeProblem(chunkSize: number): string | undefined {
    if (!Number.isInteger(chunkSize) || chunkSize <= 0 || chunkSize % PAGE_SIZE !== 0 || chunkSize > MAX_PAGE_WRITE) {
        return `chunk size ${chunkSize} is not usable; allowed: a multiple of ${PAGE_SIZE} bytes up to ${MAX_PAGE_WRITE} (4 MiB, the Put Page maximum)`;
    }
    return undefined;
}

/** Fails unless `size` is a whole number of 512-byte pages, as every fixed VHD is. */
export function assertVhdSize(size: number, source: string): void {
    if (!Number.isSafeInteger(size) || size <= 0) {
        throw new Error(`the source ${source} reports a size of ${size} bytes; a VHD needs a positive size`);
    }
    if (size % PAGE_SIZE !== 0) {
        throw new Error(`the source ${source} is ${size} bytes, which is not a multiple of ${PAGE_SIZE}: ` +
            `a page blob holds whole 512-byte pages and a fixed VHD always has that size; is the artifact a fixed VHD?`);
    }
}

/** Cuts `size` bytes into consecutive ranges of `chunkSize` bytes; the last one may be shorter. */
export function planRanges(size: number, chunkSize: number): CopyRange[] {
    const problem = chunkSizeProblem(chunkSize);
    if (problem !== undefined) {
        throw new Error(problem);
    }
    const ranges: CopyRange[] = [];
    for (let offset = 0; offset < size; offset += chunkSize) {
        ranges.push({ offset, count: Math.min(chunkSize, size - offset) });
    }
    return ranges;
}

/** Whether every byte of `data` is zero; a new page blob already reads as zeros there. */
export function isAllZero(data: Uint8Array): boolean {
    // Eight bytes at a time where the alignment allows it, then the rest byte by byte.
    const whole = data.byteOffset % 8 === 0 ? Math.floor(data.byteLength / 8) : 0;
    if (whole > 0) {
        const words = new BigUint64Array(data.buffer, data.byteOffset, whole);
        for (let i = 0; i < words.length; i++) {
            if (words[i] !== 0n) {
                return false;
            }
        }
    }
    for (let i = whole * 8; i < data.byteLength; i++) {
        if (data[i] !== 0) {
            return false;
        }
    }
    return true;
}

/** The `bytes=a-b` form (inclusive end) of a range, as HTTP and the Blob API write it. */
export function byteRange(range: CopyRange): string {
    return `bytes=${range.offset}-${range.offset + range.count - 1}`;
}
