import * as pulumi from "@pulumi/pulumi";
// The SDK's service modules, not its root, which loads all of its ~250 service modules (about
// 300 ms of CPU in every process that loads it).
import * as ec2 from "@pulumi/aws/ec2";

/** Arguments of {@link AwsPublicAccess}. */
export interface AwsPublicAccessArgs {
    /** The regions where public AMIs must be allowed. */
    regions: string[];
}

/**
 * Lifts the account-wide block of public AMIs in each region that publishes publicly. Regions that
 * were enabled recently block public AMIs by default. It is one setting per account and region,
 * so the stack makes it once, not once per image.
 */
export class AwsPublicAccess extends pulumi.ComponentResource {
    /** The setting of each region; that region's launch permissions depend on it. */
    public readonly settings: Record<string, ec2.ImageBlockPublicAccess>;

    constructor(name: string, args: AwsPublicAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("image-publisher:aws:PublicAccess", name, {}, opts);
        this.settings = Object.fromEntries(args.regions.map((region) =>
            [region, new ec2.ImageBlockPublicAccess(`${name}-${region}`, { region, state: "unblocked" }, { parent: this })]));
        this.registerOutputs({});
    }
}
