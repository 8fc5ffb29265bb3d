/**
 * A local Compute Engine API v1 server for the images the GCP providers make: images.insert, get,
 * delete, deprecate and setLabels, and globalOperations.get. It keeps images and operations in memory,
 * records every request, and injects faults: error answers for the first N matching calls (429,
 * 503...), imports whose operation ends in error, and images that never become READY.
 */
import * as crypto from "crypto";
import * as http from "http";
import { AddressInfo } from "net";

/** One request as the server saw it. */
export interface GceRequest {
    /** GET, POST, DELETE... */
    method: string;
    /** The path after /compute/v1/, such as projects/p/global/images/x. */
    path: string;
    /** The query parameters. */
    query: Record<string, string>;
    /** The JSON body, when there was one. */
    body?: unknown;
    /** The Authorization header. */
    authorization?: string;
    /** The x-goog-api-client header, which names the client library that sent the request. */
    apiClient?: string;
}

/** An error answer for the next `times` requests that match. */
export interface GceFault {
    /** Only requests with this method; any when unset. */
    method?: string;
    /** Only paths (after /compute/v1/) that match; any when unset. */
    path?: RegExp;
    /** The HTTP status to answer. */
    status: number;
    /** The error reason, such as rateLimitExceeded or backendError. */
    reason: string;
    /** How many matching requests get it. */
    times: number;
    /** Drop the connection instead of answering. */
    drop?: boolean;
}

/** An image as the server keeps it. */
export interface GceImage {
    /** Every field of the image resource. */
    [field: string]: unknown;
    /** The image name. */
    name: string;
    /** PENDING, READY or FAILED. */
    status: string;
}

interface GceOperation {
    name: string;
    status: string;
    operationType: string;
    targetLink: string;
    selfLink: string;
    error?: { errors: { code: string; message: string }[] };
    runningPolls: number;
    finish: (op: GceOperation) => void;
}

const operationPath = /^projects\/([^/]+)\/global\/operations\/([^/]+)$/;
const imagesPath = /^projects\/([^/]+)\/global\/images$/;
const imagePath = /^projects\/([^/]+)\/global\/images\/([^/]+)$/;
const imageActionPath = /^projects\/([^/]+)\/global\/images\/([^/]+)\/(deprecate|setLabels)$/;

function fingerprintOf(labels: unknown): string {
    return crypto.createHash("sha256").update(JSON.stringify(labels ?? {})).digest("base64").slice(0, 12);
}

/** The local server; start it with {@link GceServer.start}. */
export class GceServer {
    /** Every request, in order. */
    public readonly requests: GceRequest[] = [];
    /** Images by "project/name". */
    public readonly images = new Map<string, GceImage>();
    /** Pending faults; each is used up as it answers. */
    public readonly faults: GceFault[] = [];
    /** Image names whose import ends in error, with the operation's error. */
    public readonly failedImports = new Map<string, { code: string; message: string }>();
    /** Image names that stay PENDING forever. */
    public readonly neverReady = new Set<string>();
    /** How many gets of a new operation still answer RUNNING; then it is DONE. */
    public operationPolls = 1;

    private readonly operations = new Map<string, GceOperation>();
    private readonly requestIds = new Map<string, string>();
    private counter = 0;

    private constructor(private readonly server: http.Server, private readonly token: string) {}

    /** Starts a server on 127.0.0.1 on an ephemeral port; requests must carry `Bearer <token>`. */
    static async start(token = "test-token"): Promise<GceServer> {
        const server = http.createServer();
        const instance = new GceServer(server, token);
        server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => instance.handle(req, res));
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        return instance;
    }

    /** The API base URL, ending in /compute/v1/. */
    get endpoint(): string {
        return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/compute/v1/`;
    }

    /** Stops the server. */
    close(): Promise<void> {
        this.server.closeAllConnections();
        return new Promise((resolve) => this.server.close(() => resolve()));
    }

    /** Puts an image in place, as if an earlier run had made it. */
    seedImage(project: string, image: Partial<GceImage> & { name: string }): GceImage {
        const stored: GceImage = {
            kind: "compute#image",
            id: this.nextId(),
            selfLink: `${this.endpoint}projects/${project}/global/images/${image.name}`,
            creationTimestamp: "2026-01-01T00:00:00.000-00:00",
            labelFingerprint: fingerprintOf(image.labels),
            status: "READY",
            ...image,
        };
        this.images.set(`${project}/${image.name}`, stored);
        return stored;
    }

    /** The requests with this method whose path matches. */
    calls(method: string, path: RegExp): GceRequest[] {
        return this.requests.filter((r) => r.method === method && path.test(r.path));
    }

    private nextId(): string {
        this.counter += 1;
        return `${4000000000000000000n + BigInt(this.counter)}`;
    }

    private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            const url = new URL(req.url ?? "/", "http://127.0.0.1");
            const text = Buffer.concat(chunks).toString("utf8");
            const request: GceRequest = {
                method: req.method ?? "GET",
                path: url.pathname.replace(/^\/compute\/v1\//, ""),
                query: Object.fromEntries(url.searchParams),
                authorization: req.headers.authorization,
                apiClient: typeof req.headers["x-goog-api-client"] === "string" ? req.headers["x-goog-api-client"] : undefined,
            };
            if (text) {
                request.body = JSON.parse(text);
            }
            this.requests.push(request);
            const drop = this.faults.find((f) => f.drop && f.times > 0 && (!f.method || f.method === request.method) && (!f.path || f.path.test(request.path)));
            if (drop) {
                drop.times -= 1;
                req.socket.destroy();
                return;
            }
            const [status, body] = this.answer(request);
            res.writeHead(status, { "content-type": "application/json" });
            res.end(JSON.stringify(body));
        });
    }

    private error(status: number, reason: string, message: string): [number, unknown] {
        return [status, { error: { code: status, message, errors: [{ domain: "global", reason, message }] } }];
    }

    private answer(request: GceRequest): [number, unknown] {
        if (request.authorization !== `Bearer ${this.token}`) {
            return this.error(401, "authError", "Request had invalid authentication credentials.");
        }
        const fault = this.faults.find((f) => !f.drop && f.times > 0 && (!f.method || f.method === request.method) && (!f.path || f.path.test(request.path)));
        if (fault) {
            fault.times -= 1;
            return this.error(fault.status, fault.reason, `injected ${fault.status} ${fault.reason}`);
        }
        const { method, path } = request;
        let m: RegExpExecArray | null;
        if (method === "GET" && (m = operationPath.exec(path))) {
            return this.getOperation(m[2]);
        }
        if (method === "POST" && (m = imagesPath.exec(path))) {
            return this.insert(m[1], request);
        }
        if ((m = imagePath.exec(path))) {
            const image = this.images.get(`${m[1]}/${m[2]}`);
            if (!image) {
                return this.error(404, "notFound", `The resource 'projects/${m[1]}/global/images/${m[2]}' was not found`);
            }
            if (method === "GET") {
                return [200, image];
            }
            if (method === "DELETE") {
                this.images.delete(`${m[1]}/${m[2]}`);
                return [200, this.operation(m[1], "delete", image, () => undefined)];
            }
        }
        if (method === "POST" && (m = imageActionPath.exec(path))) {
            return this.imageAction(m[1], m[2], m[3], request.body as Record<string, unknown>);
        }
        return this.error(404, "notFound", `no route for ${method} ${path}`);
    }

    private insert(project: string, request: GceRequest): [number, unknown] {
        const requestId = request.query.requestId;
        const seen = requestId ? this.requestIds.get(requestId) : undefined;
        if (seen) {
            return [200, this.publicOperation(this.operations.get(seen)!)];
        }
        const doc = request.body as GceImage;
        const key = `${project}/${doc.name}`;
        // An image is stored in one Cloud Storage location (storageLocations[], "regional or
        // multi-regional"), and its raw disk is read from Cloud Storage, https://storage.googleapis.com/
        // (https://cloud.google.com/compute/docs/reference/rest/v1/images). The messages follow the API's
        // "Invalid value for field" form; the exact wording of these two is modelled.
        const locations = (doc.storageLocations ?? []) as string[];
        if (locations.length > 1) {
            return this.error(400, "invalid", `Invalid value for field 'resource.storageLocations': '${locations.join(",")}'. Only one storage location is supported.`);
        }
        const source = (doc.rawDisk as { source?: string } | undefined)?.source;
        if (source !== undefined && !/^https:\/\/storage\.googleapis\.com\/[^/]+\/.+/.test(source)) {
            return this.error(400, "invalid", `Invalid value for field 'resource.rawDisk.source': '${source}'. The URL must be a Google Cloud Storage URL.`);
        }
        if (this.images.has(key)) {
            return this.error(409, "alreadyExists", `The resource 'projects/${project}/global/images/${doc.name}' already exists`);
        }
        const image = this.seedImage(project, { ...doc, status: "PENDING" });
        const op = this.operation(project, "insert", image, (done) => {
            const failure = this.failedImports.get(doc.name);
            if (failure) {
                image.status = "FAILED";
                done.error = { errors: [failure] };
            } else if (!this.neverReady.has(doc.name)) {
                image.status = "READY";
            }
        });
        if (requestId) {
            this.requestIds.set(requestId, op.name);
        }
        return [200, op];
    }

    private imageAction(project: string, name: string, action: string, body: Record<string, unknown>): [number, unknown] {
        const image = this.images.get(`${project}/${name}`);
        if (!image) {
            return this.error(404, "notFound", `The resource 'projects/${project}/global/images/${name}' was not found`);
        }
        if (action === "setLabels") {
            if (body.labelFingerprint !== image.labelFingerprint) {
                return this.error(412, "conditionNotMet", "Labels fingerprint either invalid or resource labels have changed");
            }
            image.labels = body.labels;
            image.labelFingerprint = fingerprintOf(body.labels);
            return [200, this.operation(project, "setLabels", image, () => undefined)];
        }
        // An empty status or state ACTIVE clears the deprecation.
        if (Object.keys(body ?? {}).length === 0 || body.state === "ACTIVE") {
            delete image.deprecated;
        } else {
            image.deprecated = { ...body };
        }
        return [200, this.operation(project, "deprecate", image, () => undefined)];
    }

    private operation(project: string, type: string, image: GceImage, finish: (op: GceOperation) => void): { name: string } {
        const name = `operation-${this.nextId()}`;
        const op: GceOperation = {
            name,
            status: "RUNNING",
            operationType: type,
            targetLink: String(image.selfLink),
            selfLink: `${this.endpoint}projects/${project}/global/operations/${name}`,
            runningPolls: this.operationPolls,
            finish,
        };
        this.operations.set(name, op);
        return this.publicOperation(op);
    }

    private getOperation(name: string): [number, unknown] {
        const op = this.operations.get(name);
        if (!op) {
            return this.error(404, "notFound", `The resource 'operations/${name}' was not found`);
        }
        if (op.status !== "DONE") {
            if (op.runningPolls > 0) {
                op.runningPolls -= 1;
            } else {
                op.status = "DONE";
                op.finish(op);
            }
        }
        return [200, this.publicOperation(op)];
    }

    private publicOperation(op: GceOperation): { name: string } {
        const { runningPolls: _polls, finish: _finish, ...rest } = op;
        return { ...rest, kind: "compute#operation" } as { name: string };
    }
}
