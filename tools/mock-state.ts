import { azureMockState } from "./mock-state-azure";
import { gcpMockState } from "./mock-state-gcp";
import { alicloudMockState } from "./mock-state-alicloud";
import { openstackMockState } from "./mock-state-openstack";

/**
 * The outputs a real provider would compute that the program reads back, for the resources whose
 * mock state is more than their inputs. Everything else echoes its inputs. Dynamic resources carry
 * a `resourceKind` input that names them here.
 */
export function mockState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
    switch (type) {
        case "aws:ec2/ami:Ami":
        case "aws:ec2/amiCopy:AmiCopy":
            return { arn: `arn:aws:ec2:${String(inputs.region ?? "us-east-1")}::image/${name}` };
        case "pulumi-nodejs:dynamic:Resource":
            if (inputs.resourceKind === "aws:MarketplaceVersion") {
                return { changeSetId: `cs-${name.length.toString(16)}${Buffer.from(name).toString("hex").slice(-12)}`, changeSetStatus: inputs.waitForCompletion === false ? "APPLYING" : "SUCCEEDED" };
            }
            break;
    }
    return azureMockState(type, name, inputs) ?? gcpMockState(type, name, inputs) ?? alicloudMockState(type, name, inputs)
        ?? openstackMockState(type, name, inputs) ?? {};
}
