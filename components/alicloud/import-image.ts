/**
 * AliCloudImportImage: an image imported from OSS with the ECS ImportImage API, for what
 * `alicloud.ecs.ImageImport` refuses (it accepts only x86_64 and i386, so arm64 comes through here).
 * It finds an existing image of the same name before it imports, so that a repeated run imports
 * nothing twice, and waits with DescribeImages until the image is Available.
 */
import * as pulumi from "@pulumi/pulumi";
import { pollUntil, realClock } from "../dynamic/retry";
import { Ecs, EcsConnection, defaultEcsRetry, ecsCall, ecsClient, ecsErrorCode } from "./ecs-client";
import { EcsProviderOptions, defaultImportPoll } from "./provider-options";
import { withFormerType } from "../dynamic/named-type";

/** DescribeImages lists only Available images unless it is given every status. */
export const allImageStatuses = "Creating,Waiting,Available,CreateFailed,UnAvailable";

/** The state of an imported image, as the provider keeps it. */
export interface ImportImageState extends EcsConnection {
    /** The image name. */
    imageName: string;
    /** The OSS bucket that holds the disk image, in the import region. */
    ossBucket: string;
    /** The object key of the disk image. */
    ossObject: string;
    /** The disk image format: qcow2, RAW or VHD. */
    format: string;
    /** The size of the system disk the image makes, in GiB. */
    diskImageSize: number;
    /** The architecture: arm64 or x86_64. */
    architecture: string;
    /** linux or windows. */
    osType: string;
    /** The platform, such as "Others Linux". */
    platform: string;
    /** BIOS or UEFI; arm64 only UEFI. */
    bootMode: string;
    /** The image description. */
    description?: string;
    /** The image ID, once imported. */
    imageId?: string;
    /** The image status last seen. */
    status?: string;
}

/**
 * The inputs whose change makes a new image. Nothing else is compared, so the resourceKind input that
 * an image imported before it had its type token (alicloud:ImportImage) still holds changes nothing.
 */
const replaceKeys: (keyof ImportImageState)[] = [
    "regionId", "imageName", "ossBucket", "ossObject", "format", "diskImageSize", "architecture", "osType", "platform", "bootMode", "description",
];

/** The statuses an import ends in. */
const finalStatuses = ["Available", "CreateFailed", "UnAvailable"];

/** The essentials of one image in a DescribeImages answer. */
interface ImageSummary {
    /** The image ID. */
    imageId: string;
    /** The image name. */
    imageName: string;
    /** Its status. */
    status: string;
    /** The import progress, such as "45%". */
    progress?: string;
    /** What the image was made with, as DescribeImages reports it. */
    settings: Partial<Record<"architecture" | "osType" | "platform" | "bootMode" | "description", string>>;
}

interface DescribedImage {
    imageId?: string; imageName?: string; status?: string; progress?: string;
    architecture?: string; OSType?: string; platform?: string; bootMode?: string; description?: string;
}

function summary(image: DescribedImage): ImageSummary {
    return {
        imageId: image.imageId ?? "",
        imageName: image.imageName ?? "",
        status: image.status ?? "",
        progress: image.progress,
        settings: {
            architecture: image.architecture, osType: image.OSType, platform: image.platform, bootMode: image.bootMode,
            description: image.description,
        },
    };
}

/**
 * The settings in which an existing image of the name differs from the inputs; empty when it is the
 * image these inputs would import. An image of the same name made with other settings is the one a
 * replacement is about to delete (or someone else's), so it is never adopted.
 */
function differences(image: ImageSummary, state: ImportImageState): string[] {
    // The disk size is left out: ECS may report an image's size otherwise than the DiskImageSize it was imported with.
    const wanted: ImageSummary["settings"] = {
        architecture: state.architecture, osType: state.osType, platform: state.platform, bootMode: state.bootMode,
        description: state.description ?? "",
    };
    return (Object.keys(wanted) as (keyof ImageSummary["settings"])[])
        .filter((k) => image.settings[k] !== undefined && String(image.settings[k]) !== String(wanted[k]))
        .map((k) => `${k} ${JSON.stringify(image.settings[k])} instead of ${JSON.stringify(wanted[k])}`);
}

function connectionOf(state: ImportImageState): EcsConnection {
    return { regionId: state.regionId, endpoint: state.endpoint, protocol: state.protocol };
}

/** The provider of {@link AliCloudImportImage}; tests build it with a fake clock and short bounds. */
export function importImageProvider(options: EcsProviderOptions = {}): pulumi.dynamic.ResourceProvider {
    const clock = options.clock ?? realClock;
    const retryOptions = options.retry ?? defaultEcsRetry;
    const poll = options.poll ?? defaultImportPoll;

    const describeById = async (ecs: Ecs, regionId: string, imageId: string): Promise<ImageSummary | undefined> => {
        const request = new ecs.sdk.DescribeImagesRequest({ regionId, imageId, status: allImageStatuses });
        const answer = await ecsCall(() => ecs.client.describeImages(request), retryOptions, clock);
        const image = answer.body?.images?.image?.find((i) => i.imageId === imageId);
        return image ? summary(image) : undefined;
    };

    const findByName = async (ecs: Ecs, regionId: string, imageName: string): Promise<ImageSummary | undefined> => {
        const pageSize = 100;
        for (let pageNumber = 1; pageNumber <= 50; pageNumber++) {
            const request = new ecs.sdk.DescribeImagesRequest({
                regionId, imageName, imageOwnerAlias: "self", status: allImageStatuses, pageNumber, pageSize,
            });
            const answer = await ecsCall(() => ecs.client.describeImages(request), retryOptions, clock);
            const images = (answer.body?.images?.image ?? []).map(summary);
            // The name filter also matches longer names; only the exact name counts, and a failed import is not reused.
            const found = images.find((i) => i.imageName === imageName && i.status !== "CreateFailed" && i.status !== "UnAvailable");
            if (found || images.length < pageSize || pageNumber * pageSize >= (answer.body?.totalCount ?? 0)) {
                return found;
            }
        }
        return undefined;
    };

    const importImage = async (ecs: Ecs, state: ImportImageState): Promise<string> => {
        const { randomUUID } = require("crypto") as typeof import("crypto");
        const request = new ecs.sdk.ImportImageRequest({
            regionId: state.regionId,
            imageName: state.imageName,
            architecture: state.architecture,
            OSType: state.osType,
            platform: state.platform,
            bootMode: state.bootMode,
            description: state.description,
            // One token for every attempt of this call, so that a retried request imports once.
            clientToken: randomUUID(),
            diskDeviceMapping: [new ecs.sdk.ImportImageRequestDiskDeviceMapping({
                OSSBucket: state.ossBucket,
                OSSObject: state.ossObject,
                format: state.format,
                diskImageSize: state.diskImageSize,
            })],
        });
        const answer = await ecsCall(() => ecs.client.importImage(request), retryOptions, clock);
        const imageId = answer.body?.imageId;
        if (!imageId) {
            throw new Error(`ImportImage of ${state.imageName} in ${state.regionId} answered without an image ID (request ${answer.body?.requestId ?? "unknown"})`);
        }
        return imageId;
    };

    const waitAvailable = async (ecs: Ecs, state: ImportImageState, imageId: string): Promise<ImageSummary> => {
        // Only a listed image in a final status ends the poll: one that DescribeImages does not list yet is not ready yet.
        const image = await pollUntil<ImageSummary | undefined>({
            check: () => describeById(ecs, state.regionId, imageId),
            done: (i) => i !== undefined && finalStatuses.includes(i.status),
            what: `image ${imageId} (${state.imageName}) in ${state.regionId} to become Available`,
            ...poll,
            clock,
        });
        if (image?.status !== "Available") {
            throw new Error(`import of ${state.imageName} into ${state.regionId} failed: image ${imageId} is ${image?.status}`);
        }
        return image;
    };

    return {
        async create(inputs: ImportImageState): Promise<pulumi.dynamic.CreateResult> {
            const ecs = ecsClient(connectionOf(inputs));
            const existing = await findByName(ecs, inputs.regionId, inputs.imageName);
            if (existing) {
                const differ = differences(existing, inputs);
                if (differ.length > 0) {
                    throw new Error(`image ${existing.imageId} in ${inputs.regionId} is already named ${inputs.imageName} but has ${differ.join(", ")}; `
                        + "it is left alone, and ECS takes each image name once in a region: delete or rename it, or give this image another name");
                }
            }
            const imageId = existing?.imageId ?? await importImage(ecs, inputs);
            const image = await waitAvailable(ecs, inputs, imageId);
            return { id: imageId, outs: { ...inputs, imageId, status: image.status } };
        },

        async read(id: string, props: ImportImageState): Promise<pulumi.dynamic.ReadResult> {
            const image = await describeById(ecsClient(connectionOf(props)), props.regionId, id);
            return image ? { id, props: { ...props, imageId: id, status: image.status } } : {};
        },

        async diff(_id: string, olds: ImportImageState, news: ImportImageState): Promise<pulumi.dynamic.DiffResult> {
            const replaces = replaceKeys.filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
            // ECS takes an image name once in a region, so a replacement that keeps the name can only
            // import after the old image is gone: delete first. (Creating first would either clash on the
            // name or, as before, adopt the old image and then delete it.) In prod the image is protected,
            // so the engine refuses this replacement instead of deleting a published image.
            const sameName = olds.regionId === news.regionId && olds.imageName === news.imageName;
            return { changes: replaces.length > 0, replaces, deleteBeforeReplace: replaces.length > 0 && sameName };
        },

        async delete(id: string, props: ImportImageState): Promise<void> {
            const ecs = ecsClient(connectionOf(props));
            const request = new ecs.sdk.DeleteImageRequest({ regionId: props.regionId, imageId: id });
            try {
                await ecsCall(() => ecs.client.deleteImage(request), retryOptions, clock);
            } catch (error) {
                if (ecsErrorCode(error) !== "InvalidImageId.NotFound") {
                    throw error;
                }
            }
        },
    };
}

/** Arguments of {@link AliCloudImportImage}. */
export interface AliCloudImportImageArgs {
    /** The region the image is imported into: the OSS bucket's region. */
    regionId: pulumi.Input<string>;
    /** The image name; an existing image of this name in the region is adopted instead of imported again. */
    imageName: pulumi.Input<string>;
    /** The OSS bucket that holds the disk image. */
    ossBucket: pulumi.Input<string>;
    /** The object key of the disk image. */
    ossObject: pulumi.Input<string>;
    /** The disk image format: qcow2, RAW or VHD. */
    format: pulumi.Input<string>;
    /** The size of the system disk the image makes, in GiB. */
    diskImageSize: pulumi.Input<number>;
    /** The architecture, arm64 here (x86_64 also works). */
    architecture: pulumi.Input<string>;
    /** linux or windows. */
    osType: pulumi.Input<string>;
    /** The platform, such as "Others Linux". */
    platform: pulumi.Input<string>;
    /** BIOS or UEFI; arm64 only UEFI. */
    bootMode: pulumi.Input<string>;
    /** The image description. */
    description?: pulumi.Input<string>;
    /** The ECS endpoint as host[:port]; the region's public endpoint when unset. */
    endpoint?: pulumi.Input<string>;
    /** "https" (the default) or "http". */
    protocol?: pulumi.Input<string>;
}

const defaultProvider = importImageProvider();

/** An ECS image imported from OSS through the ImportImage API; its ID is `imageId`. */
export class AliCloudImportImage extends pulumi.dynamic.Resource {
    /** The image ID. */
    declare public readonly imageId: pulumi.Output<string>;
    /** The image status when last seen: Available once created. */
    declare public readonly status: pulumi.Output<string>;

    constructor(name: string, args: AliCloudImportImageArgs, opts?: pulumi.CustomResourceOptions, provider: pulumi.dynamic.ResourceProvider = defaultProvider) {
        super(provider, name, { ...args, imageId: undefined, status: undefined }, withFormerType(opts), "alicloud", "ImportImage");
    }
}
