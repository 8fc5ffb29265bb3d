/**
 * The community sharing of a gallery as a Pulumi resource: EnableCommunity, then the public name
 * read back. See community-sharing-provider.ts for what the provider does.
 */
import * as pulumi from "@pulumi/pulumi";
import { communitySharingProvider } from "./community-sharing-provider";
import { withFormerType } from "../dynamic/named-type";

/** One provider for every instance, so that Pulumi serialises it once. */
const provider = communitySharingProvider();

/** Arguments of {@link CommunityGallerySharing}. */
export interface CommunityGallerySharingArgs {
    /** The subscription that holds the gallery. */
    subscriptionId: pulumi.Input<string>;
    /** The gallery's resource group. */
    resourceGroupName: pulumi.Input<string>;
    /** The gallery's name (take it from the gallery resource, so the sharing waits for it). */
    galleryName: pulumi.Input<string>;
    /** The Azure Resource Manager endpoint; https://management.azure.com when unset. */
    endpoint?: pulumi.Input<string>;
    /** The Microsoft Entra authority host; the SDK's default when unset. */
    authorityHost?: pulumi.Input<string>;
    /** How long to wait for the sharing operation, in minutes; 30 when unset. */
    timeoutMinutes?: pulumi.Input<number>;
}

/** A gallery shared with the community: anyone can launch its image versions by their community ID. */
export class CommunityGallerySharing extends pulumi.dynamic.Resource {
    /** The gallery's first public name, as community image IDs use it. */
    declare public readonly publicName: pulumi.Output<string>;
    /** Every public name Azure reports for the gallery. */
    declare public readonly publicNames: pulumi.Output<string[]>;

    constructor(name: string, args: CommunityGallerySharingArgs, opts?: pulumi.CustomResourceOptions) {
        super(provider, name, {
            ...args,
            publicName: undefined,
            publicNames: undefined,
        }, withFormerType(opts), "azure", "CommunitySharing");
    }
}
