import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
// The SDK's service modules, not its root, which loads all of its ~250 service modules (about
// 300 ms of CPU in every process that loads it).
import * as ec2 from "@pulumi/aws/ec2";
import { AwsTarget } from "../config";

/** Arguments of {@link shareImage}. */
export interface ShareImageArgs {
    /** The region of the AMI. */
    region: string;
    /** The AMI in that region. */
    imageId: pulumi.Input<string>;
    /** The AMI's root snapshot in that region. */
    snapshotId: pulumi.Input<string>;
    /** Who gets the AMI. */
    sharing: AwsTarget["sharing"];
    /** dev never grants `group: all`. */
    environment: "dev" | "prod";
}

/** A short, stable suffix for a resource name made from an ARN. */
function suffix(arn: string): string {
    const id = arn.split("/").pop() ?? arn;
    return `${id}-${crypto.createHash("sha256").update(arn).digest("hex").slice(0, 6)}`;
}

/**
 * Grants launch permission on one regional AMI: to everyone when public (prod only), and to each
 * listed account, organisation and OU; optionally lets the accounts create volumes from its snapshot.
 */
export function shareImage(name: string, args: ShareImageArgs, opts: pulumi.CustomResourceOptions): ec2.AmiLaunchPermission[] {
    const { region, imageId, sharing } = args;
    const grants: ec2.AmiLaunchPermission[] = [];
    if (sharing.public && args.environment === "prod") {
        grants.push(new ec2.AmiLaunchPermission(`${name}-public`, { region, imageId, group: "all" }, opts));
    }
    for (const accountId of sharing.accounts) {
        grants.push(new ec2.AmiLaunchPermission(`${name}-account-${accountId}`, { region, imageId, accountId }, opts));
        if (sharing.snapshotVolumePermission) {
            new ec2.SnapshotCreateVolumePermission(`${name}-volume-${accountId}`, { region, snapshotId: args.snapshotId, accountId }, opts);
        }
    }
    for (const organizationArn of sharing.organizations) {
        grants.push(new ec2.AmiLaunchPermission(`${name}-org-${suffix(organizationArn)}`, { region, imageId, organizationArn }, opts));
    }
    for (const organizationalUnitArn of sharing.organizationalUnits) {
        grants.push(new ec2.AmiLaunchPermission(`${name}-ou-${suffix(organizationalUnitArn)}`, { region, imageId, organizationalUnitArn }, opts));
    }
    return grants;
}
