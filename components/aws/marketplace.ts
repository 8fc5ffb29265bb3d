/**
 * An AMI published as a new version of an AWS Marketplace AMI product (a Catalog API change set),
 * and retired by restricting its delivery option. See marketplace-provider.ts for what each
 * lifecycle step calls.
 */
import * as pulumi from "@pulumi/pulumi";
import { marketplaceProvider } from "./marketplace-provider";

/** One ingress rule of the security group Marketplace creates for 1-Click launches. */
export interface AwsMarketplaceSecurityGroupArgs {
    /** tcp or udp. */
    ipProtocol: pulumi.Input<string>;
    /** The first port of the range. */
    fromPort: pulumi.Input<number>;
    /** The last port of the range. */
    toPort: pulumi.Input<number>;
    /** The CIDR ranges allowed in, e.g. 0.0.0.0/0. */
    ipRanges: pulumi.Input<pulumi.Input<string>[]>;
}

/** Arguments of {@link AwsMarketplaceVersion}. Credentials come from the SDK's default chain, never from here. */
export interface AwsMarketplaceVersionArgs {
    /** The AMI product's entity ID (one product per major version and architecture). A change replaces the version. */
    productId: pulumi.Input<string>;
    /** The AMI in us-east-1, where the Catalog API runs (the copy there, or the source AMI); available and readable by the access role. A change replaces the version. */
    amiId: pulumi.Input<string>;
    /** x86_64 or arm64; picks the fallback instance type (t3.small or t4g.small). A change replaces the version. */
    architecture: pulumi.Input<"x86_64" | "arm64">;
    /** The release version; with product, architecture and AMI it names the change set and derives its token. A change replaces the version. */
    version: pulumi.Input<string>;
    /** The version title customers see; unique within the product. Not sent again after publishing. */
    versionTitle: pulumi.Input<string>;
    /** The release notes customers see. Not sent again after publishing. */
    releaseNotes: pulumi.Input<string>;
    /** The IAM role Marketplace assumes to copy and scan the AMI (trusts assets.marketplace.amazonaws.com). */
    accessRoleArn: pulumi.Input<string>;
    /** The operating system name shown to customers, e.g. OTHERLINUX. */
    osName: pulumi.Input<string>;
    /** The operating system version shown to customers. */
    osVersion: pulumi.Input<string>;
    /** The login user, used by the security scan, e.g. ec2-user. */
    username: pulumi.Input<string>;
    /** The SSH port the security scan connects to, e.g. 22. */
    scanningPort: pulumi.Input<number>;
    /** How to launch and connect, shown to customers. */
    usageInstructions: pulumi.Input<string>;
    /** Ingress rules of the security group Marketplace creates for the version. */
    securityGroups: pulumi.Input<pulumi.Input<AwsMarketplaceSecurityGroupArgs>[]>;
    /** The recommended instance type; when unset, the product's newest version's, else t3.small (x86_64) or t4g.small (arm64). */
    recommendedInstanceType?: pulumi.Input<string>;
    /** True restricts this version's delivery option (RestrictDeliveryOptions); it cannot be undone. */
    deprecated?: pulumi.Input<boolean>;
    /** False returns once the change set is accepted (status PREPARING or APPLYING), and a refresh reports its end; true by default. */
    waitForCompletion?: pulumi.Input<boolean>;
    /** The Catalog API endpoint; when unset, the SDK default and its standard environment variables apply. */
    endpoint?: pulumi.Input<string>;
    /** How long to poll a change set before giving up, in minutes (it keeps running and a later run resumes it); 480 by default. */
    pollTimeoutMinutes?: pulumi.Input<number>;
    /** StartChangeSet attempts while another change set holds the product (waits of 2 min doubling to 30 min); 10 by default. */
    resourceInUseAttempts?: pulumi.Input<number>;
}

/**
 * One AMI as a version of an AWS Marketplace AMI product: an AddDeliveryOptions change set, polled to
 * its end. Deprecating it, or deleting it, restricts its delivery option; with `retainOnDelete` Pulumi
 * never calls delete and the version stays public. Type `pulumi-nodejs:dynamic/aws:MarketplaceVersion`.
 */
export class AwsMarketplaceVersion extends pulumi.dynamic.Resource {
    /** The AddDeliveryOptions change set ID. */
    declare public readonly changeSetId: pulumi.Output<string>;
    /** Its last known status: PREPARING, APPLYING, SUCCEEDED, FAILED or CANCELLED. */
    declare public readonly changeSetStatus: pulumi.Output<string>;
    /** The version's delivery option ID, once the change set has SUCCEEDED. */
    declare public readonly deliveryOptionId: pulumi.Output<string | undefined>;

    constructor(name: string, args: AwsMarketplaceVersionArgs, opts?: pulumi.CustomResourceOptions) {
        super(marketplaceProvider, name, {
            ...args,
            changeSetId: undefined,
            changeSetStatus: undefined,
            deliveryOptionId: undefined,
            restrictChangeSetId: undefined,
            restrictChangeSetStatus: undefined,
        }, opts, "aws", "MarketplaceVersion");
    }
}
