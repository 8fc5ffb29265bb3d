/**
 * What each resource of a release is registered with, decided once per release so that every
 * resource of it (images, copies, launch and volume permissions, IAM members, community shares,
 * gallery and marketplace versions, and whatever a cloud adds later) follows the same rule:
 *
 * - protection: removing a release deletes its leaf resources first (the engine deletes dependents
 *   before what they depend on), and those leaves are the launch permissions, IAM members and
 *   community shares that make it public. So in prod every resource of a published release is
 *   protected, and a removal is refused whole before anything is revoked.
 * - `retire: true` lifts protection and retains every resource on delete: once applied, removing
 *   the entry drops the release from the stack and leaves it public in every cloud.
 * - `unpublish: true` lifts protection and retains nothing: once applied, removing the entry
 *   deletes and revokes everything.
 * - settings: the stack-wide settings that feed replace-forcing inputs are ignored on change, so
 *   that published images keep what they were published with and new releases take the new value
 *   (ignoreChanges has no effect at create); `reapplySettings: true` opts a release out of that.
 *
 * Sources: Pulumi, "Resource option: ignoreChanges": "Pulumi ignores a property by using the old
 * value from the state instead of the value provided by the Pulumi program when determining whether
 * an update or replace is needed. Ignored properties will still be used from the program when there
 * is no previous value in the state, most importantly when creating the resource"; nested paths
 * such as `ebsBlockDevices[0].volumeSize` are Pulumi property paths. So a published resource that is
 * replaced for another reason (a new artifact) is made again with the values it was published with.
 * Pulumi, "Resource option: retainOnDelete": a retained resource is removed from the stack's state
 * on delete and left in the cloud. The engine refuses to delete or replace a protected resource.
 */
import * as pulumi from "@pulumi/pulumi";
import { Release } from "./config";

/** The protect and retainOnDelete options of every resource of a release. */
export interface LifecycleOptions {
    /** Whether the engine refuses to delete or replace the resource. */
    protect?: boolean;
    /** Whether deleting it only drops it from the stack. */
    retainOnDelete?: boolean;
}

/** The protect and retainOnDelete options every resource of the release gets in this environment. */
export function lifecycleOptions(release: Pick<Release, "lifecycle">, environment: "dev" | "prod"): LifecycleOptions {
    switch (release.lifecycle) {
        case "retired":
            return { protect: false, retainOnDelete: true };
        case "unpublished":
            return { protect: false, retainOnDelete: false };
        default:
            // dev protects nothing, so that a dev stack can always be torn down.
            return environment === "prod" ? { protect: true } : {};
    }
}

/**
 * Per resource type, the inputs that come from a stack-wide setting (never from the release's own
 * version or artifacts) and whose change replaces the resource. The replace facts and their sources
 * are in tools/plan-replacement-table.json (a test checks that every path here replaces); where each
 * input comes from is in the component named.
 */
export const settingsInputs: Readonly<Record<string, readonly string[]>> = {
    // components/aws/image.ts: aws.importRoleName, aws.image.encrypted / kmsKeyId, aws.image.description (or the product name).
    "aws:ebs/snapshotImport:SnapshotImport": ["roleName", "encrypted", "kmsKeyId", "description"],
    // components/aws/image.ts: naming.image, aws.image.bootMode / enaSupport / imdsV2 / tpmSupport / uefiData / rootDeviceName / volumeSize.
    // The snapshot ID in ebsBlockDevices comes from the release's artifact and still replaces.
    "aws:ec2/ami:Ami": [
        "name", "bootMode", "enaSupport", "imdsSupport", "tpmSupport", "uefiData", "rootDeviceName",
        "ebsBlockDevices[0].deviceName", "ebsBlockDevices[0].volumeSize",
    ],
    // components/aws/image.ts: naming.image.
    "aws:ec2/amiCopy:AmiCopy": ["name"],
    // components/gcp/image.ts: naming.image, gcp.family, the product name, gcp.guestOsFeatures / licenses / storageLocations / secureBoot.
    "gcp:compute/image:Image": ["name", "family", "description", "guestOsFeatures", "licenses", "storageLocations", "shieldedInstanceInitialState"],
    "pulumi-nodejs:dynamic/gcp:ArmImage": ["name", "family", "description", "guestOsFeatures", "licenses", "storageLocations", "shieldedInstanceInitialState"],
    // components/alicloud/image.ts: alicloud.image.osType / platform / bootMode / diskImageSize, naming.image, alicloud.image.description.
    "alicloud:ecs/imageImport:ImageImport": ["osType", "platform", "bootMode", "diskDeviceMappings[0].diskImageSize"],
    "pulumi-nodejs:dynamic/alicloud:ImportImage": ["imageName", "description", "diskImageSize", "osType", "platform", "bootMode"],
    // components/azure/image.ts: the gallery's storage account and container, naming.image (the blob name).
    "pulumi-nodejs:dynamic/azure:VhdBlob": ["accountUrl", "containerName", "blobName"],
    // components/openstack/image.ts: openstack.minDiskGb.
    "openstack:images/image:Image": ["minDiskGb"],
};

/**
 * Types whose delete only takes a deprecation back (DisableImageDeprecation; images.deprecate with
 * state ACTIVE): they expose nothing, and removing a release's date in a reviewed change must undo
 * it, so prod does not protect them. A retired release still retains them.
 */
export const deprecationTypes: readonly string[] = ["pulumi-nodejs:dynamic/aws:ImageDeprecation", "pulumi-nodejs:dynamic/gcp:ImageDeprecation"];

/**
 * A transformation for a Release component: every custom resource under it gets the release's
 * protect and retainOnDelete, and (unless the release opts in with reapplySettings) ignores changes
 * to its stack-wide, replace-forcing inputs, on top of what the component itself ignores.
 */
export function releaseTransformation(release: Pick<Release, "lifecycle" | "reapplySettings">, environment: "dev" | "prod"): pulumi.ResourceTransformation {
    const options = lifecycleOptions(release, environment);
    return ({ resource, type, props, opts }) => {
        if (!(resource instanceof pulumi.CustomResource)) {
            return undefined;
        }
        const kept = release.reapplySettings ? [] : settingsInputs[type] ?? [];
        const ignoreChanges = [...(opts.ignoreChanges ?? []), ...kept.filter((p) => !(opts.ignoreChanges ?? []).includes(p))];
        const own = deprecationTypes.includes(type) ? { ...options, protect: false } : options;
        return { props, opts: { ...opts, ...own, ...(ignoreChanges.length > 0 ? { ignoreChanges } : {}) } };
    };
}
