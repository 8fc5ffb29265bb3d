import * as pulumi from "@pulumi/pulumi";
import { Release as ReleaseSpec, loadConfig, renderTemplate } from "../components/config";
import { compareVersions } from "../components/outputs";
import { Release, ReleaseCommunity, ReleaseImages, ReleaseMarketplace, StackContext } from "../components/release";
import type { PermissionReader } from "../components/azure/blob-access";

// Each cloud's components, and with them its Pulumi SDK (hundreds of milliseconds to load), are
// loaded only when the cloud is on; the types come from `typeof import`, which loads nothing.
const azureGallery = () => require("../components/azure/gallery") as typeof import("../components/azure/gallery");
const azurePreflights = () => require("../components/azure/preflight") as typeof import("../components/azure/preflight");
const awsPreflights = () => require("../components/aws/preflight") as typeof import("../components/aws/preflight");
const awsPublicAccess = () => require("../components/aws/public-access") as typeof import("../components/aws/public-access");
const aliCloudRegions = () => require("../components/alicloud/regions") as typeof import("../components/alicloud/regions");
const openStackClouds = () => require("../components/openstack/clouds") as typeof import("../components/openstack/clouds");

/** The stack outputs; docs/outputs.md is their contract. */
export interface StackOutputs {
    /** version → cloud → architecture → region → image ID. */
    images: pulumi.Output<Record<string, ReleaseImages>>;
    /** version → cloud → architecture → community image ID, for the releases shared with the community. */
    community: pulumi.Output<Record<string, ReleaseCommunity>>;
    /** version → cloud → architecture → marketplace listing. */
    marketplace: pulumi.Output<Record<string, ReleaseMarketplace>>;
    /** version → deprecation date, for the releases that are deprecated. */
    deprecated: Record<string, string>;
}

/** Options of {@link publish}; the offline plan fixes the clock so that its output is stable. */
export interface PublishOptions {
    /** The time that `deprecated: true` counts from. */
    now?: Date;
    /** Reads the Azure identity's permissions at a scope; Azure Resource Manager by default, fixtures offline. */
    azurePermissions?: PermissionReader;
}

/**
 * The stack program: validate config (nothing is registered if it is bad), check each cloud's
 * account before anything is created, make the per-stack resources, then one Release per release.
 */
export async function publish(options: PublishOptions = {}): Promise<StackOutputs> {
    const { config, releases, warnings } = loadConfig({ now: options.now });
    for (const warning of warnings) {
        await pulumi.log.warn(warning);
    }

    // Every preflight that can refuse runs before the first resource is registered.
    if (config.azure?.enabled) {
        const { azurePreflight } = azurePreflights();
        await azurePreflight(config.azure, config.environment, { readPermissions: options.azurePermissions });
    }
    const context: StackContext = {};
    if (config.aws.enabled) {
        const imageNames = releases.flatMap((r) => r.architectures.map((arch) =>
            renderTemplate(config.naming.image, { product: config.product.name, version: r.version, arch, cloud: "aws" })));
        const { awsPreflight } = awsPreflights();
        const preflight = await awsPreflight(config.aws, config.environment, imageNames);
        context.awsRegions = preflight.regions;
        if (config.environment === "prod" && config.aws.sharing.public && config.aws.sharing.unblockPublicAccess) {
            const { AwsPublicAccess } = awsPublicAccess();
            const access = new AwsPublicAccess("aws-public-access", { regions: preflight.regions });
            context.awsSharingDependsOn = access.settings;
        }
    }

    if (config.azure?.enabled) {
        const architectures = [...new Set(releases.flatMap((r) => r.architectures))].sort();
        const { AzureGallery } = azureGallery();
        context.azure = new AzureGallery("azure", { target: config.azure, product: config.product.name, environment: config.environment, architectures });
    }
    if (config.alicloud.enabled) {
        const { AliCloudRegions } = aliCloudRegions();
        context.alicloud = new AliCloudRegions("alicloud", { target: config.alicloud });
    }
    if (config.openstack.enabled) {
        const { OpenStackClouds } = openStackClouds();
        context.openstack = new OpenStackClouds("openstack", { target: config.openstack, secrets: config.secrets.openstack });
    }

    const images: Record<string, pulumi.Output<ReleaseImages>> = {};
    const marketplace: Record<string, pulumi.Output<ReleaseMarketplace>> = {};
    const community: Record<string, pulumi.Output<ReleaseCommunity>> = {};
    let previous: Release | undefined;
    const deprecated: Record<string, string> = {};
    for (const release of releases) {
        const component = new Release(`release-${release.version}`, {
            release, config, context, successor: successorOf(release, releases), azureMarketplaceAfter: previous?.azureMarketplace,
        });
        images[release.version] = component.images;
        marketplace[release.version] = component.marketplace;
        community[release.version] = component.community;
        previous = component.azureMarketplace ? component : previous;
        if (release.deprecation) {
            deprecated[release.version] = release.deprecation.date;
        }
    }
    return {
        images: pulumi.output(images) as pulumi.Output<Record<string, ReleaseImages>>,
        community: pulumi.output(community).apply(dropEmpty) as pulumi.Output<Record<string, ReleaseCommunity>>,
        marketplace: pulumi.output(marketplace).apply(dropEmpty) as pulumi.Output<Record<string, ReleaseMarketplace>>,
        deprecated,
    };
}

/** The newest release that is not deprecated, when it is newer than this one. */
function successorOf(release: ReleaseSpec, releases: ReleaseSpec[]): ReleaseSpec | undefined {
    const newer = releases.filter((r) => !r.deprecation && compareVersions(r.version, release.version) > 0);
    return newer.sort((a, b) => compareVersions(b.version, a.version))[0];
}

/** Leaves out the releases that have no marketplace listing, so that the output lists only what exists. */
function dropEmpty<T extends object>(byVersion: Record<string, T>): Record<string, T> {
    return Object.fromEntries(Object.entries(byVersion).filter(([, v]) => Object.keys(v).length > 0));
}
