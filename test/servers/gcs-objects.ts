/**
 * A local server of the GCS JSON API's object metadata call, enough for `File.getMetadata()` of
 * @google-cloud/storage: GET /storage/v1/b/{bucket}/o/{object}. It answers the object resource
 * (size as a decimal string, md5Hash and crc32c in base64, as GCS does) or GCS's own 404 body
 * ("No such object: bucket/object", reason notFound). Faults can be injected per request.
 * Source: cloud.google.com/storage/docs/json_api/v1/objects/get.
 */
import * as http from "http";
import { AddressInfo } from "net";

/** One object the server holds. */
export interface GcsObject {
    /** Its size in bytes. */
    size: number;
    /** Its MD5, base64. */
    md5Hash?: string;
}

/** A running server. */
export interface GcsObjects {
    /** The API endpoint to give the client as apiEndpoint. */
    url: string;
    /** The "bucket/object" of each metadata request, in order, with the status answered. */
    requests: { object: string; status: number }[];
    /** Stops the server. */
    close: () => Promise<void>;
}

function error(code: number, message: string, reason: string): string {
    return JSON.stringify({ error: { code, message, errors: [{ message, domain: "global", reason }] } });
}

/** Starts the server on 127.0.0.1. `objects` maps "bucket/object" to the object. */
export async function startGcsObjects(objects: Record<string, GcsObject>, options: {
    fault?: (object: string, index: number) => number | undefined;
} = {}): Promise<GcsObjects> {
    const requests: { object: string; status: number }[] = [];
    const server = http.createServer((req, res) => {
        const url = new URL(req.url ?? "/", "http://127.0.0.1");
        const m = /^\/storage\/v1\/b\/([^/]+)\/o\/([^/]+)$/.exec(url.pathname);
        const send = (status: number, body: string) => {
            res.writeHead(status, { "content-type": "application/json; charset=UTF-8" });
            res.end(body);
        };
        if (req.method !== "GET" || m === null) {
            return send(404, error(404, "Not Found", "notFound"));
        }
        const bucket = decodeURIComponent(m[1]);
        const name = decodeURIComponent(m[2]);
        const entry = { object: `${bucket}/${name}`, status: 0 };
        const index = requests.length;
        requests.push(entry);
        const fault = options.fault?.(entry.object, index);
        if (fault !== undefined) {
            entry.status = fault;
            return send(fault, error(fault, fault === 429 ? "The rate of change requests to the object is too high." : "Backend Error", fault === 429 ? "rateLimitExceeded" : "backendError"));
        }
        const object = objects[entry.object];
        if (object === undefined) {
            entry.status = 404;
            return send(404, error(404, `No such object: ${entry.object}`, "notFound"));
        }
        entry.status = 200;
        send(200, JSON.stringify({
            kind: "storage#object",
            id: `${entry.object}/1`,
            name,
            bucket,
            generation: "1",
            contentType: "application/gzip",
            size: String(object.size),
            ...(object.md5Hash ? { md5Hash: object.md5Hash } : {}),
            crc32c: "AAAAAA==",
        }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}`,
        requests,
        close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
    };
}
