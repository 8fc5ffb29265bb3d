/**
 * The dynamic provider behind {@link AzureMarketplaceVersion}: one release as a version of a
 * Partner Center virtual machine plan, made from gallery image versions.
 *
 * - create / update: finds the product whose external ID is exactly the offer ID, reads its draft
 *   resource tree, finds the plan's technical configuration (of a virtual machine or a core virtual
 *   machine offer), and configures it with every existing `vmImageVersions` entry kept, this
 *   release's entry added or replaced (marked `lifecycleState: deprecated` when the release is), and
 *   a `skus` entry added for each of its image types that has none. When the draft already holds
 *   exactly this entry and its SKUs, nothing is configured. The
 *   configure job is polled with backoff up to a bound, and a failed job's errors are reported
 *   verbatim. With `publish`, the draft is then submitted to preview and then to live, skipping
 *   what the preview or live tree already holds.
 * - read: not implemented, so a refresh keeps the state: reading needs the client secret.
 * - delete: leaves Partner Center as it is. Removing a version from a plan needs the client
 *   secret, which the state does not keep, and a new certification; retire a version by
 *   deprecating its release instead.
 *
 * The client secret is an input only: the state this provider returns never holds it.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { MarketplaceImageType, marketplaceImageTypes } from "./names";
import {
    IngestionResource, PartnerCenterClient, PartnerCenterClientOptions, SUBMISSION_SCHEMA, guidOf, partnerCenterClient,
} from "./partner-center-client";

/** The states a plan version can be in, as this resource reports them. */
export type MarketplaceState = "draft" | "preview" | "live" | "deprecated";

/** One image of a plan version: a gallery image version of one architecture and generation. */
export interface MarketplaceVersionImage {
    /** x64Gen1, x64Gen2 or arm64Gen2. */
    imageType: MarketplaceImageType;
    /** The gallery image version's resource ID. */
    resourceId: string;
}

/** The settled inputs of a plan version. */
export interface MarketplaceVersionInputs {
    /** The offer's external ID (the product's). */
    offerId: string;
    /** The plan's external ID. */
    planId: string;
    /** The Microsoft Entra tenant of the Partner Center app, and of the gallery. */
    tenantId: string;
    /** The Partner Center app's client ID. */
    clientId: string;
    /** The app's client secret; never part of the state. */
    clientSecret: string;
    /** The version number, X.Y.Z without a "v". */
    versionNumber: string;
    /** The images of the version, one per image type. */
    images: MarketplaceVersionImage[];
    /** True to mark the version deprecated. */
    deprecated: boolean;
    /** True to submit the draft to preview and then live; false leaves a draft. */
    publish: boolean;
    /**
     * The security types the plan's x64Gen2 SKU must offer, such as ["confidential"] for a
     * confidential VM image; absent for other images, whose SKUs are left as they are.
     */
    securityType?: string[];
    /** The product ingestion API base URL; the public one when unset. */
    endpoint?: string;
    /** The Microsoft Entra authority host; the SDK's default when unset. */
    authorityHost?: string;
    /** How long to wait for a configure job, in minutes; 60 when unset. */
    configureTimeoutMinutes?: number;
    /** How long to wait for each submission (preview, live), in minutes; 480 when unset. */
    submissionTimeoutMinutes?: number;
}

/** The state: the inputs but the secret, and what Partner Center reported. */
export interface MarketplaceVersionOutputs extends Omit<MarketplaceVersionInputs, "clientSecret"> {
    /** The product's GUID. */
    productId: string;
    /** The last configure job this resource ran, or "none" when the plan already held the version. */
    jobId: string;
    /** That job's result, or "unchanged". */
    status: string;
    /** Where the version is: draft, preview, live, or deprecated. */
    state: MarketplaceState;
}

/** One entry of a technical configuration's vmImageVersions. */
export interface VmImageVersion {
    /** X.Y.Z. */
    versionNumber: string;
    /** The images. */
    vmImages: { imageType: string; source: Record<string, unknown> }[];
    /** generallyAvailable (when absent) or deprecated. */
    lifecycleState?: string;
    /** Every other field, kept as it came. */
    [field: string]: unknown;
}

/** How a provider is made; tests pass a simulated clock and short waits. */
export type MarketplaceVersionProviderOptions = PartnerCenterClientOptions;

/** Inputs whose change means a version elsewhere: replace. */
const replacingKeys = ["offerId", "planId", "versionNumber"] as const;
/** Configure jobs one version may take when concurrent writers drop its entry. */
const MAX_CONFIGURE_ROUNDS = 3;
/** The value Pulumi passes for an input not known yet (during preview). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The plan version entry of the inputs. */
export function versionEntry(inputs: MarketplaceVersionInputs): VmImageVersion {
    const entry: VmImageVersion = {
        versionNumber: inputs.versionNumber,
        vmImages: [...inputs.images]
            .sort((a, b) => (a.imageType < b.imageType ? -1 : a.imageType > b.imageType ? 1 : 0))
            .map((image) => ({
                imageType: image.imageType,
                source: { sourceType: "sharedImageGallery", sharedImage: { tenantId: inputs.tenantId, resourceId: image.resourceId } },
            })),
    };
    if (inputs.deprecated) {
        entry.lifecycleState = "deprecated";
    }
    return entry;
}

/** The fields of an entry that matter, normalised: image order, resource ID case and the default lifecycle state do not. */
function comparable(entry: VmImageVersion): string {
    const images = (entry.vmImages ?? []).map((image) => {
        const shared = (image.source?.sharedImage ?? {}) as { tenantId?: string; resourceId?: string };
        return [image.imageType, String(image.source?.sourceType ?? ""), String(shared.tenantId ?? "").toLowerCase(), String(shared.resourceId ?? "").toLowerCase()];
    }).sort((a, b) => (a.join("|") < b.join("|") ? -1 : 1));
    return JSON.stringify([entry.versionNumber, entry.lifecycleState ?? "generallyAvailable", images]);
}

/** Whether a list of entries already holds exactly this entry. */
export function holdsEntry(versions: VmImageVersion[] | undefined, entry: VmImageVersion): boolean {
    const found = (versions ?? []).find((v) => v.versionNumber === entry.versionNumber);
    return found !== undefined && comparable(found) === comparable(entry);
}

/** The entries with this one added, or put in place of the entry of the same version number. */
export function withEntry(versions: VmImageVersion[] | undefined, entry: VmImageVersion): VmImageVersion[] {
    const list = [...(versions ?? [])];
    const index = list.findIndex((v) => v.versionNumber === entry.versionNumber);
    if (index >= 0) {
        list[index] = entry;
    } else {
        list.push(entry);
    }
    return list;
}

/** Whether a resource is of a type, by its schema URL. */
function isType(resource: IngestionResource, type: string): boolean {
    return new RegExp(`/schema/${type}/`).test(resource.$schema ?? "");
}

/**
 * The resource types of a plan's technical configuration: a virtual machine offer's, and a core
 * virtual machine offer's (product ingestion API, "core-virtual-machine-plan-technical-configuration").
 */
export const technicalConfigurationTypes = ["virtual-machine-plan-technical-configuration", "core-virtual-machine-plan-technical-configuration"];

/** The plan's technical configuration in a resource tree, of either kind of offer, or undefined. */
export function technicalConfiguration(resources: IngestionResource[] | undefined, planExternalId: string): IngestionResource | undefined {
    const plan = (resources ?? []).find((r) => isType(r, "plan") && r.identity?.externalId === planExternalId);
    return plan === undefined
        ? undefined
        : (resources ?? []).find((r) => technicalConfigurationTypes.some((type) => isType(r, type)) && r.plan === plan.id);
}

/** One entry of a technical configuration's skus: the plan's SKU that serves an image type. */
export interface PlanSku {
    /** x64Gen1, x64Gen2 or arm64Gen2. */
    imageType: string;
    /** The SKU's ID. */
    skuId: string;
    /** Every other field, kept as it came. */
    [field: string]: unknown;
}

/** The SKU IDs a new image type may take, best first: the plan's own ID stays with x64Gen2 when it can (as cloudpub names them). */
function skuCandidates(planId: string, imageType: string): string[] {
    switch (imageType) {
        case "x64Gen2":
            return [planId, `${planId}-gen2`];
        case "x64Gen1":
            return [`${planId}-gen1`, planId];
        default:
            return [`${planId}-arm64`];
    }
}

/**
 * The plan's skus with an entry added for each image type of the entry that has none: Partner
 * Center refuses a vmImages entry whose image type has no SKU in the plan.
 */
export function withSkus(skus: PlanSku[] | undefined, planId: string, entry: VmImageVersion, securityType?: string[]): PlanSku[] {
    const list = [...(skus ?? [])];
    for (const { imageType } of entry.vmImages) {
        // A SKU's securityType ("trusted", "confidential") applies to Gen2 x64 images only (the product
        // ingestion schema's virtual-machine-plan-technical-configuration SKU, as release-engineering/cloudpub
        // models it: VMISku.security_type, "The security type for Gen2 images").
        const security = imageType === "x64Gen2" ? securityType : undefined;
        const existing = list.find((sku) => sku.imageType === imageType);
        if (existing !== undefined) {
            const offered = Array.isArray(existing.securityType) ? existing.securityType as string[] : [];
            const lacking = (security ?? []).filter((t) => !offered.includes(t));
            if (lacking.length > 0) {
                // A SKU's security type is part of what customers bought; it is changed in Partner Center, not here.
                throw new Error(`plan "${planId}" has the ${imageType} SKU "${existing.skuId}" with security type ${JSON.stringify(offered)}, ` +
                    `which lacks ${lacking.join(", ")} for this image; set it in Partner Center, or list the image in a plan that offers it`);
            }
            continue;
        }
        const skuId = skuCandidates(planId, imageType).find((id) => !list.some((sku) => sku.skuId === id));
        if (skuId === undefined) {
            throw new Error(`plan "${planId}" has no SKU for image type ${imageType}, and the SKU IDs it would take (${skuCandidates(planId, imageType).join(", ")}) ` +
                "are used by other image types; add a SKU for it in Partner Center");
        }
        list.push({ imageType, skuId, ...(security ? { securityType: [...security] } : {}) });
    }
    return list;
}

/** Whether the plan's skus have an entry for every image type of the entry. */
function hasSkus(skus: PlanSku[] | undefined, entry: VmImageVersion): boolean {
    return entry.vmImages.every((image) => (skus ?? []).some((sku) => sku.imageType === image.imageType));
}

/** The inputs as stored: everything known but the secret. */
function settled(inputs: MarketplaceVersionInputs): Omit<MarketplaceVersionInputs, "clientSecret"> {
    const { clientSecret: _secret, ...rest } = inputs;
    const out = { ...rest } as Record<string, unknown>;
    for (const key of Object.keys(out)) {
        if (out[key] === undefined) {
            delete out[key];
        }
    }
    return out as unknown as Omit<MarketplaceVersionInputs, "clientSecret">;
}

/** Runs a configure job and waits for it. */
async function runJob(client: PartnerCenterClient, resources: IngestionResource[], what: string, timeoutMinutes: number): Promise<{ jobId: string; status: string }> {
    const jobId = await client.configure(resources);
    const job = await client.awaitJob(jobId, what, timeoutMinutes * 60000);
    return { jobId, status: job.jobResult };
}

/** Configures the version into the draft and, with `publish`, submits it to preview and live. */
async function publishVersion(inputs: MarketplaceVersionInputs, options: MarketplaceVersionProviderOptions): Promise<MarketplaceVersionOutputs> {
    const client = partnerCenterClient(inputs, options);
    const product = await client.findProduct(inputs.offerId);
    if (product?.id === undefined) {
        throw new Error(`no Partner Center product has exactly the external ID "${inputs.offerId}"; check azure.marketplace.offerId (devOfferId in dev)`);
    }
    const entry = versionEntry(inputs);
    const label = `Partner Center version ${inputs.versionNumber} of ${inputs.offerId}/${inputs.planId}`;
    let last = { jobId: "none", status: "unchanged" };
    // Read, modify, write, then read again: a configure of another release that read the draft
    // before this one was written would drop this entry; then it is written again.
    for (let round = 0; ; round++) {
        const draft = await client.resourceTree(product.id, "draft");
        const config = technicalConfiguration(draft, inputs.planId);
        if (config === undefined) {
            const plans = (draft ?? []).filter((r) => isType(r, "plan")).map((r) => r.identity?.externalId).filter((p) => p !== undefined);
            throw new Error(`offer "${inputs.offerId}" has no virtual machine plan "${inputs.planId}" with a technical configuration; its plans: ${plans.join(", ") || "none"}`);
        }
        const versions = config.vmImageVersions as VmImageVersion[] | undefined;
        const skus = config.skus as PlanSku[] | undefined;
        if (holdsEntry(versions, entry) && hasSkus(skus, entry)) {
            // Refuses a SKU that lacks the security type even when the version is already there.
            withSkus(skus, inputs.planId, entry, inputs.securityType);
            break;
        }
        if (round >= MAX_CONFIGURE_ROUNDS) {
            throw new Error(`configuring ${label}: the draft still lacks the version after ${round} configure jobs that succeeded; ` +
                "another writer keeps replacing the plan's technical configuration (run one release's marketplace version at a time)");
        }
        last = await runJob(client, [{ ...config, skus: withSkus(skus, inputs.planId, entry, inputs.securityType), vmImageVersions: withEntry(versions, entry) }],
            `configuring ${label}`, inputs.configureTimeoutMinutes ?? 60);
    }
    const holds = async (target: "preview" | "live") =>
        holdsEntry(technicalConfiguration(await client.resourceTree(product.id as string, target), inputs.planId)?.vmImageVersions as VmImageVersion[] | undefined, entry);
    let state: MarketplaceState = "draft";
    if (await holds("live")) {
        state = "live";
    } else if (inputs.publish) {
        const submissionMinutes = inputs.submissionTimeoutMinutes ?? 480;
        if (!(await holds("preview"))) {
            await runJob(client, [{ $schema: SUBMISSION_SCHEMA, product: product.id, target: { targetType: "preview" } }],
                `submitting ${label} to preview`, submissionMinutes);
        }
        const preview = (await client.submissions(product.id)).find((s) => (s.target as { targetType?: string } | undefined)?.targetType === "preview");
        if (preview?.id === undefined) {
            throw new Error(`submitting ${label} to live: the product has no preview submission to take live`);
        }
        last = await runJob(client, [{ $schema: SUBMISSION_SCHEMA, id: preview.id, product: product.id, target: { targetType: "live" } }],
            `submitting ${label} to live`, submissionMinutes);
        state = "live";
    } else if (await holds("preview")) {
        state = "preview";
    }
    return { ...settled(inputs), productId: guidOf(product.id), jobId: last.jobId, status: last.status, state: inputs.deprecated ? "deprecated" : state };
}

/** Every problem with the inputs, each naming its input; values not known yet pass, missing ones do not. */
function validate(news: MarketplaceVersionInputs): dynamic.CheckFailure[] {
    const failures: dynamic.CheckFailure[] = [];
    // Pulumi's value for an unknown input is a non-empty string, so the text checks pass it.
    for (const key of ["offerId", "planId", "tenantId", "clientId", "clientSecret"] as const) {
        if (typeof news[key] !== "string" || news[key] === "") {
            failures.push({ property: key, reason: "is required" });
        }
    }
    if (news.versionNumber === undefined) {
        failures.push({ property: "versionNumber", reason: "is required: the plan version, X.Y.Z" });
    } else if (news.versionNumber !== UNKNOWN && !/^[0-9]+\.[0-9]+\.[0-9]+$/.test(String(news.versionNumber))) {
        failures.push({ property: "versionNumber", reason: `"${news.versionNumber}" is not a plan version; allowed: X.Y.Z, digits only, no "v"` });
    }
    for (const key of ["deprecated", "publish"] as const) {
        if (news[key] !== (UNKNOWN as unknown) && typeof news[key] !== "boolean") {
            failures.push({ property: key, reason: "is required: true or false" });
        }
    }
    if (news.securityType !== undefined && (news.securityType as unknown) !== UNKNOWN
        && (!Array.isArray(news.securityType) || news.securityType.length === 0 || news.securityType.some((t) => t !== "trusted" && t !== "confidential"))) {
        failures.push({ property: "securityType", reason: `${JSON.stringify(news.securityType)} is not a list of SKU security types; allowed: "trusted" and/or "confidential"` });
    }
    if (news.images === undefined) {
        failures.push({ property: "images", reason: "is required: at least one image" });
    } else if (news.images !== (UNKNOWN as unknown)) {
        const images = Array.isArray(news.images) ? news.images : [];
        if (images.length === 0) {
            failures.push({ property: "images", reason: "needs at least one image" });
        }
        images.forEach((image, i) => {
            if (image === (UNKNOWN as unknown)) {
                return;
            }
            if (!(marketplaceImageTypes as readonly string[]).includes(image?.imageType)) {
                failures.push({ property: `images[${i}].imageType`, reason: `"${image?.imageType}" is not a Partner Center image type; allowed: ${marketplaceImageTypes.join(", ")}` });
            }
            if (typeof image?.resourceId !== "string" || image.resourceId === "") {
                failures.push({ property: `images[${i}].resourceId`, reason: "is required: the gallery image version's resource ID" });
            }
        });
        const types = images.map((image) => image?.imageType);
        if (new Set(types).size !== types.length) {
            failures.push({ property: "images", reason: "has an image type twice" });
        }
    }
    return failures;
}

/** Makes the provider; the options are captured by closure serialisation, so keep them plain. */
export function marketplaceVersionProvider(options: MarketplaceVersionProviderOptions = {}): dynamic.ResourceProvider {
    return {
        async check(_olds: MarketplaceVersionInputs, news: MarketplaceVersionInputs): Promise<dynamic.CheckResult> {
            return { inputs: news, failures: validate(news) };
        },
        async diff(_id: string, olds: MarketplaceVersionOutputs, news: MarketplaceVersionInputs): Promise<dynamic.DiffResult> {
            const replaces = replacingKeys.filter((key) => olds[key] !== news[key]);
            const wanted = settled(news) as unknown as Record<string, unknown>;
            const had = olds as unknown as Record<string, unknown>;
            // What the provider reports, and the resourceKind input that a version published before it had
            // its type token (azure:MarketplaceVersion) still holds in the state: neither is a change.
            const reported = ["productId", "jobId", "status", "state", "resourceKind"];
            const keys = new Set([...Object.keys(wanted), ...Object.keys(had)].filter((key) => !reported.includes(key)));
            const changed = [...keys].filter((key) => JSON.stringify(wanted[key]) !== JSON.stringify(had[key]));
            return { changes: changed.length > 0, replaces, deleteBeforeReplace: false };
        },
        async create(inputs: MarketplaceVersionInputs): Promise<dynamic.CreateResult> {
            const outs = await publishVersion(inputs, options);
            return { id: `${outs.productId}/${inputs.planId}/${inputs.versionNumber}`, outs };
        },
        async update(_id: string, _olds: MarketplaceVersionOutputs, news: MarketplaceVersionInputs): Promise<dynamic.UpdateResult> {
            return { outs: await publishVersion(news, options) };
        },
        async delete(): Promise<void> {
            // Partner Center keeps the version; see the file's comment.
        },
    };
}
