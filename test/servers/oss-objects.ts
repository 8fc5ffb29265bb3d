/**
 * A local server of OSS HeadObject, enough for ali-oss `head()`: HEAD /{bucket}/{object} (the
 * client's second-level-domain mode, since the test endpoint is an IP). A HEAD answer has no body,
 * so an error travels in headers: x-oss-ec, and x-oss-err with the base64 XML error. It refuses a
 * request without a signature (AccessDenied) or from an unknown AccessKey ID (InvalidAccessKeyId)
 * with 403, answers a missing object 404 NoSuchKey (x-oss-ec 0026-00000001), and serves
 * Content-Length, ETag and x-oss-hash-crc64ecma for an object. Faults can be injected per request.
 * Sources: alibabacloud.com/help/doc-detail/32005.htm (error responses, x-oss-ec),
 * help.aliyun.com/en/oss/user-guide/0026-00000001 (NoSuchKey on HeadObject).
 */
import * as http from "http";
import { AddressInfo } from "net";

/** A running server. */
export interface OssObjects {
    /** The endpoint to give the client. */
    url: string;
    /** The "bucket/object" and status of each request, in order. */
    requests: { object: string; status: number }[];
    /** Stops the server. */
    close: () => Promise<void>;
}

/** Starts the server on 127.0.0.1. `objects` maps "bucket/object" to its size in bytes. */
export async function startOssObjects(objects: Record<string, number>, options: {
    accessKeyId: string;
    fault?: (object: string, index: number) => number | undefined;
}): Promise<OssObjects> {
    const requests: { object: string; status: number }[] = [];
    const server = http.createServer((req, res) => {
        const object = decodeURIComponent(new URL(req.url ?? "/", "http://127.0.0.1").pathname.slice(1));
        const entry = { object, status: 0 };
        const index = requests.length;
        requests.push(entry);
        const answer = (status: number, headers: Record<string, string | number> = {}) => {
            entry.status = status;
            res.writeHead(status, { "x-oss-request-id": `local-${index}`, "content-length": 0, ...headers });
            res.end();
        };
        const refuse = (status: number, code: string, message: string, ec?: string) => answer(status, {
            ...(ec ? { "x-oss-ec": ec } : {}),
            "x-oss-err": Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>` +
                `<RequestId>local-${index}</RequestId>${ec ? `<EC>${ec}</EC>` : ""}</Error>`).toString("base64"),
        });
        const auth = String(req.headers.authorization ?? "");
        const id = /^OSS ([^:]+):/.exec(auth)?.[1] ?? /^OSS4-HMAC-SHA256 Credential=([^/]+)\//.exec(auth)?.[1];
        if (id === undefined) {
            return refuse(403, "AccessDenied", "You have no right to access this object.");
        }
        if (id !== options.accessKeyId) {
            return refuse(403, "InvalidAccessKeyId", "The OSS Access Key Id you provided does not exist in our records.");
        }
        const fault = options.fault?.(object, index);
        if (fault !== undefined) {
            return answer(fault);
        }
        if (req.method !== "HEAD") {
            return answer(405);
        }
        const size = objects[object];
        if (size === undefined) {
            return refuse(404, "NoSuchKey", "The specified key does not exist.", "0026-00000001");
        }
        entry.status = 200;
        res.writeHead(200, {
            "x-oss-request-id": `local-${index}`,
            "content-length": size,
            etag: "\"5B3C1A2E053D763E1B002CC607C5A0FE\"",
            "x-oss-hash-crc64ecma": "316181249502703376",
            "x-oss-object-type": "Normal",
        });
        res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}`,
        requests,
        close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
    };
}
