/**
 * A local server that speaks just enough of the Azure Blob REST API for a server-side VHD copy, and
 * records every request: Create Container, Create (page) Blob, Put Page From URL (it really fetches
 * the source range, so the stored bytes can be checked), Get/Set Blob Properties and Metadata, Get
 * Page Ranges, Get Blob (ranged) and Delete Blob. Path-style URLs, as for Azurite:
 * http://127.0.0.1:PORT/<account>/<container>/<blob>. The SharedKey header is accepted unchecked.
 */
import * as http from "http";
import { AddressInfo } from "net";
import { Gate } from "./gate";

/** One recorded request. */
export interface BlobRequest {
    /** HTTP method. */
    method: string;
    /** The path, e.g. /devstoreaccount1/vhds/a.vhd. */
    path: string;
    /** The `comp` query parameter, if any (page, metadata, pagelist). */
    comp?: string;
    /** The `restype` query parameter, if any (container). */
    restype?: string;
    /** The x-ms-* headers that the test looks at, lower-case names. */
    headers: Record<string, string>;
    /** The status answered, or "hang" when none was. */
    status?: number | "hang";
}

/** A blob held by the server. */
export interface FakeBlob {
    /** The bytes (page blobs start as zeros). */
    data: Buffer;
    /** Metadata, lower-case keys. */
    metadata: Record<string, string>;
    /** Written ranges, inclusive ends, in write order. */
    written: Array<{ start: number; end: number }>;
    /** Changes on every write. */
    etag: string;
}

/** Options of {@link startPutPageFromUrlServer}. */
export interface PutPageServerOptions {
    /** Delay before answering each Put Page From URL, in milliseconds. */
    latencyMs?: number;
    /** Holds each Put Page From URL at this gate before answering it (see {@link PutPageServer.setGate}). */
    gate?: Gate;
    /** Called for each request with its record; a status returned is answered instead (with an error body), "hang" never answers. */
    fault?: (request: BlobRequest) => number | "hang" | undefined;
}

/** A running fake Blob service. */
export interface PutPageServer {
    /** The account URL, http://127.0.0.1:PORT/devstoreaccount1. */
    accountUrl: string;
    /** Every request received, in order. */
    requests: BlobRequest[];
    /** The blobs, by path. */
    blobs: Map<string, FakeBlob>;
    /** The most Put Page From URL requests in flight at the same moment. */
    maxPutPagesInFlight: () => number;
    /** Holds each Put Page From URL from now on at this gate, or at none. */
    setGate: (gate: Gate | undefined) => void;
    /** Stops the server. */
    close: () => Promise<void>;
}

/** The x-ms-error-code sent with an injected status. */
const injectedCodes: Record<number, string> = { 403: "AuthorizationPermissionMismatch", 409: "LeaseIdMissing", 412: "LeaseIdMissing", 429: "ServerBusy", 501: "APINotImplemented", 503: "ServerBusy" };

const recordedHeaders = ["x-ms-blob-type", "x-ms-blob-content-length", "x-ms-page-write", "x-ms-copy-source", "x-ms-source-range", "x-ms-range", "range"];

/** Parses `bytes=a-b` (inclusive). */
function parseBytes(value: string | undefined): { start: number; end: number } | undefined {
    const m = /^bytes=(\d+)-(\d+)$/.exec(value ?? "");
    return m === null ? undefined : { start: Number(m[1]), end: Number(m[2]) };
}

/** Metadata from x-ms-meta-* headers. */
function metadataOf(req: http.IncomingMessage): Record<string, string> {
    return Object.fromEntries(Object.entries(req.headers)
        .filter(([k]) => k.startsWith("x-ms-meta-"))
        .map(([k, v]) => [k.slice("x-ms-meta-".length), String(v)]));
}

/** Starts the fake Blob service on 127.0.0.1 with an ephemeral port. */
export async function startPutPageFromUrlServer(options: PutPageServerOptions = {}): Promise<PutPageServer> {
    const requests: BlobRequest[] = [];
    const blobs = new Map<string, FakeBlob>();
    const containers = new Set<string>();
    let inFlight = 0;
    let maxInFlight = 0;
    let gate = options.gate;
    let version = 0;
    const etag = () => `"0x${(++version).toString(16).padStart(8, "0")}"`;

    const handle = async (req: http.IncomingMessage, record: BlobRequest): Promise<{ status: number; headers?: Record<string, string | number>; body?: Buffer | string; code?: string }> => {
        const blob = blobs.get(record.path);
        const common = { "x-ms-request-id": String(requests.length), "x-ms-version": "2025-11-05" };
        if (record.restype === "container" && req.method === "PUT") {
            if (containers.has(record.path)) {
                return { status: 409, code: "ContainerAlreadyExists" };
            }
            containers.add(record.path);
            return { status: 201, headers: { ...common, etag: etag(), "last-modified": new Date().toUTCString() } };
        }
        const properties = (b: FakeBlob) => ({
            ...common,
            "x-ms-blob-type": "PageBlob",
            "content-length": b.data.length,
            etag: b.etag,
            "last-modified": new Date().toUTCString(),
            ...Object.fromEntries(Object.entries(b.metadata).map(([k, v]) => [`x-ms-meta-${k}`, v])),
        });
        if (req.method === "PUT" && record.comp === undefined) {
            if (record.headers["x-ms-blob-type"] !== "PageBlob") {
                return { status: 400, code: "UnsupportedHeader" };
            }
            const size = Number(record.headers["x-ms-blob-content-length"]);
            blobs.set(record.path, { data: Buffer.alloc(size), metadata: metadataOf(req), written: [], etag: etag() });
            return { status: 201, headers: { ...common, etag: blobs.get(record.path)?.etag ?? "" } };
        }
        if (blob === undefined) {
            return { status: 404, code: "BlobNotFound" };
        }
        if (req.method === "HEAD") {
            return { status: 200, headers: properties(blob) };
        }
        if (req.method === "DELETE") {
            blobs.delete(record.path);
            return { status: 202, headers: common };
        }
        if (req.method === "PUT" && record.comp === "metadata") {
            blob.metadata = metadataOf(req);
            blob.etag = etag();
            return { status: 200, headers: { ...common, etag: blob.etag } };
        }
        if (req.method === "PUT" && record.comp === "page") {
            const source = record.headers["x-ms-copy-source"];
            const from = parseBytes(record.headers["x-ms-source-range"]);
            const to = parseBytes(record.headers["x-ms-range"]);
            if (record.headers["x-ms-page-write"] !== "update" || source === undefined || from === undefined || to === undefined ||
                to.end - to.start !== from.end - from.start || to.end >= blob.data.length) {
                return { status: 400, code: "InvalidHeaderValue" };
            }
            const response = await fetch(source, { headers: { Range: `bytes=${from.start}-${from.end}` } });
            const bytes = Buffer.from(await response.arrayBuffer());
            if (response.status !== 206 || bytes.length !== to.end - to.start + 1) {
                return { status: 409, code: "CannotVerifyCopySource" };
            }
            bytes.copy(blob.data, to.start);
            blob.written.push(to);
            blob.etag = etag();
            return { status: 201, headers: { ...common, etag: blob.etag } };
        }
        if (req.method === "GET" && record.comp === "pagelist") {
            const pages = [...blob.written].sort((a, b) => a.start - b.start)
                .map((r) => `<PageRange><Start>${r.start}</Start><End>${r.end}</End></PageRange>`).join("");
            return {
                status: 200,
                headers: { ...common, "content-type": "application/xml", "x-ms-blob-content-length": blob.data.length, etag: blob.etag },
                body: `<?xml version="1.0" encoding="utf-8"?><PageList>${pages}</PageList>`,
            };
        }
        if (req.method === "GET" && record.comp === undefined) {
            const range = parseBytes(record.headers["x-ms-range"] ?? record.headers.range) ?? { start: 0, end: blob.data.length - 1 };
            const body = blob.data.subarray(range.start, range.end + 1);
            return {
                status: 206,
                headers: { ...properties(blob), "content-length": body.length, "content-range": `bytes ${range.start}-${range.end}/${blob.data.length}` },
                body,
            };
        }
        return { status: 400, code: "UnsupportedHttpVerb" };
    };

    const server = http.createServer(async (req, res) => {
        const url = new URL(req.url ?? "/", "http://127.0.0.1");
        const record: BlobRequest = {
            method: req.method ?? "",
            path: decodeURIComponent(url.pathname),
            ...(url.searchParams.has("comp") ? { comp: url.searchParams.get("comp") ?? "" } : {}),
            ...(url.searchParams.has("restype") ? { restype: url.searchParams.get("restype") ?? "" } : {}),
            headers: Object.fromEntries(recordedHeaders.filter((h) => req.headers[h] !== undefined).map((h) => [h, String(req.headers[h])])),
        };
        requests.push(record);
        for await (const chunk of req) {
            void chunk;
        }
        const isPutPage = record.method === "PUT" && record.comp === "page";
        if (isPutPage) {
            inFlight++;
            maxInFlight = Math.max(maxInFlight, inFlight);
        }
        try {
            if (isPutPage && options.latencyMs) {
                await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
            }
            if (isPutPage && gate) {
                await gate.pass();
            }
            const injected = options.fault?.(record);
            if (injected === "hang") {
                record.status = "hang";
                return;
            }
            const answer = injected !== undefined ? { status: injected, code: injectedCodes[injected] ?? "InternalError" } : await handle(req, record);
            record.status = answer.status;
            const headers: Record<string, string | number> = { ...answer.headers };
            let body = answer.body;
            if (answer.code !== undefined) {
                headers["x-ms-error-code"] = answer.code;
                if (req.method !== "HEAD") {
                    headers["content-type"] = "application/xml";
                    body = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${answer.code}</Code><Message>${answer.code} (test server)</Message></Error>`;
                }
            }
            res.writeHead(answer.status, headers);
            res.end(req.method === "HEAD" ? undefined : body);
        } finally {
            if (isPutPage) {
                inFlight--;
            }
        }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        accountUrl: `http://127.0.0.1:${port}/devstoreaccount1`,
        requests,
        blobs,
        maxPutPagesInFlight: () => maxInFlight,
        setGate: (next) => {
            gate = next;
        },
        close: () => new Promise((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
        }),
    };
}

