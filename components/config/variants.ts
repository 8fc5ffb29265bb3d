/**
 * Image variants (config key `variants`): which variants each cloud publishes, each variant's image
 * settings merged over the stack's, and which variant a marketplace lists. Without `variants` every
 * function here answers as for one unnamed variant, so that a stack without variants is unchanged.
 */
import { enabledClouds } from "./checks/artifacts";
import { AliCloudTarget, AwsTarget, AzureTarget, Cloud, GcpTarget, StackConfig, VariantEntry } from "./model";

/** The variants a cloud publishes, in config order: `[undefined]` (one image, no variant) when none are configured. */
export function variantsOf(config: Pick<StackConfig, "variants" | Cloud>, cloud: Cloud): (VariantEntry | undefined)[] {
    if (config.variants === undefined) {
        return [undefined];
    }
    return config.variants.filter((v) => variantClouds(config, v).includes(cloud));
}

/** The variants of a cloud that a release ships: those its `variants` names, or all of them. */
export function releaseVariantsOf(config: Pick<StackConfig, "variants" | Cloud>, cloud: Cloud, release: { variants?: string[]; withoutVariants?: boolean }): (VariantEntry | undefined)[] {
    if (release.withoutVariants) {
        return [undefined];
    }
    return variantsOf(config, cloud).filter((v) => v === undefined || release.variants === undefined || release.variants.includes(v.name));
}

/**
 * Whether a cloud also publishes as a stack without variants does: with no variants configured, or
 * for the releases published before the stack had them (`withoutVariants`).
 */
export function publishesUnvaried(config: Pick<StackConfig, "variants">, releases: { withoutVariants?: boolean }[]): boolean {
    return config.variants === undefined || releases.some((r) => r.withoutVariants === true);
}

/** The clouds a variant goes to: those it lists, or every enabled cloud. */
export function variantClouds(config: Parameters<typeof enabledClouds>[0], variant: VariantEntry): Cloud[] {
    return variant.clouds ?? enabledClouds(config);
}

/**
 * The variant a cloud's marketplace lists: the one its `marketplace.variant` names, or the cloud's
 * only variant; undefined when variants are not configured (the one image is listed).
 */
export function marketplaceVariant(config: Pick<StackConfig, "variants" | Cloud>, cloud: "aws" | "azure"): string | undefined {
    const named = cloud === "aws" ? config.aws.marketplace.variant : config.azure?.marketplace.variant;
    if (config.variants === undefined) {
        return undefined;
    }
    return named ?? variantsOf(config, cloud)[0]?.name;
}

/** Whether an image of this variant is the one a cloud's marketplace lists. */
export function isListed(config: Pick<StackConfig, "variants" | Cloud>, cloud: "aws" | "azure", variant: VariantEntry | undefined): boolean {
    return variant === undefined || marketplaceVariant(config, cloud) === variant.name;
}

/** The AWS target with a variant's image settings in place of the stack's. */
export function awsTargetFor(target: AwsTarget, variant: VariantEntry | undefined): AwsTarget {
    return variant?.aws ? { ...target, image: { ...target.image, ...defined(variant.aws) } } : target;
}

/** The Azure target with a variant's image definition settings in place of the stack's. */
export function azureTargetFor(target: AzureTarget, variant: VariantEntry | undefined): AzureTarget {
    return variant?.azure ? { ...target, image: { ...target.image, ...defined(variant.azure) } } : target;
}

/** The GCP target with a variant's image settings in place of the stack's. */
export function gcpTargetFor(target: GcpTarget, variant: VariantEntry | undefined): GcpTarget {
    return variant?.gcp ? { ...target, ...defined(variant.gcp) } : target;
}

/** The AliCloud target with a variant's image settings in place of the stack's. */
export function alicloudTargetFor(target: AliCloudTarget, variant: VariantEntry | undefined): AliCloudTarget {
    return variant?.alicloud ? { ...target, image: { ...target.image, ...defined(variant.alicloud) } } : target;
}

/** The keys of an override that are set: a key left out keeps the stack's value. */
function defined<T extends object>(override: T): Partial<T> {
    return Object.fromEntries(Object.entries(override).filter(([, v]) => v !== undefined)) as Partial<T>;
}
