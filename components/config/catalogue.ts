import awsRegions from "./regions/aws.json";
import azureRegions from "./regions/azure.json";
import gcpRegions from "./regions/gcp.json";
import alicloudRegions from "./regions/alicloud.json";

/** The committed region catalogue of each cloud that has one. OpenStack regions belong to each operator. */
export const regionCatalogue = {
    aws: awsRegions.regions.map((r) => r.name),
    azure: azureRegions.regions,
    gcp: gcpRegions.regions,
    alicloud: alicloudRegions.regions,
};

/** AWS regions that an account must enable before use. */
export const awsOptInRegions = awsRegions.regions.filter((r) => r.optIn).map((r) => r.name);
