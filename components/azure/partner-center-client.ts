/**
 * A small client of the Partner Center product ingestion API: a token from Microsoft Entra
 * (client credentials through `@azure/identity`), JSON over HTTPS with bounded retries on
 * throttling and 5xx, and the calls the marketplace version needs: product by external ID,
 * resource tree, configure, configure job status and submissions. Everything is made inside the
 * function, so a provider that calls it survives closure serialisation.
 */
import { Clock, isTransientHttpError, pollUntil, realClock, retry } from "../dynamic/retry";

/** The product ingestion API. */
export const PARTNER_CENTER_ENDPOINT = "https://graph.microsoft.com/rp/product-ingestion";
/** The token scope of the product ingestion API. */
export const PARTNER_CENTER_SCOPE = "https://graph.microsoft.com/.default";
/**
 * The `$version` of every call, reads and configure alike. A read answers each resource in the newest
 * schema "up to" this version ("The schema version you provide will be used as the max supported
 * version for each of the applicable resources", Product Ingestion API, Method 1: Resource-tree), so
 * what is read stays writable under the same version; a configure request's `$version` is "the version
 * of the schema that is being used in the request", its configure schema (every documented configure
 * call pairs `configure?$version=V` with `.../schema/configure/V`). 2022-07-01 is the version Red Hat's
 * cloudpub publishes virtual machine plans with (its technical configurations answer as
 * `.../virtual-machine-plan-technical-configuration/2022-03-01-preview5`); no documented configure
 * schema pairs with `$version=2022-03-01-preview5`.
 */
export const API_VERSION = "2022-07-01";
/** The schema of a configure request: the one of {@link API_VERSION}. */
export const CONFIGURE_SCHEMA = `https://schema.mp.microsoft.com/schema/configure/${API_VERSION}`;
/** The schema of a submission resource. */
export const SUBMISSION_SCHEMA = "https://schema.mp.microsoft.com/schema/submission/2022-03-01-preview2";

/** How to reach Partner Center and as whom. */
export interface PartnerCenterConnection {
    /** The API base URL; {@link PARTNER_CENTER_ENDPOINT} when unset. */
    endpoint?: string;
    /** The Microsoft Entra authority host; the SDK's default when unset (instance discovery is off when set). */
    authorityHost?: string;
    /** The Microsoft Entra tenant of the app. */
    tenantId: string;
    /** The app's client ID; the app is a Manager in Partner Center. */
    clientId: string;
    /** The app's client secret. */
    clientSecret: string;
}

/** How the client waits; tests pass a simulated clock. */
export interface PartnerCenterClientOptions {
    /** The clock of every wait; real time by default. */
    clock?: Clock;
    /** The jitter source of the retries; Math.random by default. */
    random?: () => number;
    /** Attempts of one call on throttling and 5xx; 6 by default. */
    attempts?: number;
    /** The first wait between two job polls, in milliseconds; 5000 by default. */
    pollInitialDelayMs?: number;
    /** The longest wait between two job polls, in milliseconds; 60000 by default. */
    pollMaxDelayMs?: number;
}

/** One product ingestion resource, as the API hands it out. */
export interface IngestionResource {
    /** The resource's schema URL, which names its type. */
    $schema: string;
    /** The durable ID, such as product/<guid> or plan/<guid>/<guid>. */
    id?: string;
    /** The product's durable ID, on resources that belong to one. */
    product?: string;
    /** The plan's durable ID, on resources that belong to one. */
    plan?: string;
    /** The external IDs of products and plans. */
    identity?: { externalId?: string };
    /** Every other field, kept as it came. */
    [field: string]: unknown;
}

/** The state of a configure job. */
export interface ConfigureJob {
    /** The job's ID. */
    jobId: string;
    /** notStarted, running or completed. */
    jobStatus: string;
    /** pending, succeeded, failed or cancelled. */
    jobResult: string;
    /** The errors of a failed job, as the API reports them. */
    errors?: unknown[];
}

/** An error of an HTTP call, with its status for the retry decision. */
export interface HttpError extends Error {
    /** The HTTP status. */
    statusCode: number;
}

/** The client's calls. */
export interface PartnerCenterClient {
    /** The product whose external ID (offer ID) is exactly this one, or undefined. */
    findProduct(externalId: string): Promise<IngestionResource | undefined>;
    /** The product's resources in one target; undefined when the product has none there yet. */
    resourceTree(productId: string, target: "draft" | "preview" | "live"): Promise<IngestionResource[] | undefined>;
    /** Sends resources to configure and returns the job ID. */
    configure(resources: IngestionResource[]): Promise<string>;
    /** Waits for a configure job, within the bound; a failed job throws with each of its errors verbatim. */
    awaitJob(jobId: string, what: string, timeoutMs: number): Promise<ConfigureJob>;
    /** The product's submissions. */
    submissions(productId: string): Promise<IngestionResource[]>;
}

/** One error of a failed job as text: strings as they are; objects as code, message and resource. */
export function describeJobError(error: unknown): string {
    if (typeof error === "string") {
        return error;
    }
    const e = error as { code?: unknown; message?: unknown; resourceId?: unknown };
    if (e !== null && typeof e === "object" && typeof e.message === "string") {
        const code = typeof e.code === "string" ? `${e.code}: ` : "";
        const resource = typeof e.resourceId === "string" ? ` (resource ${e.resourceId})` : "";
        return `${code}${e.message}${resource}`;
    }
    return JSON.stringify(error);
}

/** The GUID of a durable ID such as product/<guid>. */
export function guidOf(durableId: string): string {
    return durableId.split("/").pop() ?? durableId;
}

/** Makes a client; the credential caches its token. */
export function partnerCenterClient(connection: PartnerCenterConnection, options: PartnerCenterClientOptions = {}): PartnerCenterClient {
    const { ClientSecretCredential } = require("@azure/identity") as typeof import("@azure/identity");
    const credential = new ClientSecretCredential(connection.tenantId, connection.clientId, connection.clientSecret, {
        authorityHost: connection.authorityHost,
        disableInstanceDiscovery: connection.authorityHost !== undefined,
        retryOptions: { maxRetries: 0 },
    });
    const base = (connection.endpoint ?? PARTNER_CENTER_ENDPOINT).replace(/\/+$/, "");
    const clock = options.clock ?? realClock;
    const retryOptions = {
        attempts: options.attempts ?? 6, baseDelayMs: 2000, maxDelayMs: 60000, retryable: isTransientHttpError, clock, random: options.random,
    };

    const once = async (method: "GET" | "POST", path: string, query: Record<string, string>, body?: unknown): Promise<unknown> => {
        // ClientSecretCredential's getToken gives a token or throws: it never answers null.
        const token = await credential.getToken(PARTNER_CENTER_SCOPE);
        const url = new URL(`${base}/${path}`);
        for (const [key, value] of Object.entries(query)) {
            url.searchParams.set(key, value);
        }
        const response = await fetch(url, {
            method,
            headers: { authorization: `Bearer ${token.token}`, accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await response.text();
        if (!response.ok) {
            let message = text;
            try {
                const parsed = JSON.parse(text) as { error?: { message?: string; code?: string } };
                message = parsed.error?.message ? `${parsed.error.code ? `${parsed.error.code}: ` : ""}${parsed.error.message}` : text;
            } catch {
                // not JSON: keep the text
            }
            const error = new Error(`${method} ${url.pathname}: HTTP ${response.status}: ${message}`) as HttpError;
            error.statusCode = response.status;
            throw error;
        }
        return text === "" ? undefined : JSON.parse(text);
    };
    const call = (method: "GET" | "POST", path: string, query: Record<string, string>, body?: unknown) =>
        retry(() => once(method, path, query, body), retryOptions);

    const jobStatus = async (jobId: string): Promise<ConfigureJob> =>
        (await call("GET", `configure/${encodeURIComponent(jobId)}/status`, { $version: API_VERSION })) as ConfigureJob;

    return {
        async findProduct(externalId) {
            const found = (await call("GET", "product", { externalId, $version: API_VERSION })) as { value?: IngestionResource[] };
            // Only an exact match: configuring another product's plan would publish to the wrong offer.
            return (found.value ?? []).find((p) => p.identity?.externalId === externalId);
        },
        async resourceTree(productId, target) {
            try {
                const tree = (await call("GET", `resource-tree/${productId}`, { targetType: target, $version: API_VERSION })) as { resources?: IngestionResource[] };
                return tree.resources ?? [];
            } catch (error) {
                if ((error as HttpError).statusCode === 404 && target !== "draft") {
                    return undefined;
                }
                throw error;
            }
        },
        async configure(resources) {
            const job = (await call("POST", "configure", { $version: API_VERSION }, { $schema: CONFIGURE_SCHEMA, resources })) as ConfigureJob;
            if (!job?.jobId) {
                throw new Error(`Partner Center accepted a configure request without a job ID: ${JSON.stringify(job)}`);
            }
            return job.jobId;
        },
        async awaitJob(jobId, what, timeoutMs) {
            const job = await pollUntil({
                what: `${what} (configure job ${jobId})`,
                check: () => jobStatus(jobId),
                done: (state) => state.jobStatus === "completed",
                initialDelayMs: options.pollInitialDelayMs ?? 5000,
                maxDelayMs: options.pollMaxDelayMs ?? 60000,
                timeoutMs,
                clock,
            });
            if (job.jobResult !== "succeeded") {
                const errors = (job.errors ?? []).map(describeJobError);
                throw new Error(`${what}: configure job ${jobId} ended ${job.jobResult}` +
                    (errors.length > 0 ? `:\n${errors.map((e) => `  - ${e}`).join("\n")}` : " without errors reported"));
            }
            return job;
        },
        async submissions(productId) {
            const found = (await call("GET", `submission/${guidOf(productId)}`, { $version: API_VERSION })) as { value?: IngestionResource[] };
            return found.value ?? [];
        },
    };
}
