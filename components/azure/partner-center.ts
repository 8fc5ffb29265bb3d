/**
 * AzureMarketplaceVersion: one release as a version of the Partner Center virtual machine plan,
 * covering every architecture and generation the release publishes to the gallery. It configures
 * the plan's draft and, when config says `publish`, submits it to preview and live. A dev stack
 * only ever touches the dev (test) offer. See partner-center-provider.ts for the provider.
 */
import * as pulumi from "@pulumi/pulumi";
import { Architecture, AzureTarget, Release, architectures as allArchitectures } from "../config";
import { HyperVGeneration, galleryVersionName, marketplaceImageType } from "./names";
import { MarketplaceState, MarketplaceVersionImage, marketplaceVersionProvider } from "./partner-center-provider";
import { withFormerType } from "../dynamic/named-type";

/** Arguments of {@link AzureMarketplaceVersion}. */
export interface AzureMarketplaceVersionArgs {
    /** The release, resolved from config: version and deprecation. */
    release: Release;
    /** The Azure target block of the stack config; its `marketplace` block names the offer, plan and app. */
    target: AzureTarget;
    /** "dev" or "prod"; dev uses `marketplace.devOfferId`, never the real offer. */
    environment: "dev" | "prod";
    /** Per architecture, the gallery image version IDs per generation: each AzureImage's `versionIds`. */
    versionIds: Partial<Record<Architecture, pulumi.Input<Partial<Record<HyperVGeneration, string>>>>>;
    /** The Partner Center app's client secret (`secrets.partnerCenterClientSecret`); always wrapped as a secret, never in the state. */
    clientSecret: pulumi.Input<string>;
    /** The product ingestion API base URL; the public one when unset. */
    endpoint?: pulumi.Input<string>;
    /** The Microsoft Entra authority host; the SDK's default when unset. */
    authorityHost?: pulumi.Input<string>;
}

/** One provider for every instance, so that Pulumi serialises it once. */
const provider = marketplaceVersionProvider();

/** The Partner Center plan version as a dynamic resource. */
class PartnerCenterPlanVersion extends pulumi.dynamic.Resource {
    /** The product's GUID. */
    declare public readonly productId: pulumi.Output<string>;
    /** The last configure job run, or "none". */
    declare public readonly jobId: pulumi.Output<string>;
    /** That job's result, or "unchanged". */
    declare public readonly status: pulumi.Output<string>;
    /** draft, preview, live or deprecated. */
    declare public readonly state: pulumi.Output<MarketplaceState>;

    constructor(name: string, props: Record<string, unknown>, opts?: pulumi.CustomResourceOptions) {
        super(provider, name, { ...props, productId: undefined, jobId: undefined, status: undefined, state: undefined }, withFormerType(opts), "azure", "MarketplaceVersion");
    }
}

/** The images of a release's plan version: one per architecture and generation, in a stable order. */
export function marketplaceImages(architectures: Architecture[], versionIds: Partial<Record<Architecture, Partial<Record<HyperVGeneration, string>>>>): MarketplaceVersionImage[] {
    const images: MarketplaceVersionImage[] = [];
    for (const arch of allArchitectures.filter((a) => architectures.includes(a))) {
        for (const generation of ["V1", "V2"] as const) {
            const resourceId = versionIds[arch]?.[generation];
            if (resourceId !== undefined) {
                images.push({ imageType: marketplaceImageType(arch, generation), resourceId });
            }
        }
    }
    return images;
}

/** One release in the Partner Center plan. */
export class AzureMarketplaceVersion extends pulumi.ComponentResource {
    /** The offer's external ID that was used (the dev offer in dev). */
    public readonly offerId: string;
    /** The plan's external ID. */
    public readonly planId: string;
    /** The plan version number, X.Y.Z. */
    public readonly versionNumber: string;
    /** The product's GUID. */
    public readonly productId: pulumi.Output<string>;
    /** The last configure job run, or "none" when the plan already held this version. */
    public readonly jobId: pulumi.Output<string>;
    /** That job's result, or "unchanged". */
    public readonly status: pulumi.Output<string>;
    /** draft, preview, live or deprecated. */
    public readonly state: pulumi.Output<MarketplaceState>;

    constructor(name: string, args: AzureMarketplaceVersionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("image-publisher:azure:MarketplaceVersion", name, {}, opts);
        const { release, target, environment } = args;
        const marketplace = target.marketplace;
        const offerId = environment === "prod" ? marketplace.offerId : marketplace.devOfferId;
        const missing = [
            [environment === "prod" ? "offerId" : "devOfferId", offerId], ["planId", marketplace.planId],
            ["tenantId", marketplace.tenantId], ["clientId", marketplace.clientId],
        ].filter(([, value]) => value === undefined).map(([key]) => `azure.marketplace.${key}`);
        if (missing.length > 0) {
            throw new Error(`the Partner Center version of release ${release.version} needs ${missing.join(", ")}`);
        }
        this.offerId = offerId as string;
        this.planId = marketplace.planId as string;
        this.versionNumber = galleryVersionName(release.version);

        const architectures = release.architectures;
        const images = pulumi.all(args.versionIds as Record<string, pulumi.Input<Partial<Record<HyperVGeneration, string>>>>)
            .apply((ids) => marketplaceImages(architectures, ids as Partial<Record<Architecture, Partial<Record<HyperVGeneration, string>>>>));
        const version = new PartnerCenterPlanVersion(`${name}-plan-version`, {
            offerId: this.offerId,
            planId: this.planId,
            tenantId: marketplace.tenantId,
            clientId: marketplace.clientId,
            clientSecret: pulumi.secret(args.clientSecret),
            versionNumber: this.versionNumber,
            images,
            // Partner Center has no scheduled deprecation: it happens on the first run on or after the date.
            deprecated: release.deprecation?.passed === true,
            publish: marketplace.publish,
            ...partnerCenterSecurity(target.image.securityType),
            endpoint: args.endpoint,
            authorityHost: args.authorityHost,
        }, { parent: this, dependsOn: opts?.dependsOn });
        this.productId = version.productId;
        this.jobId = version.jobId;
        this.status = version.status;
        this.state = version.state;
        this.registerOutputs({
            offerId: this.offerId, planId: this.planId, versionNumber: this.versionNumber,
            productId: this.productId, jobId: this.jobId, status: this.status, state: this.state,
        });
    }
}

/**
 * The plan SKU's security types for a confidential image: a confidential VM image needs a SKU that
 * offers "confidential" (and "trusted" too for TrustedLaunchAndConfidentialVmSupported). Other
 * security types send nothing, so that the SKUs of published plans are left as they are.
 */
export function partnerCenterSecurity(securityType: string): { securityType?: string[] } {
    switch (securityType) {
        case "ConfidentialVMSupported":
            return { securityType: ["confidential"] };
        case "TrustedLaunchAndConfidentialVmSupported":
            return { securityType: ["trusted", "confidential"] };
        default:
            return {};
    }
}
