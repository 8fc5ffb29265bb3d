/**
 * AliCloudCommunityShare: an ECS image made a community image (ModifyImageSharePermission
 * IsPublic=true), which `alicloud.ecs.ImageSharePermission` cannot do: that one shares with one
 * account at a time. It reads the current state with DescribeImageSharePermission first and only
 * changes what differs; deleting it (or isPublic false) makes the image private again.
 */
import * as pulumi from "@pulumi/pulumi";
import { realClock } from "../dynamic/retry";
import { Ecs, EcsConnection, defaultEcsRetry, ecsCall, ecsClient, ecsErrorCode } from "./ecs-client";
import { EcsProviderOptions } from "./provider-options";
import { withFormerType } from "../dynamic/named-type";

/** The state of a community share, as the provider keeps it. */
export interface CommunityShareState extends EcsConnection {
    /** The image shared. */
    imageId: string;
    /** Whether the image is a community image; false keeps it private (a deprecated release). */
    isPublic: boolean;
}

function connectionOf(state: CommunityShareState): EcsConnection {
    return { regionId: state.regionId, endpoint: state.endpoint, protocol: state.protocol };
}

/** The provider of {@link AliCloudCommunityShare}; tests build it with a fake clock and short bounds. */
export function communityShareProvider(options: EcsProviderOptions = {}): pulumi.dynamic.ResourceProvider {
    const clock = options.clock ?? realClock;
    const retryOptions = options.retry ?? defaultEcsRetry;

    /** Whether the image is public now; undefined when it does not exist. */
    const isPublicNow = async (ecs: Ecs, state: CommunityShareState): Promise<boolean | undefined> => {
        const request = new ecs.sdk.DescribeImageSharePermissionRequest({ regionId: state.regionId, imageId: state.imageId, pageSize: 100 });
        try {
            const answer = await ecsCall(() => ecs.client.describeImageSharePermission(request), retryOptions, clock);
            return (answer.body?.shareGroups?.shareGroup ?? []).some((g) => g.group === "all");
        } catch (error) {
            if (ecsErrorCode(error) === "InvalidImageId.NotFound") {
                return undefined;
            }
            throw error;
        }
    };

    /** Makes the image public or private, unless it already is; false when the image does not exist. */
    const ensure = async (state: CommunityShareState): Promise<boolean> => {
        const ecs = ecsClient(connectionOf(state));
        const current = await isPublicNow(ecs, state);
        if (current === undefined) {
            return false;
        }
        if (current !== state.isPublic) {
            const request = new ecs.sdk.ModifyImageSharePermissionRequest({ regionId: state.regionId, imageId: state.imageId, isPublic: state.isPublic });
            await ecsCall(() => ecs.client.modifyImageSharePermission(request), retryOptions, clock);
        }
        return true;
    };

    return {
        async create(inputs: CommunityShareState): Promise<pulumi.dynamic.CreateResult> {
            if (!await ensure(inputs)) {
                throw new Error(`cannot share image ${inputs.imageId} in ${inputs.regionId}: the image does not exist`);
            }
            return { id: `${inputs.regionId}/${inputs.imageId}`, outs: { ...inputs } };
        },

        async read(id: string, props: CommunityShareState): Promise<pulumi.dynamic.ReadResult> {
            const current = await isPublicNow(ecsClient(connectionOf(props)), props);
            return current === undefined ? {} : { id, props: { ...props, isPublic: current } };
        },

        async diff(_id: string, olds: CommunityShareState, news: CommunityShareState): Promise<pulumi.dynamic.DiffResult> {
            // Only these inputs count, so the resourceKind input that a share created before its type
            // token (alicloud:CommunityShare) still holds in the state changes nothing.
            const replaces = (["regionId", "imageId"] as const).filter((k) => olds[k] !== news[k]);
            return { changes: replaces.length > 0 || olds.isPublic !== news.isPublic, replaces, deleteBeforeReplace: true };
        },

        async update(_id: string, _olds: CommunityShareState, news: CommunityShareState): Promise<pulumi.dynamic.UpdateResult> {
            if (!await ensure(news)) {
                throw new Error(`cannot change the sharing of image ${news.imageId} in ${news.regionId}: the image does not exist`);
            }
            return { outs: { ...news } };
        },

        async delete(_id: string, props: CommunityShareState): Promise<void> {
            // An image that is gone is no longer shared either.
            await ensure({ ...props, isPublic: false });
        },
    };
}

/** Arguments of {@link AliCloudCommunityShare}. */
export interface AliCloudCommunityShareArgs {
    /** The region of the image. */
    regionId: pulumi.Input<string>;
    /** The image to share with everyone. */
    imageId: pulumi.Input<string>;
    /** True to make it a community image; false to make it private again (a deprecated release). */
    isPublic: pulumi.Input<boolean>;
    /** The ECS endpoint as host[:port]; the region's public endpoint when unset. */
    endpoint?: pulumi.Input<string>;
    /** "https" (the default) or "http". */
    protocol?: pulumi.Input<string>;
}

const defaultProvider = communityShareProvider();

/** An ECS image shared with every account as a community image, or turned private again. */
export class AliCloudCommunityShare extends pulumi.dynamic.Resource {
    /** Whether the image is a community image. */
    declare public readonly isPublic: pulumi.Output<boolean>;

    constructor(name: string, args: AliCloudCommunityShareArgs, opts?: pulumi.CustomResourceOptions, provider: pulumi.dynamic.ResourceProvider = defaultProvider) {
        super(provider, name, { ...args }, withFormerType(opts), "alicloud", "CommunityShare");
    }
}
