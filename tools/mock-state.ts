import { createHash } from "crypto";
import { azureMockState } from "./mock-state-azure";
import { gcpMockState } from "./mock-state-gcp";
import { alicloudMockState } from "./mock-state-alicloud";
import { openstackMockState } from "./mock-state-openstack";

/**
 * The outputs a real provider would compute that the program reads back, for the resources whose
 * mock state is more than their inputs. Everything else echoes its inputs. Each dynamic resource has
 * its own type token, `pulumi-nodejs:dynamic/<module>:<type>`.
 */
export function mockState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
    switch (type) {
        case "aws:ebs/snapshotImport:SnapshotImport":
            // The size VM Import gives the snapshot of a small raw image, in GiB.
            return { volumeSize: 4 };
        case "aws:ec2/ami:Ami":
            return { arn: `arn:aws:ec2:${String(inputs.region ?? "us-east-1")}::image/${name}` };
        case "aws:ec2/amiCopy:AmiCopy":
            // A copy has its own root snapshot in its own region.
            return {
                arn: `arn:aws:ec2:${String(inputs.region ?? "us-east-1")}::image/${name}`,
                ebsBlockDevices: [{ deviceName: "/dev/xvda", snapshotId: `snap-${createHash("sha256").update(`copy\0${name}`).digest("hex").slice(0, 17)}` }],
            };
        case "pulumi-nodejs:dynamic/aws:MarketplaceVersion": {
            const done = inputs.waitForCompletion !== false;
            const hex = createHash("sha256").update(name).digest("hex");
            return {
                changeSetId: `${hex.slice(0, 25)}`,
                changeSetStatus: done ? "SUCCEEDED" : "APPLYING",
                ...(done ? { deliveryOptionId: `do-${hex.slice(25, 37)}` } : {}),
            };
        }
    }
    return azureMockState(type, name, inputs) ?? gcpMockState(type, name, inputs) ?? alicloudMockState(type, name)
        ?? openstackMockState(type, name, inputs) ?? {};
}
