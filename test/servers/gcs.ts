/**
 * A local Cloud Storage JSON API server for staging: resumable uploads (session start, chunk PUTs with
 * Content-Range, status queries), objects get and delete. It refuses what GCS refuses: an unknown
 * bucket, a non-final chunk that is not a multiple of 256 KiB, a chunk that does not continue what was
 * persisted, a final size that differs from the bytes received. Faults: error answers for the next N
 * matching requests, and a connection dropped halfway through a chunk's body.
 */
import { createHash } from "crypto";
import * as http from "http";
import { AddressInfo } from "net";

/** One request as the server saw it. */
export interface GcsRequest {
    /** GET, POST, PUT, DELETE. */
    method: string;
    /** The path, such as /upload/storage/v1/b/bucket/o. */
    path: string;
    /** The Content-Range header of an upload PUT. */
    contentRange?: string;
    /** Bytes in the body. */
    bodyBytes: number;
    /** The status answered, or "reset". */
    outcome?: number | "reset";
}

/** An answer instead of the real one for the next `times` matching requests: a status, or a connection dropped mid-body. */
export interface GcsFault {
    /** Only this method; any when unset. */
    method?: string;
    /** Only paths that match; any when unset. */
    path?: RegExp;
    /** The status to answer, or "reset" to drop the connection after half the body arrived. */
    answer: number | "reset";
    /** How many matching requests get it. */
    times: number;
}

/** An object as the server keeps it. */
export interface GcsObject {
    /** The content. */
    data: Buffer;
    /** Custom metadata. */
    metadata: Record<string, string>;
    /** The content type. */
    contentType?: string;
    /** The generation. */
    generation: number;
}

interface Session {
    ifGenerationMatch?: number;
    bucket: string;
    name: string;
    metadata: Record<string, string>;
    contentType?: string;
    chunks: Buffer[];
    persisted: number;
}

/** The chunk granularity of resumable uploads: 256 KiB. */
export const GCS_CHUNK_QUANTUM = 256 * 1024;

function errorBody(code: number, message: string, reason: string): string {
    return JSON.stringify({ error: { code, message, errors: [{ message, domain: "global", reason }] } });
}

/** The local server; start it with {@link GcsServer.start}. */
export class GcsServer {
    /** Every request, in order. */
    public readonly requests: GcsRequest[] = [];
    /** Objects by "bucket/name". */
    public readonly objects = new Map<string, GcsObject>();
    /** Pending faults. */
    public readonly faults: GcsFault[] = [];
    /** Open upload sessions by ID. */
    public readonly sessions = new Map<string, Session>();
    private generation = 1;
    private nextSession = 1;

    private constructor(private readonly server: http.Server, public readonly endpoint: string, public readonly buckets: Set<string>) {}

    /** Starts the server on 127.0.0.1 with the given buckets. */
    static async start(buckets: string[]): Promise<GcsServer> {
        const server = http.createServer();
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const { port } = server.address() as AddressInfo;
        const instance = new GcsServer(server, `http://127.0.0.1:${port}`, new Set(buckets));
        server.on("request", (req, res) => instance.handle(req, res));
        return instance;
    }

    /** Stops the server. */
    close(): Promise<void> {
        return new Promise((resolve) => {
            this.server.closeAllConnections();
            this.server.close(() => resolve());
        });
    }

    /** The object's content, or undefined. */
    object(bucket: string, name: string): GcsObject | undefined {
        return this.objects.get(`${bucket}/${name}`);
    }

    /** The requests of one method whose path matches. */
    calls(method: string, path: RegExp): GcsRequest[] {
        return this.requests.filter((r) => r.method === method && path.test(r.path));
    }

    private resource(bucket: string, name: string, object: GcsObject): Record<string, unknown> {
        return {
            kind: "storage#object",
            id: `${bucket}/${name}/${object.generation}`,
            name,
            bucket,
            generation: String(object.generation),
            size: String(object.data.length),
            md5Hash: createHash("md5").update(object.data).digest("base64"),
            contentType: object.contentType ?? "application/octet-stream",
            ...(Object.keys(object.metadata).length > 0 ? { metadata: object.metadata } : {}),
        };
    }

    private takeFault(method: string, path: string): GcsFault | undefined {
        const fault = this.faults.find((f) => f.times > 0 && (f.method === undefined || f.method === method) && (f.path === undefined || f.path.test(path)));
        if (fault) {
            fault.times--;
        }
        return fault;
    }

    private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
        const url = new URL(req.url ?? "/", this.endpoint);
        const method = req.method ?? "";
        const entry: GcsRequest = { method, path: url.pathname, bodyBytes: 0, ...(req.headers["content-range"] ? { contentRange: String(req.headers["content-range"]) } : {}) };
        this.requests.push(entry);
        const json = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
            entry.outcome = status;
            res.writeHead(status, { "content-type": "application/json; charset=UTF-8", ...headers });
            res.end(body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body));
        };
        const fault = this.takeFault(method, url.pathname);
        const expected = Number(req.headers["content-length"] ?? 0);
        const chunks: Buffer[] = [];
        let received = 0;
        try {
            for await (const chunk of req as AsyncIterable<Buffer>) {
                chunks.push(chunk);
                received += chunk.length;
                if (fault?.answer === "reset" && received >= expected / 2) {
                    entry.outcome = "reset";
                    req.socket.destroy();
                    return;
                }
            }
        } catch {
            return;
        }
        const body = Buffer.concat(chunks);
        entry.bodyBytes = body.length;
        if (fault?.answer === "reset") {
            entry.outcome = "reset";
            req.socket.destroy();
            return;
        }
        if (typeof fault?.answer === "number") {
            json(fault.answer, errorBody(fault.answer, `injected ${fault.answer}`, fault.answer === 429 ? "rateLimitExceeded" : "backendError"));
            return;
        }

        const start = /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.exec(url.pathname);
        if (start && method === "POST" && url.searchParams.get("uploadType") === "resumable" && !url.searchParams.has("upload_id")) {
            const bucket = decodeURIComponent(start[1]);
            if (!this.buckets.has(bucket)) {
                json(404, errorBody(404, "The specified bucket does not exist.", "notFound"));
                return;
            }
            const meta = body.length > 0 ? JSON.parse(body.toString("utf8")) as { name?: string; metadata?: Record<string, string>; contentType?: string } : {};
            const name = url.searchParams.get("name") ?? meta.name;
            if (!name) {
                json(400, errorBody(400, "Required", "required"));
                return;
            }
            const condition = url.searchParams.get("ifGenerationMatch");
            const ifGenerationMatch = condition === null ? undefined : Number(condition);
            if (!this.preconditionHolds(bucket, name, ifGenerationMatch)) {
                json(412, errorBody(412, "At least one of the pre-conditions you specified did not hold.", "conditionNotMet"));
                return;
            }
            const id = `session-${this.nextSession++}`;
            this.sessions.set(id, { ifGenerationMatch, bucket, name, metadata: meta.metadata ?? {},
                // The SDK names the content type in the session start's X-Upload-Content-Type header.
                contentType: meta.contentType ?? (req.headers["x-upload-content-type"] as string | undefined), chunks: [], persisted: 0 });
            json(200, "", { location: `${this.endpoint}/upload/storage/v1/b/${start[1]}/o?uploadType=resumable&name=${encodeURIComponent(name)}&upload_id=${id}` });
            return;
        }
        if (start && method === "PUT" && url.searchParams.has("upload_id")) {
            this.chunk(url.searchParams.get("upload_id") ?? "", String(req.headers["content-range"] ?? ""), body, json);
            return;
        }
        const object = /^\/storage\/v1\/b\/([^/]+)\/o\/(.+)$/.exec(url.pathname);
        if (object && (method === "GET" || method === "DELETE")) {
            const bucket = decodeURIComponent(object[1]);
            const name = decodeURIComponent(object[2]);
            if (!this.buckets.has(bucket)) {
                json(404, errorBody(404, "The specified bucket does not exist.", "notFound"));
                return;
            }
            const found = this.objects.get(`${bucket}/${name}`);
            if (!found) {
                json(404, errorBody(404, `No such object: ${bucket}/${name}`, "notFound"));
                return;
            }
            if (method === "DELETE") {
                this.objects.delete(`${bucket}/${name}`);
                json(204);
                return;
            }
            json(200, this.resource(bucket, name, found));
            return;
        }
        json(404, errorBody(404, "Not Found", "notFound"));
    }

    /** ifGenerationMatch: 0 means "no live object", any other number that generation. */
    private preconditionHolds(bucket: string, name: string, ifGenerationMatch: number | undefined): boolean {
        if (ifGenerationMatch === undefined) {
            return true;
        }
        return (this.objects.get(`${bucket}/${name}`)?.generation ?? 0) === ifGenerationMatch;
    }

    /** One PUT of a resumable session: a status query, an intermediate chunk or the final one. */
    private chunk(id: string, contentRange: string, body: Buffer, json: (status: number, body?: unknown, headers?: Record<string, string>) => void): void {
        const session = this.sessions.get(id);
        if (!session) {
            json(404, errorBody(404, "No such upload session.", "notFound"));
            return;
        }
        const persistedRange = (): Record<string, string> => session.persisted > 0 ? { range: `bytes=0-${session.persisted - 1}` } : {};
        const m = /^bytes (\*|(\d+)-(\d+))\/(\*|\d+)$/.exec(contentRange);
        if (!m) {
            json(400, errorBody(400, `Invalid Content-Range: ${contentRange}`, "invalid"));
            return;
        }
        const total = m[4] === "*" ? undefined : Number(m[4]);
        if (m[1] !== "*") {
            const first = Number(m[2]);
            const last = Number(m[3]);
            if (last - first + 1 !== body.length) {
                json(400, errorBody(400, "Content-Range does not match the number of bytes sent.", "invalid"));
                return;
            }
            if (first > session.persisted) {
                // A gap: the client must resend from what was persisted.
                json(308, "", persistedRange());
                return;
            }
            if (total === undefined && body.length % GCS_CHUNK_QUANTUM !== 0) {
                json(400, errorBody(400, "Invalid request. The number of bytes uploaded is required to be equal or greater than 262144, "
                    + "except for the final request (it's recommended to be the exact multiple of 262144). The received request contained "
                    + `${body.length} bytes, which does not meet this requirement.`, "invalid"));
                return;
            }
            const fresh = body.subarray(session.persisted - first);
            session.chunks.push(fresh);
            session.persisted += fresh.length;
        }
        if (total === undefined) {
            json(308, "", persistedRange());
            return;
        }
        if (total !== session.persisted) {
            json(400, errorBody(400, `The final size ${total} differs from the ${session.persisted} bytes received.`, "invalid"));
            return;
        }
        if (!this.preconditionHolds(session.bucket, session.name, session.ifGenerationMatch)) {
            this.sessions.delete(id);
            json(412, errorBody(412, "At least one of the pre-conditions you specified did not hold.", "conditionNotMet"));
            return;
        }
        const object: GcsObject = { data: Buffer.concat(session.chunks), metadata: session.metadata, contentType: session.contentType, generation: this.generation++ };
        this.objects.set(`${session.bucket}/${session.name}`, object);
        this.sessions.delete(id);
        json(200, this.resource(session.bucket, session.name, object));
    }
}
