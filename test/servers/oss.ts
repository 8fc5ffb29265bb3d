/**
 * A local OSS server for staging: multipart upload (InitiateMultipartUpload, UploadPart,
 * CompleteMultipartUpload, AbortMultipartUpload, ListMultipartUploads), HeadObject and DeleteObject,
 * with the bucket in the Host header as ali-oss sends it (bucket.oss-<region>.aliyuncs.com). It
 * refuses what OSS refuses, with OSS's error codes: an unknown access key or bucket, a part whose
 * Content-MD5 does not match (InvalidDigest), an unknown upload ID (NoSuchUpload), a completion that
 * names a part that was not uploaded (InvalidPart), parts out of order (InvalidPartOrder), a part
 * other than the last below 100 KB (EntityTooSmall). Faults: error answers for the next N matching
 * requests, and a connection dropped halfway through a part's body.
 */
import { createHash } from "crypto";
import * as http from "http";
import { AddressInfo } from "net";

/** One request as the server saw it. */
export interface OssRequest {
    /** GET, HEAD, PUT, POST, DELETE. */
    method: string;
    /** The bucket, from the Host header. */
    bucket: string;
    /** The object key. */
    key: string;
    /** The query string, without "?". */
    query: string;
    /** The status answered, or "reset". */
    outcome?: number | "reset";
    /** The Content-MD5 header, when sent. */
    contentMd5?: string;
    /** The x-oss-security-token header (STS credentials), when sent. */
    securityToken?: string;
}

/** An answer instead of the real one for the next `times` matching requests. */
export interface OssFault {
    /** Only this method; any when unset. */
    method?: string;
    /** Only requests whose query matches, such as /partNumber=2/; any when unset. */
    query?: RegExp;
    /** The status to answer, or "reset" to drop the connection after half the body arrived. */
    answer: number | "reset";
    /** How many matching requests get it. */
    times: number;
}

/** An object as the server keeps it. */
export interface OssObject {
    /** The content. */
    data: Buffer;
    /** x-oss-meta-* values, by name without the prefix. */
    meta: Record<string, string>;
    /** The ETag, quoted. */
    etag: string;
}

interface Upload {
    bucket: string;
    key: string;
    meta: Record<string, string>;
    parts: Map<number, { data: Buffer; etag: string }>;
    initiated: string;
}

/** UploadPart: every part but the last is at least 100 KB. */
const MIN_PART = 100 * 1024;

function xmlEscape(value: string): string {
    return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The local server; start it with {@link OssServer.start}. */
export class OssServer {
    /** Every request, in order. */
    public readonly requests: OssRequest[] = [];
    /** Objects by "bucket/key". */
    public readonly objects = new Map<string, OssObject>();
    /** Unfinished multipart uploads by ID. */
    public readonly uploads = new Map<string, Upload>();
    /** Pending faults. */
    public readonly faults: OssFault[] = [];
    private nextUpload = 1;
    private partsInFlight = 0;
    private mostPartsInFlight = 0;
    private gateWaiters: (() => void)[] = [];
    /**
     * When set, UploadPart answers wait until this many parts are in flight at once, then the gate
     * stays open (a waiter gives up after 10 s
     * have passed, so that a copy that sends one part at a time fails its test instead of hanging).
     */
    public holdPartsUntil?: number;

    private constructor(private readonly server: http.Server, public readonly endpoint: string,
        public readonly buckets: Set<string>, private readonly accessKeyId: string) {}

    /** Starts the server on 127.0.0.1 with the given buckets, accepting one access key ID. */
    static async start(buckets: string[], accessKeyId: string): Promise<OssServer> {
        const server = http.createServer();
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const { port } = server.address() as AddressInfo;
        const instance = new OssServer(server, `http://127.0.0.1:${port}`, new Set(buckets), accessKeyId);
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

    /** Waits until `count` parts are in flight, releasing every waiter at once then. */
    private gate(count: number): Promise<void> {
        if (this.partsInFlight >= count) {
            // Open once: later parts are answered at once.
            this.holdPartsUntil = undefined;
            const waiters = this.gateWaiters.splice(0);
            waiters.forEach((release) => release());
            return Promise.resolve();
        }
        return new Promise((resolve) => {
            const timer = setTimeout(resolve, 10_000);
            this.gateWaiters.push(() => {
                clearTimeout(timer);
                resolve();
            });
        });
    }

    /** The most UploadPart requests whose bodies were arriving at the same moment. */
    maxPartsInFlight(): number {
        return this.mostPartsInFlight;
    }

    /** The object, or undefined. */
    object(bucket: string, key: string): OssObject | undefined {
        return this.objects.get(`${bucket}/${key}`);
    }

    /** Starts an upload directly, as an earlier, interrupted run would have left it. */
    seedUpload(bucket: string, key: string, parts: Buffer[]): string {
        const id = this.newUploadId();
        const upload: Upload = { bucket, key, meta: {}, parts: new Map(), initiated: new Date(0).toISOString() };
        parts.forEach((data, i) => upload.parts.set(i + 1, { data, etag: this.etagOf(data) }));
        this.uploads.set(id, upload);
        return id;
    }

    private newUploadId(): string {
        return createHash("md5").update(`upload-${this.nextUpload++}`).digest("hex").toUpperCase();
    }

    private etagOf(data: Buffer): string {
        return `"${createHash("md5").update(data).digest("hex").toUpperCase()}"`;
    }

    private takeFault(method: string, query: string): OssFault | undefined {
        const fault = this.faults.find((f) => f.times > 0 && (f.method === undefined || f.method === method) && (f.query === undefined || f.query.test(query)));
        if (fault) {
            fault.times--;
        }
        return fault;
    }

    private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
        const url = new URL(req.url ?? "/", this.endpoint);
        const method = req.method ?? "";
        const host = String(req.headers.host ?? "");
        const bucket = /^([a-z0-9-]+)\.oss-[a-z0-9-]+\.aliyuncs\.com$/.exec(host)?.[1] ?? "";
        const key = decodeURIComponent(url.pathname.slice(1));
        const entry: OssRequest = {
            method, bucket, key, query: url.search.slice(1),
            ...(req.headers["content-md5"] ? { contentMd5: String(req.headers["content-md5"]) } : {}),
            ...(req.headers["x-oss-security-token"] ? { securityToken: String(req.headers["x-oss-security-token"]) } : {}),
        };
        this.requests.push(entry);
        const answer = (status: number, headers: Record<string, string> = {}, body?: string) => {
            entry.outcome = status;
            res.writeHead(status, { "x-oss-request-id": `req-${this.requests.length}`, ...(body ? { "content-type": "application/xml" } : {}), ...headers });
            res.end(method === "HEAD" ? undefined : body);
        };
        const error = (status: number, code: string, message: string) => {
            const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error>\n  <Code>${code}</Code>\n  <Message>${xmlEscape(message)}</Message>\n`
                + `  <RequestId>req-${this.requests.length}</RequestId>\n  <HostId>${xmlEscape(host)}</HostId>\n</Error>`;
            // A HEAD answer has no body: OSS sends the error document base64-encoded in x-oss-err instead.
            answer(status, method === "HEAD" ? { "x-oss-err": Buffer.from(xml).toString("base64") } : {}, xml);
        };

        const isPart = method === "PUT" && url.searchParams.has("partNumber");
        if (isPart) {
            this.partsInFlight++;
            this.mostPartsInFlight = Math.max(this.mostPartsInFlight, this.partsInFlight);
            res.once("close", () => this.partsInFlight--);
        }
        const fault = this.takeFault(method, entry.query);
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
        if (isPart && this.holdPartsUntil !== undefined) {
            await this.gate(this.holdPartsUntil);
        }
        if (fault?.answer === "reset") {
            entry.outcome = "reset";
            req.socket.destroy();
            return;
        }
        if (typeof fault?.answer === "number") {
            error(fault.answer, fault.answer === 503 ? "ServiceUnavailable" : fault.answer === 429 ? "Throttling" : "InternalError", `injected ${fault.answer}`);
            return;
        }
        const auth = /^OSS4?-?[A-Z0-9-]* ?(?:Credential=)?([^:/,]+)/.exec(String(req.headers.authorization ?? ""));
        if (!auth || auth[1] !== this.accessKeyId) {
            error(403, "InvalidAccessKeyId", "The OSS Access Key Id you provided does not exist in our records.");
            return;
        }
        if (!this.buckets.has(bucket)) {
            error(404, "NoSuchBucket", "The specified bucket does not exist.");
            return;
        }
        const q = url.searchParams;
        const uploadId = q.get("uploadId");

        if (method === "GET" && key === "" && q.has("uploads")) {
            const prefix = q.get("prefix") ?? "";
            const listed = [...this.uploads.entries()].filter(([, u]) => u.bucket === bucket && u.key.startsWith(prefix));
            answer(200, {}, `<?xml version="1.0" encoding="UTF-8"?>\n<ListMultipartUploadsResult>\n  <Bucket>${bucket}</Bucket>\n`
                + `  <Prefix>${xmlEscape(prefix)}</Prefix>\n  <IsTruncated>false</IsTruncated>\n`
                + listed.map(([id, u]) => `  <Upload>\n    <Key>${xmlEscape(u.key)}</Key>\n    <UploadId>${id}</UploadId>\n    <Initiated>${u.initiated}</Initiated>\n  </Upload>\n`).join("")
                + "</ListMultipartUploadsResult>");
            return;
        }
        if (method === "POST" && q.has("uploads")) {
            const meta = Object.fromEntries(Object.entries(req.headers)
                .filter(([k]) => k.startsWith("x-oss-meta-")).map(([k, v]) => [k.slice("x-oss-meta-".length), String(v)]));
            const id = this.newUploadId();
            this.uploads.set(id, { bucket, key, meta, parts: new Map(), initiated: new Date().toISOString() });
            answer(200, {}, `<?xml version="1.0" encoding="UTF-8"?>\n<InitiateMultipartUploadResult>\n  <Bucket>${bucket}</Bucket>\n`
                + `  <Key>${xmlEscape(key)}</Key>\n  <UploadId>${id}</UploadId>\n</InitiateMultipartUploadResult>`);
            return;
        }
        if (uploadId !== null) {
            const upload = this.uploads.get(uploadId);
            if (!upload || upload.bucket !== bucket || upload.key !== key) {
                error(404, "NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.");
                return;
            }
            if (method === "PUT" && q.has("partNumber")) {
                const number = Number(q.get("partNumber"));
                if (!Number.isInteger(number) || number < 1 || number > 10_000) {
                    error(400, "InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive.");
                    return;
                }
                const md5 = req.headers["content-md5"];
                if (md5 !== undefined && md5 !== createHash("md5").update(body).digest("base64")) {
                    error(400, "InvalidDigest", "The Content-MD5 you specified was invalid.");
                    return;
                }
                const etag = this.etagOf(body);
                upload.parts.set(number, { data: body, etag });
                answer(200, { etag });
                return;
            }
            if (method === "DELETE") {
                this.uploads.delete(uploadId);
                answer(204);
                return;
            }
            if (method === "POST") {
                const listed = [...body.toString("utf8").matchAll(/<Part>\s*<PartNumber>(\d+)<\/PartNumber>\s*<ETag>([^<]+)<\/ETag>\s*<\/Part>/g)]
                    .map((m) => ({ number: Number(m[1]), etag: m[2].replace(/&quot;/g, "\"") }));
                // Every <Part> must name a part number and an ETag, as OSS's schema requires (CompleteMultipartUpload,
                // https://www.alibabacloud.com/help/en/oss/developer-reference/completemultipartupload: MalformedXML).
                if (listed.length === 0 || listed.length !== body.toString("utf8").split("<Part>").length - 1) {
                    error(400, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema.");
                    return;
                }
                for (let i = 0; i < listed.length; i++) {
                    if (i > 0 && listed[i].number <= listed[i - 1].number) {
                        error(400, "InvalidPartOrder", "The list of parts was not in ascending order. Parts list must specified in order by part number.");
                        return;
                    }
                    const part = upload.parts.get(listed[i].number);
                    if (!part || part.etag !== listed[i].etag) {
                        error(400, "InvalidPart", "One or more of the specified parts could not be found or the specified entity tag might not have matched the part's entity tag.");
                        return;
                    }
                    if (i < listed.length - 1 && part.data.length < MIN_PART) {
                        error(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size.");
                        return;
                    }
                }
                const parts = listed.map((p) => upload.parts.get(p.number)?.data ?? Buffer.alloc(0));
                const md5s = Buffer.concat(listed.map((p) => Buffer.from(p.etag.replace(/"/g, ""), "hex")));
                const etag = `"${createHash("md5").update(md5s).digest("hex").toUpperCase()}-${listed.length}"`;
                this.objects.set(`${bucket}/${key}`, { data: Buffer.concat(parts), meta: upload.meta, etag });
                this.uploads.delete(uploadId);
                answer(200, { etag }, `<?xml version="1.0" encoding="UTF-8"?>\n<CompleteMultipartUploadResult>\n`
                    + `  <Location>http://${host}/${xmlEscape(key)}</Location>\n  <Bucket>${bucket}</Bucket>\n  <Key>${xmlEscape(key)}</Key>\n`
                    + `  <ETag>${xmlEscape(etag)}</ETag>\n</CompleteMultipartUploadResult>`);
                return;
            }
        }
        const object = this.objects.get(`${bucket}/${key}`);
        if (method === "HEAD") {
            if (!object) {
                error(404, "NoSuchKey", "The specified key does not exist.");
                return;
            }
            answer(200, {
                "content-length": String(object.data.length),
                etag: object.etag,
                ...Object.fromEntries(Object.entries(object.meta).map(([k, v]) => [`x-oss-meta-${k}`, v])),
            });
            return;
        }
        if (method === "DELETE" && key !== "") {
            this.objects.delete(`${bucket}/${key}`);
            answer(204);
            return;
        }
        error(405, "MethodNotAllowed", "The specified method is not allowed against this resource.");
    }
}
