import * as pulumi from "@pulumi/pulumi";
import { loadConfig } from "../components/config";
import { Release, ReleaseCommunity, ReleaseImages, ReleaseMarketplace } from "../components/release";
import { enabledPublishers } from "../components/publishers";
import type { PermissionReader } from "../components/azure/blob-access";

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
    /** The clock that decides whether a deprecation date has passed: `--now` in the offline plan, the real clock in a run. */
    now?: Date;
    /** Reads the Azure identity's permissions at a scope; Azure Resource Manager by default, fixtures offline. */
    azurePermissions?: PermissionReader;
}

/**
 * The stack program: validate config (nothing is registered if it is bad), check each enabled
 * cloud's account before anything is created, set up each cloud's stack-wide resources, then one
 * Release per release.
 */
export async function publish(options: PublishOptions = {}): Promise<StackOutputs> {
    const { config, releases, warnings } = loadConfig({ now: options.now });
    for (const warning of warnings) {
        await pulumi.log.warn(warning);
    }

    const publishers = enabledPublishers(config, releases, { azurePermissions: options.azurePermissions });
    // Every preflight that can refuse runs before the first resource is registered.
    for (const publisher of publishers) {
        await publisher.preflight();
    }
    for (const publisher of publishers) {
        publisher.setUp();
    }

    const images: Record<string, pulumi.Output<ReleaseImages>> = {};
    const marketplace: Record<string, pulumi.Output<ReleaseMarketplace>> = {};
    const community: Record<string, pulumi.Output<ReleaseCommunity>> = {};
    const deprecated: Record<string, string> = {};
    for (const release of releases) {
        const component = new Release(`release-${release.version}`, { release, config, publishers });
        images[release.version] = component.images;
        marketplace[release.version] = component.marketplace;
        community[release.version] = component.community;
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

/** Leaves out the releases that have no marketplace listing, so that the output lists only what exists. */
function dropEmpty<T extends object>(byVersion: Record<string, T>): Record<string, T> {
    return Object.fromEntries(Object.entries(byVersion).filter(([, v]) => Object.keys(v).length > 0));
}
