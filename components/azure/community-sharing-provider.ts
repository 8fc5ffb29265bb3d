/**
 * The dynamic provider behind {@link CommunityGallerySharing}: a gallery whose sharing profile says
 * Community is not public until the gallery sharing-profile update `EnableCommunity` has run. No
 * azure-native resource makes that call, so this provider does, with `@azure/arm-compute`.
 *
 * - create / update: sends EnableCommunity (idempotent on Azure's side: an enabled gallery stays
 *   enabled), polls the long-running operation with backoff up to a bound, then reads the gallery
 *   back and reports its public names.
 * - read: reads the gallery back; sharing that was switched off elsewhere reads as gone.
 * - delete: sends Reset, which makes the gallery private again (prod protects this resource).
 *
 * Credentials come from the environment as the Azure SDKs read them (AZURE_TENANT_ID,
 * AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, a managed identity or the Azure CLI), or from the ARM_*
 * variables the azure-native provider reads. Nothing secret is an input or an output. The SDK's own
 * retries are off: every retry and poll goes through retry.ts with the provider's clock, and the
 * SDKs are loaded inside the methods, so the provider survives closure serialisation.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { Clock, isTransientHttpError, pollUntil, realClock, retry } from "../dynamic/retry";

/** The settled inputs of the community sharing of one gallery. */
export interface CommunitySharingInputs {
    /** The subscription that holds the gallery. */
    subscriptionId: string;
    /** The gallery's resource group. */
    resourceGroupName: string;
    /** The gallery's name. */
    galleryName: string;
    /** The Azure Resource Manager endpoint; https://management.azure.com when unset. */
    endpoint?: string;
    /** The Microsoft Entra authority host; the SDK's default when unset (instance discovery is off when set). */
    authorityHost?: string;
    /** How long to wait for the sharing operation, in minutes; 30 when unset. */
    timeoutMinutes?: number;
}

/** The state: the inputs and the gallery's public names. */
export interface CommunitySharingOutputs extends CommunitySharingInputs {
    /** The first public name, the one community image IDs use. */
    publicName: string;
    /** Every public name Azure reports. */
    publicNames: string[];
}

/** How a provider is made; tests pass a simulated clock and short waits. */
export interface CommunitySharingProviderOptions {
    /** The clock of every wait; real time by default. */
    clock?: Clock;
    /** The jitter source of the retries; Math.random by default. */
    random?: () => number;
    /** The first wait between two polls, in milliseconds; 2000 by default. */
    pollInitialDelayMs?: number;
    /** The longest wait between two polls, in milliseconds; 30000 by default. */
    pollMaxDelayMs?: number;
    /** Attempts of one call on throttling and 5xx; 6 by default. */
    attempts?: number;
}

/** The inputs whose change means another gallery: replace. */
const replacingKeys: (keyof CommunitySharingInputs)[] = ["subscriptionId", "resourceGroupName", "galleryName"];

type ComputeSdk = typeof import("@azure/arm-compute");
type ComputeClient = InstanceType<ComputeSdk["ComputeManagementClient"]>;

/** The credential: ARM_* variables when they name a service principal and AZURE_* do not, else DefaultAzureCredential. */
function credentialFor(inputs: CommunitySharingInputs): import("@azure/core-auth").TokenCredential {
    const identity = require("@azure/identity") as typeof import("@azure/identity");
    const options = {
        authorityHost: inputs.authorityHost,
        disableInstanceDiscovery: inputs.authorityHost !== undefined,
        retryOptions: { maxRetries: 0 },
    };
    const env = process.env;
    if (!env.AZURE_CLIENT_ID && env.ARM_CLIENT_ID && env.ARM_CLIENT_SECRET && env.ARM_TENANT_ID) {
        return new identity.ClientSecretCredential(env.ARM_TENANT_ID, env.ARM_CLIENT_ID, env.ARM_CLIENT_SECRET, options);
    }
    return new identity.DefaultAzureCredential(options);
}

/** A compute client aimed at the inputs' endpoint, with the SDK's retries off. */
function computeClient(inputs: CommunitySharingInputs): ComputeClient {
    const sdk = require("@azure/arm-compute") as ComputeSdk;
    return new sdk.ComputeManagementClient(credentialFor(inputs), inputs.subscriptionId, {
        endpoint: inputs.endpoint,
        retryOptions: { maxRetries: 0 },
    });
}

/** An error that says what failed, keeps the HTTP status of its cause, and quotes the cause's message. */
function failure(what: string, cause: unknown): Error & { statusCode?: number } {
    const e = cause as { statusCode?: number; message?: string };
    const error: Error & { statusCode?: number } = new Error(`${what}: ${e?.statusCode !== undefined ? `HTTP ${e.statusCode}: ` : ""}${e?.message ?? String(cause)}`);
    error.statusCode = e?.statusCode;
    return error;
}

/** Runs one sharing-profile update and waits for its long-running operation, within the bound. */
async function runSharingUpdate(
    client: ComputeClient, inputs: CommunitySharingInputs, operationType: "EnableCommunity" | "Reset", options: CommunitySharingProviderOptions,
): Promise<void> {
    const sdk = require("@azure/arm-compute") as ComputeSdk;
    const clock = options.clock ?? realClock;
    const retryOptions = {
        attempts: options.attempts ?? 6, baseDelayMs: 1000, maxDelayMs: 30000, retryable: isTransientHttpError, clock, random: options.random,
    };
    const gallery = `${inputs.resourceGroupName}/${inputs.galleryName}`;
    const start = () => client.gallerySharingProfile.update(inputs.resourceGroupName, inputs.galleryName, { operationType }, { updateIntervalInMs: 0 });
    // The poller is a thenable that would wait for the whole operation: hand it over wrapped.
    let { poller } = await retry(async () => {
        const p = start();
        await p.submitted();
        return { poller: p };
    }, retryOptions).catch((error: unknown) => {
        throw failure(`the gallery sharing-profile update ${operationType} of ${gallery} was refused`, error);
    });
    const pollOnce = async (): Promise<string> => {
        if (poller.isDone) {
            return poller.operationState?.status ?? "succeeded";
        }
        const saved = await poller.serialize();
        try {
            await poller.poll();
        } catch (error) {
            if (isTransientHttpError(error)) {
                // A failed poll marks the poller failed for good; go on from the state before it.
                poller = sdk.restorePoller(client, saved, client.gallerySharingProfile.update, { updateIntervalInMs: 0 });
            }
            throw error;
        }
        return poller.operationState?.status ?? "running";
    };
    await pollUntil({
        what: `the gallery sharing-profile update ${operationType} of ${gallery}`,
        check: () => retry(pollOnce, retryOptions),
        done: (status) => status === "succeeded",
        initialDelayMs: options.pollInitialDelayMs ?? 2000,
        maxDelayMs: options.pollMaxDelayMs ?? 30000,
        timeoutMs: (inputs.timeoutMinutes ?? 30) * 60000,
        clock,
    }).catch((error: unknown) => {
        if ((error as Error)?.name === "PollTimeoutError") {
            throw error;
        }
        throw failure(`the gallery sharing-profile update ${operationType} of ${gallery} failed`, error);
    });
}

/** The gallery's community public names, read back. */
async function readPublicNames(client: ComputeClient, inputs: CommunitySharingInputs, options: CommunitySharingProviderOptions): Promise<string[]> {
    const gallery = await retry(
        () => client.galleries.get(inputs.resourceGroupName, inputs.galleryName, { select: "Permissions" }),
        {
            attempts: options.attempts ?? 6, baseDelayMs: 1000, maxDelayMs: 30000, retryable: isTransientHttpError,
            clock: options.clock ?? realClock, random: options.random,
        },
    );
    return [...(gallery.sharingProfile?.communityGalleryInfo?.publicNames ?? [])];
}

/** Enables community sharing and returns the state. */
async function enable(inputs: CommunitySharingInputs, options: CommunitySharingProviderOptions): Promise<CommunitySharingOutputs> {
    const client = computeClient(inputs);
    await runSharingUpdate(client, inputs, "EnableCommunity", options);
    const publicNames = await readPublicNames(client, inputs, options);
    if (publicNames.length === 0) {
        throw new Error(`community sharing of gallery ${inputs.resourceGroupName}/${inputs.galleryName} is enabled, but Azure reports no public name; ` +
            "check that the gallery's sharing profile has permissions Community and a public name prefix");
    }
    return { ...settled(inputs), publicName: publicNames[0], publicNames };
}

/** The inputs as stored: only the known fields. */
function settled(inputs: CommunitySharingInputs): CommunitySharingInputs {
    const out: CommunitySharingInputs = {
        subscriptionId: inputs.subscriptionId,
        resourceGroupName: inputs.resourceGroupName,
        galleryName: inputs.galleryName,
    };
    if (inputs.endpoint !== undefined) {
        out.endpoint = inputs.endpoint;
    }
    if (inputs.authorityHost !== undefined) {
        out.authorityHost = inputs.authorityHost;
    }
    if (inputs.timeoutMinutes !== undefined) {
        out.timeoutMinutes = inputs.timeoutMinutes;
    }
    return out;
}

/** The provider's ID of a gallery's sharing. */
function sharingId(inputs: CommunitySharingInputs): string {
    return `/subscriptions/${inputs.subscriptionId}/resourceGroups/${inputs.resourceGroupName}/providers/Microsoft.Compute/galleries/${inputs.galleryName}/share`;
}

/** Makes the provider; the options are captured by closure serialisation, so keep them plain. */
export function communitySharingProvider(options: CommunitySharingProviderOptions = {}): dynamic.ResourceProvider {
    return {
        async check(_olds: CommunitySharingInputs, news: CommunitySharingInputs): Promise<dynamic.CheckResult> {
            const failures: dynamic.CheckFailure[] = [];
            for (const key of ["subscriptionId", "resourceGroupName", "galleryName"] as const) {
                if (typeof news[key] !== "string" || news[key] === "") {
                    failures.push({ property: key, reason: "is required" });
                }
            }
            return { inputs: news, failures };
        },
        async diff(_id: string, olds: CommunitySharingOutputs, news: CommunitySharingInputs): Promise<dynamic.DiffResult> {
            // Only these inputs count, so the resourceKind that a sharing enabled before it had its type
            // token (azure:CommunitySharing) still holds in the state changes nothing.
            const replaces = replacingKeys.filter((key) => olds[key] !== news[key]);
            const changed = (["endpoint", "authorityHost", "timeoutMinutes"] as const).filter((key) => olds[key] !== news[key]);
            return { changes: replaces.length + changed.length > 0, replaces, deleteBeforeReplace: false };
        },
        async create(inputs: CommunitySharingInputs): Promise<dynamic.CreateResult> {
            const outs = await enable(inputs, options);
            return { id: sharingId(inputs), outs };
        },
        async update(_id: string, _olds: CommunitySharingOutputs, news: CommunitySharingInputs): Promise<dynamic.UpdateResult> {
            return { outs: await enable(news, options) };
        },
        async read(id: string, props: CommunitySharingOutputs): Promise<dynamic.ReadResult> {
            const publicNames = await readPublicNames(computeClient(props), props, options);
            if (publicNames.length === 0) {
                return {};
            }
            return { id, props: { ...props, publicName: publicNames[0], publicNames } };
        },
        async delete(_id: string, props: CommunitySharingOutputs): Promise<void> {
            try {
                await runSharingUpdate(computeClient(props), props, "Reset", options);
            } catch (error) {
                // A gallery that is gone shares nothing.
                if ((error as { statusCode?: number }).statusCode !== 404) {
                    throw error;
                }
            }
        },
    };
}
