import * as pulumi from "@pulumi/pulumi";
import { Architecture, AzureTarget, Release, StackConfig, VariantEntry, azureTargetFor, isListed, publishesUnvaried, variantsOf } from "../config";
import { CloudPublisher, ImageRequest, PerArch, PublishedImage } from "../publisher";
import type { PermissionReader } from "./blob-access";
import { AzureGallery } from "./gallery";
import { AzureImage } from "./image";
import { AzureMarketplaceVersion } from "./partner-center";
import { azurePreflight } from "./preflight";

/** An Azure image, with the gallery versions a Partner Center plan version points at. */
export interface AzurePublishedImage extends PublishedImage {
    /** The gallery image version IDs, per Hyper-V generation. */
    versionIds: pulumi.Output<Record<string, string>>;
}

/**
 * Azure: the preflight checks the identity's permissions, one community gallery holds every
 * release's definitions, each image is an {@link AzureImage}, and a release's architectures go to
 * its Partner Center plan together, one release after the other (one plan takes one update at a time).
 */
export class AzurePublisher implements CloudPublisher<AzurePublishedImage> {
    public readonly cloud = "azure";
    /** The gallery with its image definitions; made by setUp. */
    private gallery?: AzureGallery;
    /** The previous release's Partner Center update, which the next one waits for. */
    private previousPlan?: AzureMarketplaceVersion;

    constructor(
        private readonly config: StackConfig,
        private readonly target: AzureTarget,
        private readonly releases: Release[],
        private readonly readPermissions?: PermissionReader,
    ) {}

    async preflight(): Promise<void> {
        await azurePreflight(this.target, this.config.environment, { readPermissions: this.readPermissions });
    }

    setUp(): void {
        const { config } = this;
        const architectures = [...new Set(this.releases.flatMap((r) => r.architectures))].sort();
        const variants = config.variants === undefined ? undefined
            : variantsOf(config, "azure").flatMap((v) => (v ? [{ name: v.name, target: azureTargetFor(this.target, v) }] : []));
        this.gallery = new AzureGallery("azure", {
            target: this.target, product: config.product.name, environment: config.environment, architectures,
            ...(variants ? { variants, unvaried: publishesUnvaried(config, this.releases) } : {}),
        });
    }

    image(name: string, request: ImageRequest, parent: pulumi.Resource): AzurePublishedImage {
        const { config } = this;
        if (!this.gallery) {
            throw new Error("AzurePublisher.image before setUp");
        }
        const image = new AzureImage(name, {
            ...request, product: config.product.name, environment: config.environment, target: azureTargetFor(this.target, request.variant), gallery: this.gallery,
        }, { parent });
        return {
            imageIds: image.imageIds,
            versionIds: image.versionIds as pulumi.Output<Record<string, string>>,
            ...(image.communityImageId ? { communityId: image.communityImageId } : {}),
        };
    }

    finishRelease(name: string, release: Release, images: PerArch<AzurePublishedImage>, parent: pulumi.Resource, variant?: VariantEntry): PerArch<pulumi.Output<unknown>> | undefined {
        const { config } = this;
        const mp = this.target.marketplace;
        // With variants, only the variant azure.marketplace.variant names goes to the plan.
        if (!mp.enabled || !config.secrets.partnerCenterClientSecret || !isListed(config, "azure", variant)) {
            return undefined;
        }
        const versionIds = Object.fromEntries(Object.entries(images).map(([arch, image]) => [arch, image.versionIds]));
        const plan = new AzureMarketplaceVersion(`${name}-marketplace`, {
            release, target: azureTargetFor(this.target, variant), environment: config.environment, versionIds,
            clientSecret: pulumi.secret(config.secrets.partnerCenterClientSecret),
        }, { parent, dependsOn: this.previousPlan ? [this.previousPlan] : [] });
        this.previousPlan = plan;
        const listing = pulumi.all([plan.jobId, plan.status, plan.state]).apply(([jobId, status, state]) =>
            ({ offerId: plan.offerId, planId: plan.planId, jobId, status, state }));
        return Object.fromEntries(release.architectures.map((arch: Architecture) => [arch, listing]));
    }
}
