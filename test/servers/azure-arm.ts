/**
 * A local Azure Resource Manager for the community sharing provider, served over HTTPS on
 * 127.0.0.1 (the Azure SDKs send bearer tokens over HTTPS only, and MSAL refuses an http authority).
 * It speaks what `@azure/arm-compute` sends: the gallery sharing-profile update with its
 * long-running operation (Azure-AsyncOperation and Location headers), GET gallery with the
 * sharing profile and public names, and the Microsoft Entra token endpoint that
 * `@azure/identity` calls. Faults can be queued per route: throttling, 5xx, or an operation that
 * never finishes.
 *
 * The certificate is a self-signed one for 127.0.0.1 that only these servers use; {@link trustLocalTls}
 * adds it to the process's trusted certificates.
 */
import * as http from "http";
import * as https from "https";
import * as tls from "tls";
import { AddressInfo } from "net";

/** The key and certificate of the local test servers (127.0.0.1 and localhost, valid until 2126). */
export const localTls = {
    key: [
        "-----BEGIN PRIVATE KEY-----",
        "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgsaWJwdJ+di1u9hF/",
        "BnHlcnJ0KYENAf8uA52b+xVN9n2hRANCAATm5pqFRHzR2EU71QoTFLY6rrAoMoSU",
        "vBU7d5Q/XTZoZ8L6CuypDyO1Zcu2X3gHYiMeZjk5TDXNs4pgFc6T4rFl",
        "-----END PRIVATE KEY-----",
    ].join("\n"),
    cert: [
        "-----BEGIN CERTIFICATE-----",
        "MIIBwjCCAWigAwIBAgIUWvvcgARHEpu8z/agQmx2Tz8YbWwwCgYIKoZIzj0EAwIw",
        "FDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTEyMjA1MDgyMFoYDzIxMjYxMDI5",
        "MDUwODIwWjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIBBggqhkjO",
        "PQMBBwNCAATm5pqFRHzR2EU71QoTFLY6rrAoMoSUvBU7d5Q/XTZoZ8L6CuypDyO1",
        "Zcu2X3gHYiMeZjk5TDXNs4pgFc6T4rFlo4GVMIGSMB0GA1UdDgQWBBSYBwIOtHqO",
        "RMQX/p9unJa4KIm7SDAfBgNVHSMEGDAWgBSYBwIOtHqORMQX/p9unJa4KIm7SDAa",
        "BgNVHREEEzARhwR/AAABgglsb2NhbGhvc3QwDwYDVR0TAQH/BAUwAwEB/zAOBgNV",
        "HQ8BAf8EBAMCAoQwEwYDVR0lBAwwCgYIKwYBBQUHAwEwCgYIKoZIzj0EAwIDSAAw",
        "RQIhAPTJGiF0En/IzaUTJhz4LVdeCY7Mk88PlON/+6klkOvHAiA/PSoW7ifA54S/",
        "wlkCfvdG7wdukvXTYUwZbnpUGjUy0A==",
        "-----END CERTIFICATE-----",
    ].join("\n"),
};

/** Makes this process trust the local servers' certificate, in addition to the default ones. */
export function trustLocalTls(): void {
    const current = tls.getCACertificates("default");
    if (!current.includes(localTls.cert)) {
        tls.setDefaultCACertificates([...current, localTls.cert]);
    }
}

/** One request a local server received. */
export interface RecordedRequest {
    /** GET, POST, ... */
    method: string;
    /** The path, without the query. */
    path: string;
    /** The query parameters. */
    query: Record<string, string>;
    /** The Authorization header. */
    authorization?: string;
    /** The body parsed as JSON, or the raw text (form bodies stay text). */
    body?: unknown;
}

/** One token request the Entra endpoint answered. */
export interface TokenRequest {
    /** The tenant in the path. */
    tenant: string;
    /** The client_id field. */
    clientId: string;
    /** The client_secret field. */
    clientSecret: string;
    /** The scope field. */
    scope: string;
}

/** A queued fault: the next `times` requests of a route get this status. */
export interface Fault {
    /** The route it applies to. */
    route: string;
    /** The HTTP status to answer. */
    status: number;
    /** How many requests still get it. */
    times: number;
}

/** The bearer token the local token endpoints hand out. */
export const localAccessToken = "local-access-token";

/** Reads a request's body as text. */
export function readBody(req: http.IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
        let text = "";
        req.setEncoding("utf8");
        req.on("data", (chunk: string) => (text += chunk));
        req.on("end", () => resolve(text));
        req.on("error", reject);
    });
}

/** Answers with a JSON document. */
export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), ...headers });
    res.end(text);
}

/**
 * Answers the Microsoft Entra routes that ClientSecretCredential calls: the tenant's OpenID
 * configuration and its token endpoint. Returns false when the request is not one of them.
 */
export function answerTokenRoute(
    req: http.IncomingMessage, path: string, body: string, res: http.ServerResponse, baseUrl: string, log: TokenRequest[], secret?: string,
): boolean {
    const config = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(path);
    if (req.method === "GET" && config) {
        const t = `${baseUrl}/${config[1]}`;
        sendJson(res, 200, {
            token_endpoint: `${t}/oauth2/v2.0/token`, issuer: `${t}/v2.0`, authorization_endpoint: `${t}/oauth2/v2.0/authorize`,
            jwks_uri: `${t}/discovery/v2.0/keys`, end_session_endpoint: `${t}/oauth2/v2.0/logout`,
        });
        return true;
    }
    const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path);
    if (req.method === "POST" && token) {
        const form = new URLSearchParams(body);
        const entry = {
            tenant: token[1], clientId: form.get("client_id") ?? "", clientSecret: form.get("client_secret") ?? "", scope: form.get("scope") ?? "",
        };
        log.push(entry);
        if (secret !== undefined && entry.clientSecret !== secret) {
            sendJson(res, 401, { error: "invalid_client", error_description: "AADSTS7000215: Invalid client secret provided." });
            return true;
        }
        sendJson(res, 200, { token_type: "Bearer", expires_in: 3600, ext_expires_in: 3600, access_token: localAccessToken });
        return true;
    }
    return false;
}

/** Takes one queued fault of a route, if there is one. */
export function takeFault(faults: Fault[], route: string): Fault | undefined {
    const fault = faults.find((f) => f.route === route && f.times > 0);
    if (fault) {
        fault.times--;
    }
    return fault;
}

/** Starts an HTTPS server on 127.0.0.1 with an ephemeral port. */
export async function listenLocally(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<{ server: https.Server; url: string }> {
    trustLocalTls();
    const server = https.createServer({ key: localTls.key, cert: localTls.cert }, handler);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { server, url: `https://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** How a local Azure API tells itself apart: what its token endpoint accepts and how it refuses. */
export interface LocalAzureApiOptions {
    /** The only client secret the token endpoint accepts; any secret when unset. */
    clientSecret?: string;
    /** The error code of the 401 that a request without the local bearer token gets. */
    unauthorizedCode: string;
}

/**
 * What the local Azure APIs share: an HTTPS server on 127.0.0.1 that answers the Microsoft Entra
 * token routes, records every other request, refuses one without the local bearer token, answers
 * queued faults by route, and hands the rest to {@link answer}.
 */
export abstract class LocalAzureApi {
    /** Every API request, in order (token requests are in {@link tokens}). */
    public readonly requests: RecordedRequest[] = [];
    /** Every token request. */
    public readonly tokens: TokenRequest[] = [];
    /** Queued faults, by route. */
    public readonly faults: Fault[] = [];
    /** The base URL, once started. */
    public url = "";
    private server?: https.Server;

    protected constructor(private readonly options: LocalAzureApiOptions) {}

    /** Starts listening on 127.0.0.1. */
    async start(): Promise<this> {
        const { server, url } = await listenLocally((req, res) => {
            void this.handle(req, res).catch((error: unknown) => sendJson(res, 500, { error: { code: "TestServerError", message: String(error) } }));
        });
        this.server = server;
        this.url = url;
        return this;
    }

    /** Stops listening. */
    async close(): Promise<void> {
        this.server?.closeAllConnections();
        await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    }

    /** Queues `times` answers of `status` on a route. */
    fail(route: string, status: number, times = 1): void {
        this.faults.push({ route, status, times });
    }

    /** Parses a request body: JSON, and nothing for an empty one. */
    protected parseBody(text: string): unknown {
        return text === "" ? undefined : JSON.parse(text) as unknown;
    }

    /** Extra headers on the answer to a queued fault. */
    protected faultHeaders(_status: number): Record<string, string> {
        return {};
    }

    /** The route of a request path, as faults name it. */
    protected abstract routeOf(path: string): string;

    /** Answers an authorised request that no fault took. */
    protected abstract answer(req: http.IncomingMessage, url: URL, route: string, body: unknown, res: http.ServerResponse): void;

    private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
        const url = new URL(req.url ?? "/", this.url);
        const text = await readBody(req);
        if (answerTokenRoute(req, url.pathname, text, res, this.url, this.tokens, this.options.clientSecret)) {
            return;
        }
        const body = this.parseBody(text);
        this.requests.push({
            method: req.method ?? "", path: url.pathname, query: Object.fromEntries(url.searchParams), authorization: req.headers.authorization, body,
        });
        if (req.headers.authorization !== `Bearer ${localAccessToken}`) {
            sendJson(res, 401, { error: { code: this.options.unauthorizedCode, message: "no valid bearer token" } });
            return;
        }
        const route = this.routeOf(url.pathname);
        const fault = takeFault(this.faults, route);
        if (fault) {
            sendJson(res, fault.status, { error: { code: fault.status === 429 ? "TooManyRequests" : "InternalServerError", message: `injected ${fault.status}` } },
                this.faultHeaders(fault.status));
            return;
        }
        this.answer(req, url, route, body, res);
    }
}

/** How the server's sharing operations end. */
export type OperationOutcome = "Succeeded" | "Failed" | "never";

/** One gallery sharing-profile update the server took. */
interface Operation {
    /** The update's body. */
    body: unknown;
    /** The gallery key. */
    gallery: string;
    /** Status polls answered so far. */
    polls: number;
}

/** The gallery share route, the gallery route and the sharing operation routes. */
const galleryPath = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/galleries\/([^/]+)(\/share)?$/i;
const operationPath = /^\/subscriptions\/[^/]+\/providers\/Microsoft\.Compute\/locations\/[^/]+\/operations\/([^/]+)(\/result)?$/i;

/** The permissions route: the caller's effective permissions at a scope (Microsoft.Authorization, api-version 2022-04-01). */
const permissionsPath = /^(\/subscriptions\/.+)\/providers\/Microsoft\.Authorization\/permissions$/i;

/** The local Azure Resource Manager; fault routes: "share", "operation", "result", "gallery", "permissions". */
export class AzureArmServer extends LocalAzureApi {
    /** The caller's permissions per scope (lower-case resource ID), as the permissions API lists them; none elsewhere. */
    public readonly permissions = new Map<string, { actions?: string[]; notActions?: string[]; dataActions?: string[]; notDataActions?: string[] }[]>();
    /** Galleries with community sharing enabled, "<subscription>/<group>/<gallery>" → public names. */
    public readonly enabled = new Map<string, string[]>();
    /** Status polls that answer InProgress before the outcome. */
    public pendingPolls = 1;
    /** How operations end. */
    public outcome: OperationOutcome = "Succeeded";
    /** The public name prefix given to galleries. */
    public publicNamePrefix = "imagepub";
    private readonly operations = new Map<string, Operation>();

    constructor() {
        super({ unauthorizedCode: "AuthenticationFailed" });
    }

    /** The ARM requests of one route. */
    requestsTo(route: "share" | "operation" | "result" | "gallery"): RecordedRequest[] {
        const patterns: Record<string, RegExp> = {
            share: /\/galleries\/[^/]+\/share$/, operation: /\/operations\/[^/]+$/, result: /\/operations\/[^/]+\/result$/, gallery: /\/galleries\/[^/]+$/,
        };
        return this.requests.filter((r) => patterns[route].test(r.path));
    }

    /** Keeps a body that is not JSON as its text. */
    protected override parseBody(text: string): unknown {
        try {
            return super.parseBody(text);
        } catch {
            return text;
        }
    }

    /** A throttled request is told to come back in a second. */
    protected override faultHeaders(status: number): Record<string, string> {
        return status === 429 ? { "retry-after": "1" } : {};
    }

    protected routeOf(path: string): string {
        const gallery = galleryPath.exec(path);
        const operation = operationPath.exec(path);
        if (permissionsPath.test(path)) {
            return "permissions";
        }
        return gallery ? (gallery[4] ? "share" : "gallery") : operation ? (operation[2] ? "result" : "operation") : "unknown";
    }

    protected answer(req: http.IncomingMessage, url: URL, _route: string, body: unknown, res: http.ServerResponse): void {
        const gallery = galleryPath.exec(url.pathname);
        const operation = operationPath.exec(url.pathname);
        const permissions = permissionsPath.exec(url.pathname);
        if (permissions && req.method === "GET") {
            sendJson(res, 200, { value: this.permissions.get(permissions[1].toLowerCase()) ?? [] });
        } else if (gallery && gallery[4] && req.method === "POST") {
            this.startOperation(`${gallery[1]}/${gallery[2]}/${gallery[3]}`, gallery[1], body, res);
        } else if (gallery && req.method === "GET") {
            this.answerGallery(gallery[1], gallery[2], gallery[3], res);
        } else if (operation && req.method === "GET") {
            this.answerOperation(operation[1], operation[2] !== undefined, res);
        } else {
            sendJson(res, 404, { error: { code: "NotFound", message: `no route ${req.method} ${url.pathname}` } });
        }
    }

    private startOperation(key: string, subscription: string, body: unknown, res: http.ServerResponse): void {
        const id = `op-${this.operations.size + 1}`;
        this.operations.set(id, { body, gallery: key, polls: 0 });
        const base = `${this.url}/subscriptions/${subscription}/providers/Microsoft.Compute/locations/westeurope/operations/${id}`;
        res.writeHead(202, {
            "azure-asyncoperation": `${base}?api-version=2025-12-03`,
            location: `${base}/result?api-version=2025-12-03`,
            "content-length": "0",
        });
        res.end();
    }

    private answerOperation(id: string, result: boolean, res: http.ServerResponse): void {
        const op = this.operations.get(id);
        if (!op) {
            sendJson(res, 404, { error: { code: "NotFound", message: `no operation ${id}` } });
            return;
        }
        if (result) {
            sendJson(res, 200, op.body);
            return;
        }
        op.polls++;
        if (this.outcome === "never" || op.polls <= this.pendingPolls) {
            sendJson(res, 200, { name: id, status: "InProgress", startTime: "2026-01-01T00:00:00Z" });
            return;
        }
        if (this.outcome === "Failed") {
            sendJson(res, 200, { name: id, status: "Failed", error: { code: "GalleryCommunityPublishingNotAllowed", message: "community publishing needs the publisher contact" } });
            return;
        }
        const type = (op.body as { operationType?: string } | undefined)?.operationType;
        if (type === "EnableCommunity") {
            this.enabled.set(op.gallery, [`${this.publicNamePrefix}-0a1b2c3d-4e5f-6789-abcd-ef0123456789`]);
        } else if (type === "Reset") {
            this.enabled.delete(op.gallery);
        }
        sendJson(res, 200, { name: id, status: "Succeeded", startTime: "2026-01-01T00:00:00Z", endTime: "2026-01-01T00:01:00Z" });
    }

    private answerGallery(subscription: string, group: string, name: string, res: http.ServerResponse): void {
        const publicNames = this.enabled.get(`${subscription}/${group}/${name}`);
        sendJson(res, 200, {
            id: `/subscriptions/${subscription}/resourceGroups/${group}/providers/Microsoft.Compute/galleries/${name}`,
            name, type: "Microsoft.Compute/galleries", location: "westeurope",
            properties: {
                provisioningState: "Succeeded",
                sharingProfile: {
                    permissions: "Community",
                    communityGalleryInfo: {
                        publicNamePrefix: this.publicNamePrefix, publisherContact: "images@example.com", publisherUri: "https://example.com",
                        eula: "https://example.com/eula", communityGalleryEnabled: publicNames !== undefined,
                        ...(publicNames ? { publicNames } : {}),
                    },
                },
            },
        });
    }
}
