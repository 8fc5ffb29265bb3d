/**
 * Typical durations of the clouds' slow steps, in minutes, for the simulated publish. They are
 * the orders of magnitude the providers' documentation and publishers' logs show for a small
 * (8-20 GiB) Linux image; the simulation scales them down by a fixed factor.
 */
export const typicalMinutes: Record<string, number> = {
    "aws:ebs/snapshotImport:SnapshotImport": 15, // VM Import of a raw disk
    "aws:ec2/ami:Ami": 1, // RegisterImage until available
    "aws:ec2/amiCopy:AmiCopy": 15, // CopyImage to another region, per region
    "aws:MarketplaceVersion": 240, // change set scanning and review
    "azure:VhdBlob": 8, // page-blob fill from the source URL
    "azure-native:compute:Gallery": 1,
    "azure-native:compute:GalleryImage": 0.5,
    "azure-native:compute:GalleryImageVersion": 30, // replication to the target regions
    "azure:CommunitySharing": 1,
    "azure:MarketplaceVersion": 10, // configure job of the draft
    "gcp:compute/image:Image": 6,
    "gcp:ArmImage": 6,
    "alicloud:ecs/imageImport:ImageImport": 20,
    "alicloud:ImportImage": 20,
    "alicloud:ecs/imageCopy:ImageCopy": 15, // per region
    "openstack:images/image:Image": 5, // web-download import
};

/** Real milliseconds per simulated minute. */
export const msPerMinute = 100;

/** The simulated duration of one resource, in real milliseconds; other steps take no time. */
export function latencyMs(type: string): number {
    const key = type.startsWith("pulumi-nodejs:dynamic/") ? type.slice("pulumi-nodejs:dynamic/".length) : type;
    return Math.round((typicalMinutes[key] ?? 0) * msPerMinute);
}
