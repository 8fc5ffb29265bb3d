/**
 * A local HTTP server that answers HEAD (and GET) for a set of objects, the way a static artifact
 * host or an S3 bucket's HTTPS endpoint does: Content-Length, and, like S3, the object's
 * x-amz-checksum-sha256 and x-amz-checksum-type only when the request asks for them with
 * `x-amz-checksum-mode: ENABLED`. A missing object is 404, or 403 AccessDenied where the bucket
 * may not be listed (S3 answers so when the caller lacks s3:ListBucket). Faults can be injected
 * per request.
 *
 * With `tls: true` it serves HTTPS with the local test certificate and makes this process trust
 * it (see {@link trustLocalTls}), so that artifact URIs pointing at it are https:// ones, as the
 * stack config requires.
 */
import * as http from "http";
import * as https from "https";
import { AddressInfo } from "net";
import { localTls, trustLocalTls } from "./azure-arm";

/** One object the server holds. */
export interface HttpObject {
    /** Its size in bytes. */
    size: number;
    /** Its S3 checksum, base64, when it was stored with one. */
    checksumSha256?: string;
    /** FULL_OBJECT or COMPOSITE, with the checksum. */
    checksumType?: "FULL_OBJECT" | "COMPOSITE";
    /** Other headers to send, such as Repr-Digest. */
    headers?: Record<string, string>;
}

/** One request the server received. */
export interface HttpObjectRequest {
    /** The method. */
    method: string;
    /** The path. */
    path: string;
    /** The status answered. */
    status: number;
}

/** A running server. */
export interface HttpObjects {
    /** The base URL, without a trailing slash. */
    url: string;
    /** Every request, in order. */
    requests: HttpObjectRequest[];
    /** Stops the server. */
    close: () => Promise<void>;
}

/** Starts the server on 127.0.0.1 (HTTPS with `tls`); `fault` may answer a request with a status instead. */
export async function startHttpObjects(objects: Record<string, HttpObject>, options: {
    missingStatus?: 403 | 404;
    fault?: (request: { method: string; path: string }, index: number) => number | undefined;
    tls?: boolean;
} = {}): Promise<HttpObjects> {
    const requests: HttpObjectRequest[] = [];
    const handler: http.RequestListener = (req, res) => {
        const path = decodeURIComponent(new URL(req.url ?? "/", "http://127.0.0.1").pathname);
        const method = req.method ?? "";
        const entry: HttpObjectRequest = { method, path, status: 0 };
        const index = requests.length;
        requests.push(entry);
        const answer = (status: number, headers: Record<string, string | number> = {}) => {
            entry.status = status;
            res.writeHead(status, headers);
            res.end();
        };
        const fault = options.fault?.({ method, path }, index);
        if (fault !== undefined) {
            return answer(fault, { "content-length": 0 });
        }
        if (method !== "HEAD" && method !== "GET") {
            return answer(405, { allow: "GET, HEAD" });
        }
        const object = objects[path];
        if (object === undefined) {
            return answer(options.missingStatus ?? 404, { "content-length": 0 });
        }
        const headers: Record<string, string | number> = { "content-length": object.size, "content-type": "application/octet-stream", ...object.headers };
        if (object.checksumSha256 && req.headers["x-amz-checksum-mode"] === "ENABLED") {
            headers["x-amz-checksum-sha256"] = object.checksumSha256;
            headers["x-amz-checksum-type"] = object.checksumType ?? "FULL_OBJECT";
        }
        entry.status = 200;
        res.writeHead(200, headers);
        // HEAD only in these tests; a GET gets an empty body of the declared length's worth of zeros.
        res.end(method === "GET" ? Buffer.alloc(object.size) : undefined);
    };
    if (options.tls) {
        trustLocalTls();
    }
    const server = options.tls ? https.createServer({ key: localTls.key, cert: localTls.cert }, handler) : http.createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        url: `${options.tls ? "https" : "http"}://127.0.0.1:${port}`,
        requests,
        close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
    };
}
