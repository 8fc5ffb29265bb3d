/**
 * A small client for the images and global operations of the Compute Engine REST API v1, shared by
 * the GCP dynamic providers.
 *
 * It speaks JSON over the global `fetch` instead of using `@google-cloud/compute`. That library
 * goes through google-gax: it loads about 12 MB of protobuf descriptors (over 2 s per provider
 * process), needs a full google-auth-library client even for a local endpoint, and retries on its
 * own. Five REST calls do not need any of that. With plain JSON, the documents the tests check are
 * the exact documents sent on the wire.
 *
 * The endpoint and the token source can be injected. The endpoint defaults to the gcloud override
 * variable `CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE`, then to the public endpoint. Tokens default to
 * Application Default Credentials through google-auth-library (the library `@google-cloud/compute`
 * authenticates with), loaded only when a request needs one. Every request is retried with bounded
 * backoff on throttling, 5xx and dropped connections. Every wait is bounded by an injectable clock.
 *
 * Everything here is a plain function, with no classes and no module state, so that Pulumi's closure
 * serialisation can carry it inside a dynamic provider.
 */
import { Clock, isTransientHttpError, pollUntil, realClock, retry } from "../dynamic/retry";

/** The public Compute Engine API v1 endpoint. */
export const COMPUTE_ENDPOINT = "https://compute.googleapis.com/compute/v1/";

/** The OAuth scope that images.insert, images.deprecate and images.delete need. */
export const COMPUTE_SCOPE = "https://www.googleapis.com/auth/compute";

/** How a provider reaches the Compute API; every field is optional and has a production default. */
export interface ComputeClientOptions {
    /** The API's base URL, ending in "/compute/v1/"; from CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE or the public endpoint by default. */
    endpoint?: string;
    /** Returns an OAuth access token; Application Default Credentials by default. */
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
    /** The first error reason, such as alreadyExists, notFound or rateLimitExceeded. */
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
    /** images.deprecate; an empty status clears the deprecation (the image is ACTIVE again). */
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

/** Makes a client with the given options; see {@link ComputeClientOptions} for the defaults. */
export function computeClient(options: ComputeClientOptions = {}): ComputeClient {
    const endpointText = options.endpoint ?? process.env.CLOUDSDK_API_ENDPOINT_OVERRIDES_COMPUTE ?? COMPUTE_ENDPOINT;
    const endpoint = endpointText.endsWith("/") ? endpointText : `${endpointText}/`;
    const clock = options.clock ?? realClock;
    let adc: { getAccessToken: () => Promise<string | null | undefined> } | undefined;
    const token = options.token ?? (async (): Promise<string> => {
        if (!adc) {
            const { GoogleAuth } = require("google-auth-library") as typeof import("google-auth-library");
            adc = new GoogleAuth({ scopes: [COMPUTE_SCOPE] });
        }
        const value = await adc.getAccessToken();
        if (!value) {
            throw new Error("Application Default Credentials gave no access token for the Compute API");
        }
        return value;
    });

    const failure = (method: string, path: string, statusCode: number, body: unknown): ComputeApiError => {
        const detail = (body as { error?: { message?: string; errors?: { reason?: string }[] } } | undefined)?.error;
        const error = new Error(`Compute API ${method} ${path}: HTTP ${statusCode}: ${detail?.message ?? "no message"}`) as ComputeApiError;
        error.statusCode = statusCode;
        error.reason = detail?.errors?.[0]?.reason;
        return error;
    };

    const send = async (method: string, path: string, body?: unknown, query?: Record<string, string>): Promise<unknown> => {
        const url = new URL(path, endpoint);
        Object.entries(query ?? {}).forEach(([k, v]) => url.searchParams.set(k, v));
        const headers: Record<string, string> = { authorization: `Bearer ${await token()}`, accept: "application/json" };
        if (body !== undefined) {
            headers["content-type"] = "application/json";
        }
        let response: Response;
        try {
            response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
        } catch (error) {
            const cause = (error as { cause?: { code?: string; message?: string } }).cause;
            const wrapped = new Error(`Compute API ${method} ${path}: ${cause?.message ?? (error as Error).message}`) as Error & { code?: string };
            wrapped.code = cause?.code ?? "ECONNRESET";
            throw wrapped;
        }
        const text = await response.text();
        let parsed: unknown;
        try {
            parsed = text ? JSON.parse(text) : undefined;
        } catch {
            parsed = undefined;
        }
        if (!response.ok) {
            throw failure(method, path, response.status, parsed);
        }
        return parsed;
    };

    const call = <T>(method: string, path: string, body?: unknown, query?: Record<string, string>): Promise<T> =>
        retry(() => send(method, path, body, query) as Promise<T>, {
            attempts: options.attempts ?? 6,
            baseDelayMs: options.baseDelayMs ?? 1000,
            maxDelayMs: options.maxDelayMs ?? 30000,
            retryable: isTransientHttpError,
            clock,
        });

    const imagePath = (project: string, name: string) =>
        `projects/${encodeURIComponent(project)}/global/images/${encodeURIComponent(name)}`;
    const poll = {
        initialDelayMs: options.pollInitialDelayMs ?? 5000,
        maxDelayMs: options.pollMaxDelayMs ?? 60000,
        timeoutMs: options.timeoutMs ?? 60 * 60 * 1000,
        clock,
    };

    const getImage = async (project: string, name: string): Promise<ComputeImage | undefined> => {
        try {
            return await call<ComputeImage>("GET", imagePath(project, name));
        } catch (error) {
            if (hasStatus(error, 404)) {
                return undefined;
            }
            throw error;
        }
    };

    return {
        getImage,
        insertImage: (project, image, requestId) =>
            call<ComputeOperation>("POST", `projects/${encodeURIComponent(project)}/global/images`, image, { requestId }),
        setLabels: (project, name, labels, fingerprint) =>
            call<ComputeOperation>("POST", `${imagePath(project, name)}/setLabels`, { labels, labelFingerprint: fingerprint }),
        deprecateImage: (project, name, status) => call<ComputeOperation>("POST", `${imagePath(project, name)}/deprecate`, status),
        deleteImage: async (project, name) => {
            try {
                return await call<ComputeOperation>("DELETE", imagePath(project, name));
            } catch (error) {
                if (hasStatus(error, 404)) {
                    return undefined;
                }
                throw error;
            }
        },
        waitForOperation: async (project, operation) => {
            const path = `projects/${encodeURIComponent(project)}/global/operations/${encodeURIComponent(operation.name)}`;
            const done = operation.status === "DONE"
                ? operation
                : await pollUntil<ComputeOperation>({
                    ...poll,
                    check: () => call<ComputeOperation>("GET", path),
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
            const image = await pollUntil<ComputeImage | undefined>({
                ...poll,
                check: () => getImage(project, name),
                done: (img) => img?.status === "READY" || img?.status === "FAILED",
                what: `image ${name} to become READY`,
            });
            if (!image || image.status !== "READY") {
                throw new Error(`image ${name} in project ${project} is ${image?.status ?? "missing"} instead of READY`);
            }
            return image;
        },
    };
}
