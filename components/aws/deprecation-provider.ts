/**
 * The dynamic provider behind {@link AwsImageDeprecation}: an AMI's deprecation time, decided when the
 * provider runs rather than when the plan is written, so that the plan carries the date only.
 *
 * - create / update: the date's midnight UTC while it is still ahead; once it is not, the nearest time
 *   EC2 accepts (see {@link deprecationTimeFor}). EnableImageDeprecation is sent only when the AMI does
 *   not already carry that time (or, for a passed date, is not already deprecated): a rerun sends nothing.
 *   After it, DescribeImages is polled until it shows the time sent (see {@link VISIBLE_POLL}), as
 *   terraform-provider-aws does, so that the state and the next read agree with what was set.
 * - diff: a change when the date moves, or when the time the AMI carries (as read by a refresh) does not
 *   do what the date asks, by the same rule as create's "already set" (see {@link deprecationSatisfied}).
 * - read: DescribeImages' DeprecationTime; an AMI without one (or gone) reads as gone, so the next run
 *   sets it again.
 * - delete (the date left config): DisableImageDeprecation, unless the AMI has no deprecation or is gone.
 * - public AMIs (Amazon EC2 User Guide, "Deprecate an AMI"): "by default, the deprecation date of all public
 *   AMIs is set to two years from the AMI creation date", and "to cancel the deprecation or move it to a
 *   later date, you must make the AMI private"; EnableImageDeprecation caps DeprecateAt at 2 years from
 *   creation for a public AMI (EC2 API Reference). So a date later than creation + 2 years is refused
 *   before any call, naming the AMI, region, date and limit; and delete sends no DisableImageDeprecation
 *   for a public AMI, which cannot cancel its deprecation: the AMI keeps the time it carries (the public
 *   default, or the date this provider set) until someone makes it private.
 *
 * Every call is retried on throttling (RequestLimitExceeded), 5xx and timeouts, with bounded backoff.
 * The SDK is imported inside the methods and the clock comes through the options, so the provider
 * survives closure serialisation and tests run it on a simulated clock.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { Clock, PollTimeoutError, RetriesExhaustedError, isTransientHttpError, pollUntil, realClock, retry } from "../dynamic/retry";

/** The settled inputs of an AMI deprecation. */
export interface ImageDeprecationInputs {
    /** The AMI's region. */
    region: string;
    /** The AMI or copy. */
    imageId: string;
    /** The UTC day it is deprecated from, YYYY-MM-DD. */
    date: string;
}

/** The state of an AMI deprecation: its inputs and the time EC2 took. */
export interface ImageDeprecationOutputs extends ImageDeprecationInputs {
    /** The DeprecationTime the AMI carries, as EC2 reports it. */
    deprecationTime: string;
}

/** What DescribeImages says of an AMI, as far as its deprecation goes. */
interface AmiFacts {
    /** Its DeprecationTime, if any. */
    deprecationTime?: string;
    /** Whether it is public. */
    isPublic: boolean;
    /** When it was made, as EC2 reports it. */
    creationDate?: string;
}

/** How a provider is made; tests aim it at a local server and a simulated clock. */
export interface ImageDeprecationProviderOptions {
    /** The EC2 endpoint; the SDK's default for the region when unset. */
    endpoint?: string;
    /** The clock that decides the time and times the retries; real time by default. */
    clock?: Clock;
    /** The jitter source of the retries; Math.random by default. */
    random?: () => number;
    /** How long one request may take before it is abandoned and retried, in ms; 30 s by default. */
    requestTimeoutMs?: number;
}

/** The retry schedule of every EC2 call: 6 attempts, from 1 s doubling to at most 20 s. */
export const EC2_RETRY = { attempts: 6, baseDelayMs: 1_000, maxDelayMs: 20_000 };

/**
 * How long to wait for DescribeImages to show a time just set: EC2 is eventually consistent, and
 * terraform-provider-aws waits up to 2 minutes for it (waitImageDeprecationTimeUpdated,
 * internal/service/ec2/ami.go). Polled from 2 s, doubling to at most 15 s.
 */
export const VISIBLE_POLL = { initialDelayMs: 2_000, maxDelayMs: 15_000, timeoutMs: 120_000 };

/**
 * How far past "now" a time sent for a passed date lies. EnableImageDeprecation: "You can't specify a
 * date in the past", and "If you specify a value for seconds, Amazon EC2 rounds the seconds to the
 * nearest minute" (EC2 API Reference, EnableImageDeprecation, DeprecateAt): so the next whole minute,
 * plus a margin for the request's way to EC2 and for a runner whose clock is behind EC2's. EC2 takes a
 * request signed up to 15 minutes off its own clock (RequestExpired, EC2 API Reference, "Common client
 * error codes"), so a runner a minute or two behind is not refused, and one minute of margin would then
 * send a time EC2 already sees as past. Five minutes covers the skew that still signs; a deprecation
 * that starts five minutes late is no harm.
 */
export const PASSED_DATE_MARGIN_MS = 5 * 60_000;

const MINUTE = 60_000;

/**
 * The latest deprecation time EC2 takes for a public AMI: two years after its creation (EC2 API Reference,
 * EnableImageDeprecation, DeprecateAt). Counted in calendar years of UTC; EC2 does not say how it counts
 * them, so a date within a day of the limit is a guess either way.
 */
export function publicDeprecationLimit(creationMs: number): number {
    const limit = new Date(creationMs);
    limit.setUTCFullYear(limit.getUTCFullYear() + 2);
    return limit.getTime();
}

/** The date's midnight UTC, in ms. */
function midnightOf(date: string): number {
    return Date.parse(`${date}T00:00:00Z`);
}

/** The earliest time EC2 takes at `nowMs`: the next whole minute plus the margin. */
export function earliestAccepted(nowMs: number): number {
    return Math.ceil(nowMs / MINUTE) * MINUTE + PASSED_DATE_MARGIN_MS;
}

/** The time to send: the date's midnight UTC while it is still ahead, else the earliest time EC2 takes. */
export function deprecationTimeFor(date: string, nowMs: number): Date {
    const midnight = midnightOf(date);
    const earliest = earliestAccepted(nowMs);
    return new Date(midnight >= earliest ? midnight : earliest);
}

/**
 * Whether the AMI's current time already does what config asks: the date's midnight while it is ahead;
 * once the date has passed, any time that has come or is about to (the AMI is deprecated already).
 */
export function deprecationSatisfied(current: string | undefined, date: string, nowMs: number): boolean {
    if (!current) {
        return false;
    }
    const at = Date.parse(current);
    const midnight = midnightOf(date);
    const earliest = earliestAccepted(nowMs);
    return midnight >= earliest ? at === midnight : at <= earliest;
}

/** The error's EC2 code, such as InvalidAMIID.NotFound. */
function codeOf(error: unknown): string {
    const e = error as { name?: string; Code?: string };
    return e?.Code ?? e?.name ?? "";
}

/** Throttling, 5xx, a dropped connection, or a request that took too long. */
export function isRetryableEc2Error(error: unknown): boolean {
    return isTransientHttpError(error) || ["TimeoutError", "RequestTimeout", "InternalError", "Unavailable"].includes(codeOf(error));
}

/** The provider. */
export function imageDeprecationProvider(options: ImageDeprecationProviderOptions = {}): dynamic.ResourceProvider<ImageDeprecationInputs, ImageDeprecationOutputs> {
    const clock = options.clock ?? realClock;
    const session = async (region: string) => {
        const sdk = await import("@aws-sdk/client-ec2");
        const client = new sdk.EC2Client({
            region,
            maxAttempts: 1,
            requestHandler: { requestTimeout: options.requestTimeoutMs ?? 30_000, connectionTimeout: options.requestTimeoutMs ?? 30_000, throwOnRequestTimeout: true },
            ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        });
        return { sdk, client };
    };

    const call = async <T>(operation: string, fn: () => Promise<T>): Promise<T> => {
        try {
            return await retry(() => fn(), { ...EC2_RETRY, retryable: isRetryableEc2Error, clock, random: options.random });
        } catch (error) {
            if (error instanceof RetriesExhaustedError) {
                throw new Error(`EC2 ${operation}: ${error.message}`, { cause: error });
            }
            throw error;
        }
    };

    /**
     * What DescribeImages says of the AMI; null when it does not exist. Not named `describe`: closure
     * serialisation leaves a name that is also a global (mocha's describe, in tests) uncaptured.
     */
    const describeAmi = async (region: string, imageId: string): Promise<AmiFacts | null> => {
        const { sdk, client } = await session(region);
        try {
            const out = await call(`DescribeImages ${imageId} in ${region}`, () => client.send(new sdk.DescribeImagesCommand({ ImageIds: [imageId] })));
            const image = out.Images?.find((i) => i.ImageId === imageId);
            return image ? { deprecationTime: image.DeprecationTime, isPublic: image.Public === true, creationDate: image.CreationDate } : null;
        } catch (error) {
            if (codeOf(error) === "InvalidAMIID.NotFound") {
                return null;
            }
            throw error;
        }
    };

    /** The AMI's DeprecationTime: undefined when it has none, null when the AMI does not exist. */
    const currentTime = async (region: string, imageId: string): Promise<string | undefined | null> => {
        const facts = await describeAmi(region, imageId);
        return facts ? facts.deprecationTime : null;
    };

    const apply = async (inputs: ImageDeprecationInputs): Promise<ImageDeprecationOutputs> => {
        const facts = await describeAmi(inputs.region, inputs.imageId);
        if (facts === null) {
            throw new Error(`cannot deprecate AMI ${inputs.imageId} in ${inputs.region}: it does not exist`);
        }
        const current = facts.deprecationTime;
        if (deprecationSatisfied(current, inputs.date, clock.now())) {
            return { ...inputs, deprecationTime: current! };
        }
        const created = Date.parse(facts.creationDate ?? "");
        if (facts.isPublic && !Number.isNaN(created) && deprecationTimeFor(inputs.date, clock.now()).getTime() > publicDeprecationLimit(created)) {
            throw new Error(`cannot deprecate public AMI ${inputs.imageId} in ${inputs.region} from ${inputs.date}: ` +
                `EC2 takes no deprecation time later than 2 years after a public AMI's creation ` +
                `(created ${new Date(created).toISOString()}, so ${new Date(publicDeprecationLimit(created)).toISOString()} at the latest); ` +
                `it deprecates the AMI at that limit by default. Allowed: a date up to the limit, or make the AMI private first`);
        }
        const { sdk, client } = await session(inputs.region);
        // The time is decided per attempt, so that a retry after a wait still sends a time ahead.
        let sent = "";
        await call(`EnableImageDeprecation ${inputs.imageId} in ${inputs.region}`, () => {
            const at = deprecationTimeFor(inputs.date, clock.now());
            sent = at.toISOString();
            return client.send(new sdk.EnableImageDeprecationCommand({ ImageId: inputs.imageId, DeprecateAt: at }));
        });
        const wanted = Date.parse(sent);
        try {
            await pollUntil({
                ...VISIBLE_POLL,
                clock,
                what: `DescribeImages to show the deprecation time ${sent} of AMI ${inputs.imageId} in ${inputs.region}`,
                check: () => currentTime(inputs.region, inputs.imageId),
                done: (shown) => typeof shown === "string" && Date.parse(shown) === wanted,
            });
        } catch (error) {
            if (error instanceof PollTimeoutError) {
                throw new Error(`EC2 EnableImageDeprecation ${inputs.imageId} in ${inputs.region}: ${error.message}`, { cause: error });
            }
            throw error;
        }
        return { ...inputs, deprecationTime: sent };
    };

    return {
        async check(_olds: ImageDeprecationInputs, news: ImageDeprecationInputs): Promise<dynamic.CheckResult<ImageDeprecationInputs>> {
            const failures: dynamic.CheckFailure[] = [];
            if (typeof news.date === "string" && !(/^\d{4}-\d{2}-\d{2}$/.test(news.date) && !Number.isNaN(midnightOf(news.date)))) {
                failures.push({ property: "date", reason: `"${news.date}" is not a date; allowed: YYYY-MM-DD` });
            }
            return { inputs: news, failures };
        },

        async create(inputs: ImageDeprecationInputs): Promise<dynamic.CreateResult<ImageDeprecationOutputs>> {
            return { id: `${inputs.region}/${inputs.imageId}`, outs: await apply(inputs) };
        },

        async diff(_id: string, olds: ImageDeprecationOutputs, news: ImageDeprecationInputs): Promise<dynamic.DiffResult> {
            const replaces = (["region", "imageId"] as const).filter((key) => olds[key] !== news[key]);
            // The time the AMI carries (as last read or set) counts, not only the date: a time changed by
            // hand, a public AMI's default, or one left by an earlier version of this program is drift, and
            // the update sets the wanted time. The rule is the create path's "already set".
            const drifted = !deprecationSatisfied(olds.deprecationTime, news.date, clock.now());
            return { changes: replaces.length > 0 || olds.date !== news.date || drifted, replaces, deleteBeforeReplace: false };
        },

        async update(_id: string, _olds: ImageDeprecationOutputs, news: ImageDeprecationInputs): Promise<dynamic.UpdateResult<ImageDeprecationOutputs>> {
            return { outs: await apply(news) };
        },

        async read(id: string, props?: ImageDeprecationOutputs): Promise<dynamic.ReadResult<ImageDeprecationOutputs>> {
            const match = /^([a-z0-9-]+)\/(ami-[0-9a-f]+)$/.exec(id);
            if (!match) {
                throw new Error(`not an AMI deprecation ID: ${id}; expected <region>/<ami-id>`);
            }
            const [, region, imageId] = match;
            const current = await currentTime(region, imageId);
            if (!current) {
                return {};
            }
            return { id, props: { region, imageId, date: props?.date ?? current.slice(0, 10), deprecationTime: current } };
        },

        async delete(_id: string, props: ImageDeprecationOutputs): Promise<void> {
            const facts = await describeAmi(props.region, props.imageId);
            // A public AMI's deprecation cannot be cancelled (only by making the AMI private, EC2 User Guide,
            // "Deprecate an AMI"): it keeps the time it carries, and nothing is sent.
            if (!facts?.deprecationTime || facts.isPublic) {
                return;
            }
            const { sdk, client } = await session(props.region);
            try {
                await call(`DisableImageDeprecation ${props.imageId} in ${props.region}`, () =>
                    client.send(new sdk.DisableImageDeprecationCommand({ ImageId: props.imageId })));
            } catch (error) {
                if (codeOf(error) !== "InvalidAMIID.NotFound") {
                    throw error;
                }
            }
        },
    };
}
