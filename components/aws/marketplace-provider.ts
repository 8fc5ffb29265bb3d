/**
 * The dynamic provider of {@link AwsMarketplaceVersion}: one AMI published as a version of an AWS
 * Marketplace AMI product through a Catalog API change set, and retired by restricting its delivery
 * option.
 *
 * - create: looks for a change set of the same name from an earlier run (so nothing is submitted
 *   twice), or starts one AddDeliveryOptions change set with a token derived from product, version,
 *   architecture and AMI; retries while the product is busy; polls until SUCCEEDED unless
 *   `waitForCompletion` is false.
 * - read: refreshes the change set status and, once SUCCEEDED, the delivery option ID. A change set
 *   that FAILED after an early return shows as such; `pulumi up --replace` then starts a new one
 *   under a new token (the token counts earlier failed change sets of the same name).
 * - diff: productId, amiId, architecture or version replace; deprecated false -> true updates
 *   (RestrictDeliveryOptions); deprecated true -> false is no change, and the state keeps
 *   deprecated: true: a restricted delivery option cannot be made public again (AWS Marketplace Catalog
 *   API, "Restrict an AMI delivery option": a restricted version cannot be reinstated), and an earlier
 *   version of this program restricted versions whose date was still ahead (release 1577.2), which
 *   config now says are not deprecated until the date; refusing would fail every run until then; endpoint and wait settings update the state only; the published
 *   texts (versionTitle, releaseNotes, usage, OS, security groups, instance type, role) are not
 *   sent again, and the state keeps what was published. A status change never replaces.
 * - delete: cancels a change set still PREPARING; waits for one APPLYING (it can no longer be
 *   cancelled) and then restricts the delivery option it published (unless already restricted). With `retainOnDelete`, Pulumi does not call delete and the version stays public.
 *
 * Everything it needs comes through its inputs, the SDK is imported inside the methods, and waits
 * use the clock it was made with, so it survives closure serialisation and tests run it on a
 * simulated clock.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { Clock, realClock } from "../dynamic/retry";
import {
    awaitChangeSet, cancelChangeSet, CatalogSession, describeChangeSet, describeProduct, FINAL_STATUSES, findOrStartChangeSet,
    openCatalog, UNSUCCESSFUL_STATUSES, unlessUnsuccessful,
} from "./marketplace-catalog";
import {
    addDeliveryOptionsChange, changeSetName, changeSetToken, MarketplaceVersionDocumentInputs, restrictDeliveryOptionsChange,
} from "./marketplace-changeset";
import { findDeliveryOption, recommendedInstanceType } from "./marketplace-entity";
import { MARKETPLACE_BUSY_RETRY, MARKETPLACE_POLL_DEFAULTS, MarketplacePollSettings } from "./marketplace-schedule";

/** The settled inputs of a Marketplace version: the published document's, and how and where to publish it. */
export interface MarketplaceVersionInputs extends MarketplaceVersionDocumentInputs {
    /** x86_64 or arm64. */
    architecture: "x86_64" | "arm64";
    /** The release version; part of the change set name and token. */
    version: string;
    /** The recommended instance type; read from the product's newest version when unset. */
    recommendedInstanceType?: string;
    /** True to restrict (retire) this version's delivery option. */
    deprecated?: boolean;
    /** False to return once the change set is accepted; true by default. */
    waitForCompletion?: boolean;
    /** The Catalog API endpoint; the SDK default (and its standard environment variables) when unset. */
    endpoint?: string;
    /** How long to poll a change set before giving up, in minutes; 480 by default. */
    pollTimeoutMinutes?: number;
    /** StartChangeSet attempts while another change set holds the product; 10 by default. */
    resourceInUseAttempts?: number;
}

/** The state of a Marketplace version: its inputs as published, and what the API reported. */
export interface MarketplaceVersionOutputs extends MarketplaceVersionInputs {
    /** The AddDeliveryOptions change set. */
    changeSetId: string;
    /** Its last known status: PREPARING, APPLYING, SUCCEEDED, FAILED or CANCELLED. */
    changeSetStatus: string;
    /** The delivery option of this version, once the change set has SUCCEEDED. */
    deliveryOptionId?: string;
    /** The RestrictDeliveryOptions change set, once the version was deprecated. */
    restrictChangeSetId?: string;
    /** Its last known status. */
    restrictChangeSetStatus?: string;
}

/** How a provider is made; tests pass a simulated clock. */
export interface MarketplaceProviderOptions {
    /** The clock of every wait; real time by default. */
    clock?: Clock;
    /** The jitter source of the retries; Math.random by default. */
    random?: () => number;
    /** The change set poll; {@link MARKETPLACE_POLL_DEFAULTS} by default. */
    poll?: MarketplacePollSettings;
}

/** Inputs whose change makes a new version: a new change set, then the old version restricted. */
export const REPLACING_FIELDS = ["productId", "amiId", "architecture", "version"] as const;
/** Inputs that only steer the provider: a change updates the state and calls nothing. */
export const OPERATIONAL_FIELDS = ["endpoint", "waitForCompletion", "pollTimeoutMinutes", "resourceInUseAttempts"] as const;
/** The value Pulumi passes for an input not known yet (during preview). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A validation failure of one input. */
interface InputFailure {
    /** The input. */
    property: string;
    /** What is wrong and what is allowed. */
    reason: string;
}

/** Every problem with the inputs: a missing or malformed one is refused, an unknown value passes. */
function validate(news: MarketplaceVersionInputs): InputFailure[] {
    const failures: InputFailure[] = [];
    /** Whether the required input `key` is known, so that its rule applies; a missing one is refused here. */
    const given = (key: "amiId" | "architecture" | "accessRoleArn" | "scanningPort" | "securityGroups"): boolean => {
        if (news[key] === undefined) {
            failures.push({ property: key, reason: "is required" });
            return false;
        }
        return news[key] !== UNKNOWN;
    };
    for (const key of ["productId", "version", "versionTitle", "releaseNotes", "osName", "osVersion", "username", "usageInstructions"] as const) {
        if (news[key] !== UNKNOWN && (typeof news[key] !== "string" || news[key].trim() === "")) {
            failures.push({ property: key, reason: "is required and must be a non-empty string" });
        }
    }
    if (given("amiId") && !/^ami-[0-9a-f]{8,17}$/.test(String(news.amiId))) {
        failures.push({ property: "amiId", reason: `"${news.amiId}" is not an AMI ID; allowed: ami- and 8 to 17 hex digits` });
    }
    if (given("architecture") && !["x86_64", "arm64"].includes(news.architecture)) {
        failures.push({ property: "architecture", reason: `"${news.architecture}" is not supported; allowed: x86_64, arm64` });
    }
    if (given("accessRoleArn") && !/^arn:aws[a-z-]*:iam::[0-9]{12}:role\/\S+$/.test(String(news.accessRoleArn))) {
        failures.push({ property: "accessRoleArn", reason: "is not an IAM role ARN; allowed: arn:aws:iam::<12-digit account>:role/<name>" });
    }
    if (given("scanningPort") && !(Number.isInteger(news.scanningPort) && news.scanningPort >= 1 && news.scanningPort <= 65535)) {
        failures.push({ property: "scanningPort", reason: "must be a port number from 1 to 65535" });
    }
    if (given("securityGroups")) {
        if (!Array.isArray(news.securityGroups)) {
            failures.push({ property: "securityGroups", reason: "must be a list of ingress rules" });
        } else {
            news.securityGroups.forEach((group, index) => {
                const ports = [group.fromPort, group.toPort];
                if (!["tcp", "udp"].includes(group.ipProtocol) || ports.some((port) => !Number.isInteger(port) || port < 0 || port > 65535)
                    || group.fromPort > group.toPort || !Array.isArray(group.ipRanges) || group.ipRanges.length === 0) {
                    failures.push({ property: `securityGroups[${index}]`, reason: "needs ipProtocol tcp or udp, 0 <= fromPort <= toPort <= 65535 and at least one IP range" });
                }
            });
        }
    }
    return failures;
}

/**
 * Cancels a change set seen PREPARING. It may have moved on to APPLYING in between, and the API then
 * refuses the cancel; that refusal is fine when a fresh look shows it APPLYING or ended.
 */
async function cancelUnlessApplying(session: CatalogSession, changeSetId: string): Promise<void> {
    try {
        await cancelChangeSet(session, changeSetId);
    } catch (error) {
        const now = await describeChangeSet(session, changeSetId);
        if (now.Status === "PREPARING") {
            throw error;
        }
    }
}

/** Makes the provider; the module-level {@link marketplaceProvider} runs on real time. */
export function createMarketplaceProvider(options: MarketplaceProviderOptions = {}): dynamic.ResourceProvider<MarketplaceVersionInputs, MarketplaceVersionOutputs> {
    const clock = options.clock ?? realClock;
    const random = options.random ?? Math.random;
    const poll = options.poll ?? MARKETPLACE_POLL_DEFAULTS;

    const open = (inputs: MarketplaceVersionInputs): Promise<CatalogSession> => openCatalog({
        endpoint: inputs.endpoint,
        clock,
        random,
        poll: inputs.pollTimeoutMinutes ? { ...poll, timeoutMs: inputs.pollTimeoutMinutes * 60_000 } : poll,
        busyAttempts: inputs.resourceInUseAttempts ?? MARKETPLACE_BUSY_RETRY.attempts,
    });

    /** The delivery option ID of a version whose change set has SUCCEEDED, if the product lists it. */
    const deliveryOptionOf = async (session: CatalogSession, state: MarketplaceVersionOutputs) => {
        const details = await describeProduct(session, state.productId);
        return findDeliveryOption(details, state.versionTitle, state.architecture, state.deliveryOptionId);
    };

    /**
     * Restricts the version's delivery option once its AddDeliveryOptions change set has ended. A
     * version whose change set failed has nothing to restrict. `whenMissing` says whether a product
     * without the delivery option is an error (update) or means it is gone already (delete).
     */
    const retire = async (session: CatalogSession, state: MarketplaceVersionOutputs, whenMissing: "error" | "ignore"): Promise<MarketplaceVersionOutputs> => {
        let added = await describeChangeSet(session, state.changeSetId);
        if (!FINAL_STATUSES.includes(added.Status ?? "")) {
            added = await awaitChangeSet(session, state.changeSetId);
        }
        const settled = { ...state, changeSetStatus: added.Status ?? state.changeSetStatus };
        if (UNSUCCESSFUL_STATUSES.includes(added.Status ?? "")) {
            return settled;
        }
        const option = await deliveryOptionOf(session, settled);
        if (!option) {
            if (whenMissing === "ignore") {
                return settled;
            }
            throw new Error(`Marketplace product ${state.productId} has no ${state.architecture} delivery option in version "${state.versionTitle}" to restrict`);
        }
        if (option.visibility === "Restricted") {
            return { ...settled, deliveryOptionId: option.id };
        }
        const started = await findOrStartChangeSet(session, {
            productId: state.productId,
            name: changeSetName(state.version, state.architecture, state.amiId, "restrict"),
            tokenFor: (attempt) => changeSetToken(state.productId, state.version, state.architecture, state.amiId, "restrict", attempt),
            change: async () => restrictDeliveryOptionsChange(state.productId, [option.id]),
        });
        const restricted = unlessUnsuccessful(state.waitForCompletion === false
            ? await describeChangeSet(session, started.changeSetId)
            : await awaitChangeSet(session, started.changeSetId));
        return { ...settled, deliveryOptionId: option.id, restrictChangeSetId: started.changeSetId, restrictChangeSetStatus: restricted.Status };
    };

    return {
        async check(_olds, news) {
            const failures = validate(news);
            return failures.length > 0 ? { inputs: news, failures } : { inputs: news };
        },

        async diff(_id, olds, news) {
            const replaces = REPLACING_FIELDS.filter((field) => olds[field] !== news[field]);
            // Only false -> true is a change: a restricted version stays restricted (see the header).
            const deprecation = news.deprecated === true && olds.deprecated !== true;
            const operational = OPERATIONAL_FIELDS.some((field) => olds[field] !== news[field]);
            return { changes: replaces.length > 0 || deprecation || operational, replaces, deleteBeforeReplace: false };
        },

        async create(inputs) {
            const session = await open(inputs);
            const started = await findOrStartChangeSet(session, {
                productId: inputs.productId,
                name: changeSetName(inputs.version, inputs.architecture, inputs.amiId, "add"),
                tokenFor: (attempt) => changeSetToken(inputs.productId, inputs.version, inputs.architecture, inputs.amiId, "add", attempt),
                change: async () => addDeliveryOptionsChange(inputs, inputs.recommendedInstanceType
                    ?? recommendedInstanceType(await describeProduct(session, inputs.productId), inputs.architecture)),
            });
            // A version created deprecated is waited for: a failed change set then fails create, as a waited one does.
            const wait = inputs.waitForCompletion !== false || inputs.deprecated === true;
            const description = unlessUnsuccessful(wait
                ? await awaitChangeSet(session, started.changeSetId)
                : await describeChangeSet(session, started.changeSetId));
            let outs: MarketplaceVersionOutputs = { ...inputs, changeSetId: started.changeSetId, changeSetStatus: description.Status ?? "PREPARING" };
            if (description.Status === "SUCCEEDED") {
                const option = await deliveryOptionOf(session, outs);
                outs = option ? { ...outs, deliveryOptionId: option.id } : outs;
            }
            if (inputs.deprecated === true) {
                outs = await retire(session, outs, "error");
            }
            return { id: started.changeSetId, outs };
        },

        async read(id, props) {
            if (!props) {
                throw new Error(`Marketplace version ${id} cannot be read without its state; import is not supported`);
            }
            const session = await open(props);
            const added = await describeChangeSet(session, props.changeSetId ?? id);
            let state: MarketplaceVersionOutputs = { ...props, changeSetStatus: added.Status ?? props.changeSetStatus };
            if (added.Status === "SUCCEEDED") {
                const option = await deliveryOptionOf(session, state);
                state = option ? { ...state, deliveryOptionId: option.id } : state;
            }
            if (props.restrictChangeSetId) {
                const restricted = await describeChangeSet(session, props.restrictChangeSetId);
                state = { ...state, restrictChangeSetStatus: restricted.Status ?? props.restrictChangeSetStatus };
            }
            return { id, props: state };
        },

        async update(_id, olds, news) {
            const state: MarketplaceVersionOutputs = {
                ...olds,
                // A restricted version stays restricted, and its state says so (see the header).
                deprecated: olds.deprecated === true ? true : news.deprecated,
                waitForCompletion: news.waitForCompletion,
                endpoint: news.endpoint,
                pollTimeoutMinutes: news.pollTimeoutMinutes,
                resourceInUseAttempts: news.resourceInUseAttempts,
            };
            if (news.deprecated === true && olds.deprecated !== true) {
                return { outs: await retire(await open(state), state, "error") };
            }
            return { outs: state };
        },

        async delete(_id, props) {
            const session = await open(props);
            // CancelChangeSet "must be sent before the status of the request changes to APPLYING" (Catalog
            // API reference): a change set still PREPARING is cancelled; one APPLYING is waited for, and
            // what it published is then restricted (retire waits for it to end).
            const added = await describeChangeSet(session, props.changeSetId);
            if (added.Status === "PREPARING") {
                await cancelUnlessApplying(session, props.changeSetId);
            }
            await retire(session, props, "ignore");
        },
    };
}

/** The provider every {@link AwsMarketplaceVersion} uses. */
export const marketplaceProvider = createMarketplaceProvider();
