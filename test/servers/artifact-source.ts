/**
 * A local HTTP server that serves one artifact like an object store: HEAD, GET and single ranged
 * GETs (206 with Content-Range). It logs every request, counts how many are in flight, and can add
 * latency, refuse HEAD like an S3 presigned GET URL, or fail chosen requests.
 */
import { createHash } from "crypto";
import * as http from "http";
import { AddressInfo } from "net";
import { Gate } from "./gate";

/** One request the source received. */
export interface SourceRequest {
    /** HEAD or GET. */
    method: string;
    /** The Range header, if any. */
    range?: string;
    /** The query string, including "?", or "". */
    query: string;
    /** The status answered, or "hang"/"reset"/"break" when it got none or half a body. */
    outcome?: number | "hang" | "reset" | "break";
}

/**
 * What to do instead of serving a request: answer with a status, never answer, drop the connection,
 * or ("break") answer 200 with the whole length announced and drop the connection after half the body.
 */
export type SourceFault = number | "hang" | "reset" | "break" | undefined;

/** Options of {@link startArtifactSource}. */
export interface ArtifactSourceOptions {
    /** The artifact's bytes. */
    data: Buffer;
    /** The path it is served at. */
    path?: string;
    /** Delay before each answer, in milliseconds. */
    latencyMs?: number;
    /** Holds each ranged GET at this gate before answering it (see {@link ArtifactSource.setGate}). */
    gate?: Gate;
    /** Answer HEAD with 403, as S3 does for a URL presigned for GET. */
    refuseHead?: boolean;
    /** The ETag to send with the artifact, when set. */
    etag?: string;
    /** Called for each request with its log entry and the number of earlier requests; may return a fault. */
    fault?: (request: SourceRequest, index: number) => SourceFault;
}

/** A running artifact source. */
export interface ArtifactSource {
    /** The artifact's URL. */
    url: string;
    /** Every request received, in order. */
    requests: SourceRequest[];
    /** The most requests that were in flight at the same moment. */
    maxInFlight: () => number;
    /** Forgets the log and the in-flight maximum. */
    reset: () => void;
    /** Holds each ranged GET from now on at this gate, or at none, after letting the first `passFirst` through. */
    setGate: (gate: Gate | undefined, passFirst?: number) => void;
    /** Stops the server, dropping any held connection. */
    close: () => Promise<void>;
}

/** Parses a single `bytes=a-b` or `bytes=a-` range against a size; undefined if unusable. */
function parseRange(header: string, size: number): { start: number; end: number } | undefined {
    const m = /^bytes=(\d+)-(\d*)$/.exec(header);
    if (m === null) {
        return undefined;
    }
    const start = Number(m[1]);
    const end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
    return start <= end ? { start, end } : undefined;
}

/** Starts the source on 127.0.0.1 with an ephemeral port. */
export async function startArtifactSource(options: ArtifactSourceOptions): Promise<ArtifactSource> {
    const path = options.path ?? "/artifact.vhd";
    const requests: SourceRequest[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    let gate = options.gate;
    // Ranged GETs still to let through before the gate holds any (such as a VHD footer check, read
    // alone before the copy starts its parallel reads).
    let ungated = 0;
    const server = http.createServer(async (req, res) => {
        const url = new URL(req.url ?? "/", "http://127.0.0.1");
        const entry: SourceRequest = { method: req.method ?? "", query: url.search, ...(req.headers.range ? { range: req.headers.range } : {}) };
        const index = requests.length;
        requests.push(entry);
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        // A request stops counting when it is answered (or, unanswered, when its connection closes),
        // so that a group let through a gate is done before the client's next request arrives.
        let counted = true;
        const done = () => {
            if (counted) {
                counted = false;
                inFlight--;
            }
        };
        res.once("close", done);
        const answer = (status: number, headers: Record<string, string | number> = {}, body?: Buffer): void => {
            done();
            entry.outcome = status;
            res.writeHead(status, headers);
            res.end(req.method === "HEAD" ? undefined : body);
        };
        if (options.latencyMs) {
            await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
        }
        if (gate && req.method === "GET" && req.headers.range !== undefined) {
            if (ungated > 0) {
                ungated--;
            } else {
                await gate.pass();
            }
        }
        const fault = options.fault?.(entry, index);
        if (fault === "hang") {
            entry.outcome = "hang";
            return;
        }
        if (fault === "reset") {
            entry.outcome = "reset";
            req.socket.destroy();
            return;
        }
        if (fault === "break") {
            entry.outcome = "break";
            res.writeHead(200, { "content-length": options.data.length });
            res.write(options.data.subarray(0, options.data.length >> 1), () => req.socket.destroy());
            return;
        }
        if (typeof fault === "number") {
            // Like a real server's error page: its length is announced, also in answer to HEAD.
            const page = Buffer.from(`injected ${fault}`);
            answer(fault, { "content-type": "text/plain", "content-length": page.length }, page);
            return;
        }
        if (url.pathname !== path) {
            answer(404);
            return;
        }
        if (req.method === "HEAD" && options.refuseHead) {
            answer(403);
            return;
        }
        const size = options.data.length;
        if (req.headers.range === undefined) {
            answer(200, { "content-length": size, "accept-ranges": "bytes", ...(options.etag ? { etag: options.etag } : {}) }, options.data);
            return;
        }
        const range = parseRange(req.headers.range, size);
        if (range === undefined) {
            answer(416, { "content-range": `bytes */${size}` });
            return;
        }
        answer(206, { "content-length": range.end - range.start + 1, "content-range": `bytes ${range.start}-${range.end}/${size}` },
            options.data.subarray(range.start, range.end + 1));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}${path}`,
        requests,
        maxInFlight: () => maxInFlight,
        reset: () => {
            requests.length = 0;
            maxInFlight = inFlight;
        },
        setGate: (next, passFirst = 0) => {
            gate = next;
            ungated = passFirst;
        },
        close: () => new Promise((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
        }),
    };
}

/** The sha256 of some bytes, hex. */
export function sha256Of(data: Uint8Array): string {
    return createHash("sha256").update(data).digest("hex");
}

/** One 4 MiB-chunk-sized region of a sparse test VHD: zeros, or some non-zero bytes. */
export type SparseChunk = "zeros" | "data";

/**
 * A sparse test VHD: one region per entry of `layout`, each `chunkSize` bytes except the last,
 * which is `lastSize` bytes. "data" regions hold a few scattered non-zero bytes (the rest zeros),
 * so a copy must not take "mostly zero" for "all zero". The last 512 bytes end with a VHD-like footer.
 */
export function sparseVhd(layout: SparseChunk[], chunkSize: number, lastSize: number): Buffer {
    const size = chunkSize * (layout.length - 1) + lastSize;
    const data = Buffer.alloc(size);
    layout.forEach((kind, i) => {
        if (kind === "data") {
            const start = i * chunkSize;
            const end = Math.min(size, start + chunkSize);
            for (let offset = start + (i * 7919) % 512; offset < end; offset += 65_537) {
                data[offset] = ((offset >> 8) & 0xff) | 1;
            }
        }
    });
    vhdFooter(size - 512).copy(data, size - 512);
    return data;
}

/** The footer of a fixed VHD of `virtualSize` bytes (VHD specification, Hard Disk Footer Format), with fields changed as asked. */
export function vhdFooter(virtualSize: number, change: { cookie?: string; diskType?: number; checksum?: number } = {}): Buffer {
    const footer = Buffer.alloc(512);
    footer.write(change.cookie ?? "conectix", 0, 8, "latin1");
    footer.writeUInt32BE(2, 8); // features: reserved bit
    footer.writeUInt32BE(0x00010000, 12); // format version 1.0
    footer.writeBigUInt64BE(0xffffffffffffffffn, 16); // data offset: none for a fixed disk
    footer.write("test", 28, 4, "latin1"); // creator application
    footer.writeBigUInt64BE(BigInt(virtualSize), 40); // original size
    footer.writeBigUInt64BE(BigInt(virtualSize), 48); // current size
    footer.writeUInt32BE(change.diskType ?? 2, 60);
    let sum = 0;
    for (const byte of footer) {
        sum += byte;
    }
    footer.writeUInt32BE(change.checksum ?? (~sum >>> 0), 64);
    return footer;
}
