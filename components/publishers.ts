import type { Release, StackConfig } from "./config";
import type { CloudPublisher } from "./publisher";
import type { PermissionReader } from "./azure/blob-access";

/** What the publishers need beyond config. */
export interface PublisherOptions {
    /** Reads the Azure identity's permissions at a scope; Azure Resource Manager by default, fixtures offline. */
    azurePermissions?: PermissionReader;
}

/**
 * One publisher per enabled cloud, in the order config lists the clouds. Each cloud's module (and
 * with it that cloud's Pulumi provider and SDKs) is loaded only when the cloud is on, so a stack
 * that publishes to one cloud does not pay for loading the other four.
 */
export function enabledPublishers(config: StackConfig, releases: Release[], options: PublisherOptions = {}): CloudPublisher[] {
    const publishers: CloudPublisher[] = [];
    if (config.aws.enabled) {
        const { AwsPublisher } = require("./aws/publisher") as typeof import("./aws/publisher");
        publishers.push(new AwsPublisher(config, releases));
    }
    if (config.azure?.enabled) {
        const { AzurePublisher } = require("./azure/publisher") as typeof import("./azure/publisher");
        publishers.push(new AzurePublisher(config, config.azure, releases, options.azurePermissions));
    }
    if (config.gcp.enabled) {
        const { GcpPublisher } = require("./gcp/publisher") as typeof import("./gcp/publisher");
        publishers.push(new GcpPublisher(config, releases));
    }
    if (config.alicloud.enabled) {
        const { AliCloudPublisher } = require("./alicloud/publisher") as typeof import("./alicloud/publisher");
        publishers.push(new AliCloudPublisher(config));
    }
    if (config.openstack.enabled) {
        const { OpenStackPublisher } = require("./openstack/publisher") as typeof import("./openstack/publisher");
        publishers.push(new OpenStackPublisher(config));
    }
    return publishers;
}
