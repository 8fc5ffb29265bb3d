/**
 * Posts a message to a Mattermost- or Slack-compatible incoming webhook, with bounded retries on
 * throttling, 5xx and dropped connections. The webhook URL is a credential (its path is the token):
 * nothing this module logs or throws contains it.
 */
import { Clock, isTransientHttpError, realClock, retry } from "../components/dynamic/retry";

/** The JSON body of an incoming webhook post. */
export interface WebhookMessage {
    /** The message text. */
    text: string;
    /** The channel to post to instead of the webhook's own (Mattermost; Slack ignores it for app webhooks). */
    channel?: string;
    /** The name to post as, where the server allows overriding it. */
    username?: string;
}

/** Options of {@link postWebhook}. */
export interface PostOptions {
    /** The webhook URL; a credential. */
    url: string;
    /** What to post. */
    message: WebhookMessage;
    /** How many attempts in all. */
    attempts?: number;
    /** The delay before the first retry. */
    baseDelayMs?: number;
    /** The longest wait between two attempts, Retry-After included. */
    maxDelayMs?: number;
    /** How long one attempt may take before it is abandoned. */
    timeoutMs?: number;
    /** The clock the waits use. */
    clock?: Clock;
    /** Where progress lines go; they are redacted before they get here. */
    log?: (line: string) => void;
}

/** The defaults of {@link PostOptions}. */
export const postDefaults = { attempts: 5, baseDelayMs: 1_000, maxDelayMs: 30_000, timeoutMs: 15_000 } as const;

/** A failed attempt: an HTTP status, or a network failure with its code. */
export class WebhookError extends Error {
    constructor(
        message: string,
        /** The HTTP status, when the server answered. */
        public readonly status?: number,
        /** The network error code, when it did not. */
        public readonly code?: string,
        /** What Retry-After asked for, in milliseconds. */
        public readonly retryAfterMs?: number,
    ) {
        super(message);
        this.name = "WebhookError";
    }

    /** True when the request never got an answer. */
    get network(): boolean {
        return this.status === undefined;
    }
}

/** decodeURIComponent, or the text itself when it is not valid percent-encoding. */
function safeDecode(text: string): string {
    try {
        return decodeURIComponent(text);
    } catch {
        return text;
    }
}

/** Returns a function that replaces every form of `secret` (and, for a URL, its path, query and their parts) with [redacted]. */
export function makeRedactor(secret: string): (text: string) => string {
    const fragments = new Set<string>([secret]);
    try {
        const url = new URL(secret);
        fragments.add(url.href);
        fragments.add(`${url.origin}${url.pathname}`);
        fragments.add(`${url.pathname}${url.search}`);
        for (const part of [...url.pathname.split("/"), ...url.search.slice(1).split(/[&=]/), url.username, url.password]) {
            if (part.length >= 6) {
                fragments.add(part);
                fragments.add(safeDecode(part));
            }
        }
    } catch {
        // Not a URL: the secret itself is the only fragment.
    }
    const ordered = [...fragments].filter((f) => f.length >= 6 || f === secret).sort((a, b) => b.length - a.length);
    return (text: string) => ordered.reduce((t, f) => (f.length === 0 ? t : t.split(f).join("[redacted]")), text);
}

/** A Retry-After header in milliseconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
    if (value === null || value.trim() === "") {
        return undefined;
    }
    if (/^\s*\d+\s*$/.test(value)) {
        return Number(value) * 1000;
    }
    const at = Date.parse(value);
    return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** One POST; throws {@link WebhookError} on anything but a 2xx. */
async function postOnce(url: string, message: WebhookMessage, timeoutMs: number, now: number): Promise<void> {
    let response: Response;
    try {
        response = await fetch(url, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(message),
            signal: AbortSignal.timeout(timeoutMs),
        });
    } catch (error) {
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        const name = (error as { name?: string }).name;
        const code = cause?.code ?? (name === "TimeoutError" ? "ETIMEDOUT" : name);
        throw new WebhookError(`webhook request failed: ${cause?.message ?? (error as Error).message}`, undefined, code);
    }
    const body = (await response.text()).slice(0, 200).replace(/\s+/g, " ").trim();
    if (!response.ok) {
        throw new WebhookError(`webhook answered ${response.status}${body ? `: ${body}` : ""}`, response.status, undefined,
            parseRetryAfter(response.headers.get("retry-after"), now));
    }
}

/** Whether an attempt is worth repeating: throttling, a 5xx, or no answer at all. */
export function retryableWebhookError(error: unknown): boolean {
    return error instanceof WebhookError && (error.network || isTransientHttpError(error));
}

/**
 * Posts the message, retrying with bounded exponential backoff; a Retry-After header lengthens the
 * wait up to `maxDelayMs`. Resolves to the number of attempts made. Every message it logs or
 * throws is redacted of the URL.
 */
export async function postWebhook(options: PostOptions): Promise<number> {
    const { attempts, baseDelayMs, maxDelayMs, timeoutMs } = { ...postDefaults, ...options };
    const baseClock = options.clock ?? realClock;
    const redact = makeRedactor(options.url);
    let url: URL;
    try {
        url = new URL(options.url);
    } catch {
        throw new Error("the webhook URL is not a URL");
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
        throw new Error(`the webhook URL must be http(s), not ${url.protocol.replace(/:$/, "")}`);
    }
    // retry() computes the backoff; this clock stretches that wait to what Retry-After asked, within the bound.
    let nextWaitMs: number | undefined;
    const clock: Clock = {
        now: () => baseClock.now(),
        sleep: (ms) => {
            const wait = nextWaitMs ?? ms;
            nextWaitMs = undefined;
            return baseClock.sleep(wait);
        },
    };
    let made = 0;
    try {
        await retry(async (attempt) => {
            made = attempt;
            await postOnce(options.url, options.message, timeoutMs, baseClock.now());
        }, {
            attempts,
            baseDelayMs,
            maxDelayMs,
            retryable: retryableWebhookError,
            clock,
            onRetry: (error, attempt, delayMs) => {
                const asked = error instanceof WebhookError ? error.retryAfterMs : undefined;
                nextWaitMs = Math.min(maxDelayMs, Math.max(delayMs, asked ?? 0));
                options.log?.(redact(`attempt ${attempt} of ${attempts} failed (${(error as Error).message}); retrying in ${nextWaitMs} ms`));
            },
        });
    } catch (error) {
        const text = error instanceof Error ? error.message : String(error);
        // The original error is left out on purpose: its message and cause chain may hold the URL.
        // eslint-disable-next-line preserve-caught-error
        throw new Error(redact(text));
    }
    return made;
}
