/**
 * The ECS client of the AliCloud dynamic providers: the official SDK (@alicloud/ecs20140526), aimed at
 * a region's endpoint or at the endpoint an input names, with credentials from the usual environment
 * variables, and every call wrapped in the shared bounded retry. The SDK is loaded inside the
 * functions, so that a serialised provider loads it where it runs.
 */
import type * as EcsSdk from "@alicloud/ecs20140526";
import { Clock, isTransientHttpError, retry } from "../dynamic/retry";

/** Where the ECS API is reached. */
export interface EcsConnection {
    /** The region the calls act in, such as eu-central-1. */
    regionId: string;
    /** The ECS endpoint as host[:port]; the region's public endpoint when unset. */
    endpoint?: string;
    /** "https" (the default) or "http", for a local endpoint. */
    protocol?: string;
}

/** How many times and how patiently a failed call is tried again. */
export interface EcsRetryOptions {
    /** How many attempts in all, the first included. */
    attempts: number;
    /** The delay before the first retry. */
    baseDelayMs: number;
    /** The longest delay between two attempts. */
    maxDelayMs: number;
}

/** The retry bounds used unless a provider is told otherwise: six attempts, about a minute in all. */
export const defaultEcsRetry: EcsRetryOptions = { attempts: 6, baseDelayMs: 2000, maxDelayMs: 30000 };

/** The SDK module and a client of it. */
export interface Ecs {
    /** The SDK module, for its request classes. */
    sdk: typeof EcsSdk;
    /** A client for one region. */
    client: EcsSdk.default;
}

/** The credentials from the environment: the SDK's own variables, or the ones the Pulumi provider reads. */
export function ecsCredentials(env: NodeJS.ProcessEnv = process.env): { accessKeyId: string; accessKeySecret: string; securityToken?: string } {
    const accessKeyId = env.ALIBABA_CLOUD_ACCESS_KEY_ID ?? env.ALICLOUD_ACCESS_KEY;
    const accessKeySecret = env.ALIBABA_CLOUD_ACCESS_KEY_SECRET ?? env.ALICLOUD_SECRET_KEY;
    const securityToken = env.ALIBABA_CLOUD_SECURITY_TOKEN ?? env.ALICLOUD_SECURITY_TOKEN;
    if (!accessKeyId || !accessKeySecret) {
        throw new Error("no AliCloud credentials: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (or ALICLOUD_ACCESS_KEY and ALICLOUD_SECRET_KEY)");
    }
    return securityToken ? { accessKeyId, accessKeySecret, securityToken } : { accessKeyId, accessKeySecret };
}

/** An ECS client for the connection's region. */
export function ecsClient(connection: EcsConnection): Ecs {
    const sdk = require("@alicloud/ecs20140526") as typeof EcsSdk;
    const { Config } = require("@alicloud/openapi-client") as typeof import("@alicloud/openapi-client");
    const config = new Config({
        ...ecsCredentials(),
        regionId: connection.regionId,
        endpoint: connection.endpoint,
        protocol: connection.protocol,
    });
    return { sdk, client: new sdk.default(config as ConstructorParameters<typeof sdk.default>[0]) };
}

/** The ECS error code of an SDK error, such as "Throttling.User" or "InvalidImageId.NotFound". */
export function ecsErrorCode(error: unknown): string {
    const code = (error as { code?: unknown } | undefined)?.code;
    return typeof code === "string" ? code : "";
}

/** Whether an ECS call is worth another attempt: throttling, a 5xx, a dropped connection or a token still in progress. */
export function isRetryableEcsError(error: unknown): boolean {
    const code = ecsErrorCode(error);
    return isTransientHttpError(error) || code.startsWith("Throttling") || code === "LastTokenProcessing";
}

/** Runs one ECS call with the bounded retry. */
export function ecsCall<T>(call: () => Promise<T>, options: EcsRetryOptions, clock?: Clock): Promise<T> {
    return retry(() => call(), { ...options, retryable: isRetryableEcsError, clock });
}
