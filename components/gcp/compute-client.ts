/**
 * The images and global operations of the Compute Engine API v1, shared by the GCP dynamic providers,
 * through the official client, `@google-cloud/compute`, on its REST transport (`fallback: true`: JSON
 * over HTTP/1.1, the same documents as the REST reference).
 *
 * The endpoint and the token source can be injected. The endpoint defaults to the gcloud override
 * variable `CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE`, then to the public endpoint; an endpoint is
 * handed to the client as its `apiEndpoint`, `port` and `protocol`. Tokens default to the client's
 * own Application Default Credentials; an injected token source becomes the client's `authClient`.
 * Every request is retried here with bounded backoff on throttling, 5xx and dropped connections (the
 * client's own retries are switched off, so that the bound is ours), and every wait is bounded by an
 * injectable clock.
 *
 * The client library is loaded inside the functions, so that Pulumi's closure serialisation carries
 * no module state, and the provider loads it where it runs. Loading it parses its protobuf
 * descriptors once per process: seconds, once per dynamic provider process.
 */
import { Clock, isTransientHttpError, pollUntil, realClock, retry } from "../dynamic/retry";

/** The public Compute Engine API v1 endpoint. */
export const COMPUTE_ENDPOINT = "https://compute.googleapis.com/compute/v1/";

/** The OAuth scope that images.insert, images.deprecate and images.delete need. */
export const COMPUTE_SCOPE = "https://www.googleapis.com/auth/compute";

/** How a provider reaches the Compute API; every field is optional and has a production default. */
export interface ComputeClientOptions {
    /** The API's base URL, such as http://127.0.0.1:8080/compute/v1/ (the client takes its host, port and protocol); from CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE or the public endpoint by default. */
    endpoint?: string;
    /** Returns an OAuth access token, handed to the client as its auth client; the client's Application Default Credentials by default. */
    token?: () => Promise<string>;
    /** The clock that backoff and polling wait on; real time by default. */
    clock?: Clock;
    /** Attempts per request when the API throttles or fails (the first included); 6 by default. */
    attempts?: number;
    /** The delay before the first retry of a request; 1 s by default. */
    baseDelayMs?: number;
    /** The longest delay between two attempts of a request; 30 s by default. */
    maxDelayMs?: number;
    /** The first wait between two checks of an operation or an image; 5 s by default. */
    pollInitialDelayMs?: number;
    /** The longest wait between two checks; 60 s by default. */
    pollMaxDelayMs?: number;
    /** How long an operation, and then an image, may take to finish; 60 minutes each by default. */
    timeoutMs?: number;
}

/** One guest OS feature of an image. */
export interface GuestOsFeature {
    /** The feature, such as UEFI_COMPATIBLE. */
    type: string;
}

/** One certificate or hash of a UEFI variable. */
export interface FileContentBuffer {
    /** The content, base64. */
    content: string;
    /** X509 or BIN. */
    fileType: string;
}

/** The UEFI Secure Boot variables an image starts instances with. */
export interface ShieldedInstanceInitialState {
    /** The platform key. */
    pk?: FileContentBuffer;
    /** The key exchange keys. */
    keks?: FileContentBuffer[];
    /** The allowed signature database. */
    dbs?: FileContentBuffer[];
    /** The forbidden signature database. */
    dbxs?: FileContentBuffer[];
}

/** The deprecation status of an image; an empty one means ACTIVE. */
export interface DeprecationStatus {
    /** ACTIVE, DEPRECATED, OBSOLETE or DELETED. */
    state?: string;
    /** The URL of the image to use instead. */
    replacement?: string;
    /** When the image is (or was) deprecated, RFC 3339. */
    deprecated?: string;
    /** When the image becomes obsolete, RFC 3339. */
    obsolete?: string;
    /** When the image is deleted, RFC 3339. */
    deleted?: string;
}

/** The fields of a Compute image resource that the providers send or read. */
export interface ComputeImage {
    /** The image name. */
    name: string;
    /** The numeric ID, assigned by the API. */
    id?: string;
    /** The image's URL, assigned by the API. */
    selfLink?: string;
    /** PENDING, READY, FAILED or DELETING, assigned by the API. */
    status?: string;
    /** When it was created, assigned by the API. */
    creationTimestamp?: string;
    /** X86_64 or ARM64. */
    architecture?: string;
    /** Where the raw disk comes from. */
    rawDisk?: { source: string; containerType?: string };
    /** The image family. */
    family?: string;
    /** A description. */
    description?: string;
    /** The guest OS features. */
    guestOsFeatures?: GuestOsFeature[];
    /** License URLs. */
    licenses?: string[];
    /** Labels. */
    labels?: Record<string, string>;
    /** The fingerprint images.setLabels must be given, assigned by the API. */
    labelFingerprint?: string;
    /** Multi-regional or regional Cloud Storage locations of the image. */
    storageLocations?: string[];
    /** Secure Boot variables. */
    shieldedInstanceInitialState?: ShieldedInstanceInitialState;
    /** The deprecation status, when there is one. */
    deprecated?: DeprecationStatus;
}

/** A global operation. */
export interface ComputeOperation {
    /** The operation name. */
    name: string;
    /** PENDING, RUNNING or DONE. */
    status: string;
    /** The resource the operation acts on. */
    targetLink?: string;
    /** insert, delete, deprecate... */
    operationType?: string;
    /** Present when the operation failed. */
    error?: { errors?: { code?: string; message?: string }[] };
}

/** What the API answered when a request failed: the HTTP status, the first reason and the message. */
export interface ComputeApiError extends Error {
    /** The HTTP status. */
    statusCode: number;
    /** The error reason, when the client reports one. */
    reason?: string;
}

/** An operation that finished with errors. */
export interface ComputeOperationError extends Error {
    /** The operation's error messages. */
    operationErrors: string[];
}

/** The calls the providers make. */
export interface ComputeClient {
    /** images.get; undefined when there is no such image. */
    getImage: (project: string, name: string) => Promise<ComputeImage | undefined>;
    /** images.insert under an idempotency request ID. */
    insertImage: (project: string, image: ComputeImage, requestId: string) => Promise<ComputeOperation>;
    /** images.setLabels: replaces every label; `fingerprint` is the image's current labelFingerprint. */
    setLabels: (project: string, name: string, labels: Record<string, string>, fingerprint: string) => Promise<ComputeOperation>;
    /** images.deprecate; state ACTIVE clears the deprecation. */
    deprecateImage: (project: string, name: string, status: DeprecationStatus) => Promise<ComputeOperation>;
    /** images.delete; undefined when there was no such image. */
    deleteImage: (project: string, name: string) => Promise<ComputeOperation | undefined>;
    /** Polls globalOperations.get until DONE; throws with the operation's error messages when it failed. */
    waitForOperation: (project: string, operation: ComputeOperation) => Promise<ComputeOperation>;
    /** Polls images.get until READY; throws when the image is FAILED or the bound runs out. */
    waitForImage: (project: string, name: string) => Promise<ComputeImage>;
}

/** Whether an error is the API's answer with this HTTP status. */
export function hasStatus(error: unknown, statusCode: number): boolean {
    return (error as Partial<ComputeApiError> | undefined)?.statusCode === statusCode;
}

/** A protobuf message from the client as a plain object: no oneof markers ("_id": "id"), no undefined fields. */
function plain<T>(message: unknown): T {
    const strip = (value: unknown): unknown => {
        if (Array.isArray(value)) {
            return value.map(strip);
        }
        if (value && typeof value === "object") {
            return Object.fromEntries(Object.entries(value)
                .filter(([k, v]) => !k.startsWith("_") && v !== undefined && v !== null)
                .map(([k, v]) => [k, strip(v)]));
        }
        return value;
    };
    return strip(message) as T;
}

/** The options of the client library's constructors for an endpoint URL such as http://127.0.0.1:8080/compute/v1/. */
export function clientOptionsFor(endpoint: string): { apiEndpoint: string; port: number; protocol: string } {
    const url = new URL(endpoint);
    const protocol = url.protocol.replace(/:$/, "");
    return { apiEndpoint: url.hostname, port: url.port ? Number(url.port) : (protocol === "http" ? 80 : 443), protocol };
}

/** Makes a client with the given options; see {@link ComputeClientOptions} for the defaults. */
export function computeClient(options: ComputeClientOptions = {}): ComputeClient {
    const compute = require("@google-cloud/compute") as typeof import("@google-cloud/compute");
    const endpoint = options.endpoint ?? process.env.CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE ?? COMPUTE_ENDPOINT;
    const clock = options.clock ?? realClock;
    const token = options.token;
    let authClient: import("google-auth-library").OAuth2Client | undefined;
    if (token) {
        const { OAuth2Client } = require("google-auth-library") as typeof import("google-auth-library");
        authClient = new OAuth2Client();
    }
    const constructorOptions = {
        fallback: true,
        ...(endpoint === COMPUTE_ENDPOINT ? {} : clientOptionsFor(endpoint)),
        ...(authClient ? { authClient } : { scopes: [COMPUTE_SCOPE] }),
    };
    const images = new compute.ImagesClient(constructorOptions);
    const operations = new compute.GlobalOperationsClient(constructorOptions);
    // The retries and their bound are ours; the client's own would multiply them.
    const once = { retry: { retryCodes: [] as number[] } };

    const failure = (what: string, error: unknown): Error => {
        const e = error as { httpStatusCode?: number; reason?: string; message?: string; code?: unknown };
        if (typeof e?.httpStatusCode !== "number") {
            const wrapped = new Error(`Compute API ${what}: ${e?.message ?? String(error)}`) as Error & { code?: unknown };
            wrapped.code = e?.code;
            return wrapped;
        }
        const wrapped = new Error(`Compute API ${what}: HTTP ${e.httpStatusCode}: ${e.message ?? "no message"}`) as ComputeApiError;
        wrapped.statusCode = e.httpStatusCode;
        wrapped.reason = e.reason;
        return wrapped;
    };

    const call = <T>(what: string, request: () => Promise<unknown>): Promise<T> =>
        retry(async () => {
            if (authClient && token) {
                authClient.setCredentials({ access_token: await token() });
            }
            try {
                return plain<T>(await request());
            } catch (error) {
                throw failure(what, error);
            }
        }, {
            attempts: options.attempts ?? 6,
            baseDelayMs: options.baseDelayMs ?? 1000,
            maxDelayMs: options.maxDelayMs ?? 30000,
            // A connection that drops or is refused shows as gRPC UNAVAILABLE (14) without an HTTP status.
            retryable: (error) => isTransientHttpError(error) || (error as { code?: unknown }).code === 14,
            clock,
        });

    const poll = {
        initialDelayMs: options.pollInitialDelayMs ?? 5000,
        maxDelayMs: options.pollMaxDelayMs ?? 60000,
        timeoutMs: options.timeoutMs ?? 60 * 60 * 1000,
        clock,
    };

    const getImage = async (project: string, name: string): Promise<ComputeImage | undefined> => {
        try {
            return await call<ComputeImage>(`images.get ${project}/${name}`, async () => (await images.get({ project, image: name }, once))[0]);
        } catch (error) {
            if (hasStatus(error, 404)) {
                return undefined;
            }
            throw error;
        }
    };

    /** The Operation of a long-running call's answer. */
    const operationOf = (answer: unknown[]): unknown => (answer[0] as { latestResponse?: unknown }).latestResponse;

    return {
        getImage,
        insertImage: (project, image, requestId) =>
            call<ComputeOperation>(`images.insert ${project}/${image.name}`, async () =>
                operationOf(await images.insert({ project, requestId, imageResource: image as never }, once))),
        setLabels: (project, name, labels, fingerprint) =>
            call<ComputeOperation>(`images.setLabels ${project}/${name}`, async () =>
                operationOf(await images.setLabels({ project, resource: name, globalSetLabelsRequestResource: { labels, labelFingerprint: fingerprint } }, once))),
        deprecateImage: (project, name, status) =>
            call<ComputeOperation>(`images.deprecate ${project}/${name}`, async () =>
                operationOf(await images.deprecate({ project, image: name, deprecationStatusResource: status as never }, once))),
        deleteImage: async (project, name) => {
            try {
                return await call<ComputeOperation>(`images.delete ${project}/${name}`, async () => operationOf(await images.delete({ project, image: name }, once)));
            } catch (error) {
                if (hasStatus(error, 404)) {
                    return undefined;
                }
                throw error;
            }
        },
        waitForOperation: async (project, operation) => {
            const done = operation.status === "DONE"
                ? operation
                : await pollUntil<ComputeOperation>({
                    ...poll,
                    check: () => call<ComputeOperation>(`globalOperations.get ${operation.name}`, async () =>
                        (await operations.get({ project, operation: operation.name }, once))[0]),
                    done: (op) => op.status === "DONE",
                    what: `operation ${operation.name}`,
                });
            const messages = (done.error?.errors ?? []).map((e) => [e.code, e.message].filter(Boolean).join(": "));
            if (messages.length > 0) {
                const error = new Error(`operation ${done.name} (${done.operationType ?? "unknown"} ${done.targetLink ?? ""}) failed: ${messages.join("; ")}`) as ComputeOperationError;
                error.operationErrors = messages;
                throw error;
            }
            return done;
        },
        waitForImage: async (project, name) => {
            // Only an image that is READY or FAILED ends the poll: a missing one is waited for like a PENDING one.
            const image = await pollUntil<ComputeImage | undefined>({
                ...poll,
                check: () => getImage(project, name),
                done: (img) => img?.status === "READY" || img?.status === "FAILED",
                what: `image ${name} to become READY`,
            });
            if (image?.status !== "READY") {
                throw new Error(`image ${name} in project ${project} is ${image?.status} instead of READY`);
            }
            return image;
        },
    };
}
