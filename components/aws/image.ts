import * as pulumi from "@pulumi/pulumi";
// The SDK's service modules, not its root, which loads all of its ~250 service modules (about
// 300 ms of CPU in every process that loads it).
import * as ebs from "@pulumi/aws/ebs";
import * as ec2 from "@pulumi/aws/ec2";
import { Architecture, AwsTarget, Release, VariantEntry, artifactExtension, bucketAndKey } from "../config";
import { shareImage } from "./sharing";
import { AwsImageDeprecation } from "./deprecation";

/** Arguments of {@link AwsImage}. */
export interface AwsImageArgs {
    /** The release, as validated config: version, artifacts, deprecation. */
    release: Release;
    /** x86_64 or arm64. */
    architecture: Architecture;
    /** The AWS target block of the stack config. */
    target: AwsTarget;
    /** The product name. */
    product: string;
    /** The AMI name, rendered from the naming template. */
    imageName: string;
    /** The variant, when variants are configured: named in the description and the tags. */
    variant?: VariantEntry;
    /** dev or prod: dev never makes anything public, prod protects what it publishes. */
    environment: "dev" | "prod";
    /** Every region that gets the AMI, the source region included; "all" already resolved. */
    regions: string[];
    /** Per region, what its launch permissions wait for, such as the unblocking of public AMIs there. */
    sharingDependsOn?: Record<string, pulumi.Resource>;
}

const diskFormats: Record<string, string> = { raw: "RAW", img: "RAW", vhd: "VHD", vmdk: "VMDK" };
/** The root volume size, in GiB, of every AMI registered while aws.image.volumeSize defaulted to 8. */
const PUBLISHED_VOLUME_SIZE = 8;

/** One release's AMI for one architecture, copied to every configured region and shared. */
export class AwsImage extends pulumi.ComponentResource {
    /** The AMI ID in each region, source region included. */
    public readonly imageIds: pulumi.Output<Record<string, string>>;
    /** The AMI of each region, each depending on its own AMI or copy only (the marketplace reads us-east-1's). */
    public readonly regionImageIds: Record<string, pulumi.Output<string>>;

    constructor(name: string, args: AwsImageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("image-publisher:aws:Image", name, {}, opts);
        const { release, architecture, target, imageName } = args;
        const sourceRegion = target.sourceRegion;
        const prod = args.environment === "prod";
        const artifact = release.artifacts.aws[architecture];
        if (!artifact) {
            throw new Error(`release ${release.version} has no AWS artifact for ${architecture}`);
        }
        const extension = artifactExtension(artifact.uri);
        const format = diskFormats[extension];
        if (!format) {
            throw new Error(`AWS artifact ${artifact.uri} has extension .${extension}; allowed: .raw, .img, .vhd or .vmdk`);
        }
        const tags = {
            ...target.tags,
            Name: imageName,
            Product: args.product,
            Version: release.version,
            Architecture: architecture,
            ...(args.variant ? { Variant: args.variant.name } : {}),
        };
        const description = target.image.description ?? `${args.product} ${release.version}${args.variant ? ` ${args.variant.name}` : ""} ${architecture}`;
        // The deprecation time is set by an aws:ImageDeprecation per AMI and copy, which decides the time
        // when it runs; the plan carries the date only. `deprecationTime` is ignored on the AMI and copies
        // always: AMIs deprecated by earlier versions of this program carry it in their inputs, and without
        // the ignore the provider's update would send it unset and un-deprecate them. A refresh makes the
        // same true of every AMI: it reads the time the aws:ImageDeprecation set (or a public AMI's default)
        // into the AMI's state, and without the ignore the next up plans deprecation_time -> null, on which
        // the aws provider calls DisableImageDeprecation (terraform-provider-aws, internal/service/ec2/ami.go).
        const deprecationIgnore = ["deprecationTime"];
        const published: pulumi.CustomResourceOptions = prod ? { parent: this, protect: true } : { parent: this };

        const source = this.source(name, artifact.uri, imageName, extension, target);
        const snapshot = new ebs.SnapshotImport(`${name}-snapshot`, {
            region: sourceRegion,
            diskContainer: { format, userBucket: { s3Bucket: source.bucket, s3Key: source.key } },
            roleName: target.importRoleName,
            encrypted: target.image.encrypted,
            kmsKeyId: target.image.kmsKeyId,
            description,
            tags,
        }, { parent: this, dependsOn: source.dependsOn, customTimeouts: { create: `${target.timeouts.importMinutes}m` } });

        // A root volume cannot be smaller than its snapshot (EC2 API, EbsBlockDevice.VolumeSize: "If you
        // specify a snapshot, the default is the snapshot size. You can specify a volume size that is equal
        // to or larger than the snapshot size."), so it is the snapshot's size, or config's when larger.
        // Unset, it is never below the 8 GiB every AMI got before it followed the snapshot: volume_size of
        // ebs_block_device forces a new AMI (terraform-provider-aws, ec2_ami.go, ForceNew), so a smaller
        // default would replace every AMI already published (and fail on the protected prod ones).
        const volumeSize = snapshot.volumeSize.apply((size) => Math.max(size, target.image.volumeSize ?? PUBLISHED_VOLUME_SIZE));

        // Registering an AMI from a snapshot takes minutes; a 30-minute limit bounds it on the longest path of a run.
        const ami = new ec2.Ami(`${name}-ami`, {
            region: sourceRegion,
            name: imageName,
            description,
            architecture,
            virtualizationType: "hvm",
            bootMode: target.image.bootMode,
            enaSupport: target.image.enaSupport,
            // What the provider sends when unset too; AWS cannot turn it off (see aws.image.sriovNetSupport).
            sriovNetSupport: "simple",
            imdsSupport: target.image.imdsV2 ? "v2.0" : undefined,
            tpmSupport: target.image.tpmSupport ? "v2.0" : undefined,
            ...(target.image.uefiData ? { uefiData: target.image.uefiData } : {}),
            rootDeviceName: target.image.rootDeviceName,
            ebsBlockDevices: [{
                deviceName: target.image.rootDeviceName,
                snapshotId: snapshot.id,
                volumeType: "gp3",
                volumeSize,
                deleteOnTermination: true,
            }],
            tags,
        }, { ...published, ignoreChanges: deprecationIgnore, customTimeouts: { create: "30m" } });
        this.deprecate(`${name}-ami`, sourceRegion, ami, release);

        const ids: Record<string, pulumi.Output<string>> = { [sourceRegion]: ami.id };
        const snapshots: Record<string, pulumi.Output<string>> = { [sourceRegion]: snapshot.id };
        for (const region of args.regions.filter((r) => r !== sourceRegion)) {
            const copy = new ec2.AmiCopy(`${name}-${region}`, {
                region,
                name: imageName,
                description,
                sourceAmiId: ami.id,
                sourceAmiRegion: sourceRegion,
                tags,
            }, { ...published, ignoreChanges: deprecationIgnore, customTimeouts: { create: `${target.timeouts.copyMinutes}m` } });
            this.deprecate(`${name}-${region}`, region, copy, release);
            ids[region] = copy.id;
            snapshots[region] = copy.ebsBlockDevices.apply((devices) => devices?.[0]?.snapshotId ?? "");
        }

        for (const region of Object.keys(ids)) {
            shareImage(`${name}-${region}`, {
                region,
                imageId: ids[region],
                snapshotId: snapshots[region],
                sharing: target.sharing,
                environment: args.environment,
            }, { parent: this, dependsOn: args.sharingDependsOn?.[region] });
        }

        this.regionImageIds = ids;
        this.imageIds = pulumi.all(ids);
        this.registerOutputs({ imageIds: this.imageIds });
    }

    /**
     * The AMI's deprecation from the release's date on, when config gives one (AWS schedules it itself).
     * `deletedWith` the image: when the image goes too (a whole release removed), the engine skips the
     * deprecation's own delete, so a removal that the protected images refuse cannot un-deprecate
     * them first (the engine checks protect only when each delete runs, pkg/resource/deploy/step.go).
     */
    private deprecate(name: string, region: string, image: ec2.Ami | ec2.AmiCopy, release: Release): void {
        if (release.deprecation) {
            new AwsImageDeprecation(`${name}-deprecation`, { region, imageId: image.id, date: release.deprecation.date }, { parent: this, deletedWith: image });
        }
    }

    /** Where the snapshot import reads the artifact: the S3 object itself, or a local file uploaded first. */
    private source(name: string, uri: string, imageName: string, extension: string, target: AwsTarget) {
        if (uri.startsWith("file://")) {
            if (!target.uploadBucket) {
                throw new Error(`artifact ${uri} is a local file and aws.uploadBucket is not set`);
            }
            const key = `${imageName}.${extension}`;
            // Loaded here, for a local artifact only: the S3 module loads the SDK's Lambda mixins with it.
            const s3 = require("@pulumi/aws/s3") as typeof import("@pulumi/aws/s3");
            const upload = new s3.BucketObjectv2(`${name}-upload`, {
                region: target.sourceRegion,
                bucket: target.uploadBucket,
                key,
                source: new pulumi.asset.FileAsset(uri.slice("file://".length)),
            }, { parent: this });
            return { bucket: pulumi.output(target.uploadBucket), key: upload.key, dependsOn: [upload] };
        }
        const { bucket, key } = bucketAndKey(uri);
        return { bucket: pulumi.output(bucket), key: pulumi.output(key), dependsOn: [] };
    }
}
