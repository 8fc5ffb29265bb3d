import awsFixture from "./fixtures/aws.json";
import azureFixture from "./fixtures/azure.json";
import { Permission } from "../components/azure/blob-access";

/** What the invokes answer offline. */
export interface Fixtures {
    /** The AWS account's ID. */
    awsAccountId: string;
    /** The AWS regions enabled for the account. */
    awsEnabledRegions: string[];
    /** The regions where EBS encryption by default is on. */
    awsEncryptionByDefault: Record<string, boolean>;
    /** The quota of public AMIs in every region ("Public AMIs", Service Quotas), unless `awsPublicAmiQuotaIn` says otherwise. */
    awsPublicAmiQuota: number;
    /** The quota of public AMIs of the regions where it was raised. */
    awsPublicAmiQuotaIn: Record<string, number>;
    /** The account's public AMIs in each region, by name. */
    awsPublicImages: Record<string, { id: string; name: string }[]>;
    /** The Azure identity that deploys: getClientConfig's answer. */
    azureClientConfig: { clientId: string; objectId: string; tenantId: string; subscriptionId: string };
    /** The Azure galleries that exist, "<resource group>/<gallery>" → their sharing permissions (Private, Groups, Community). */
    azureGalleries: Record<string, string>;
    /** The Azure identity's permissions at a scope (a resource ID), as the ARM permissions API lists them. */
    azurePermissions: Record<string, Permission[]>;
}

/** The committed fixtures, a fresh copy each call so that a test can change its own. */
export function defaultFixtures(): Fixtures {
    return {
        awsAccountId: awsFixture.accountId,
        awsEnabledRegions: [...awsFixture.enabledRegions].sort(),
        awsEncryptionByDefault: { ...(awsFixture.encryptionByDefault as Record<string, boolean>) },
        awsPublicAmiQuota: awsFixture.publicAmiQuota,
        awsPublicAmiQuotaIn: { ...(awsFixture.publicAmiQuotaIn as Record<string, number>) },
        awsPublicImages: JSON.parse(JSON.stringify(awsFixture.publicImages)) as Record<string, { id: string; name: string }[]>,
        azureClientConfig: { ...azureFixture.clientConfig },
        azureGalleries: { ...(azureFixture.galleries as Record<string, string>) },
        azurePermissions: structuredClone(azureFixture.permissions as Record<string, Permission[]>),
    };
}

/** Answers one invoke from the fixtures; an invoke with no fixture is an error, not a silent empty answer. */
export function answerInvoke(fixtures: Fixtures, token: string, args: Record<string, unknown>): Record<string, unknown> {
    switch (token) {
        case "aws:index/getRegions:getRegions":
            return { id: "aws", names: fixtures.awsEnabledRegions };
        case "aws:ebs/getEncryptionByDefault:getEncryptionByDefault": {
            const region = String(args.region ?? "us-east-1");
            return { id: region, enabled: fixtures.awsEncryptionByDefault[region] === true, region };
        }
        case "aws:servicequotas/getServiceQuota:getServiceQuota": {
            const region = String(args.region ?? "us-east-1");
            if (args.serviceCode !== "ec2" || args.quotaCode !== "L-0E3CBAB9") {
                throw new Error(`no offline fixture answers the quota ${String(args.serviceCode)}/${String(args.quotaCode)}`);
            }
            const value = fixtures.awsPublicAmiQuotaIn[region] ?? fixtures.awsPublicAmiQuota;
            return { id: `ec2/L-0E3CBAB9/${region}`, serviceCode: "ec2", quotaCode: "L-0E3CBAB9", quotaName: "Public AMIs", value, defaultValue: 5, region };
        }
        case "aws:ec2/getAmiIds:getAmiIds": {
            // Every fixture image is the account's own and public; a name filter narrows them.
            const region = String(args.region ?? "us-east-1");
            const filters = (args.filters ?? []) as { name: string; values: string[] }[];
            const names = filters.find((f) => f.name === "name")?.values;
            const ids = (fixtures.awsPublicImages[region] ?? []).filter((image) => !names || names.includes(image.name)).map((image) => image.id);
            return { id: region, ids, owners: args.owners ?? [], region };
        }
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return { id: fixtures.awsAccountId, accountId: fixtures.awsAccountId, arn: `arn:aws:iam::${fixtures.awsAccountId}:root`, userId: "mock" };
        case "azure-native:authorization:getClientConfig":
            return { ...fixtures.azureClientConfig };
        case "azure-native:compute:getGallery": {
            const permissions = fixtures.azureGalleries[`${String(args.resourceGroupName)}/${String(args.galleryName)}`];
            if (permissions === undefined) {
                // As azure-native fails on a gallery that does not exist; the runtime keeps only `details` of a mock's error.
                const message = `Status=404 Code="ResourceNotFound" Message="The Resource 'Microsoft.Compute/galleries/${String(args.galleryName)}' ` +
                    `under resource group '${String(args.resourceGroupName)}' was not found."`;
                throw Object.assign(new Error(message), { details: message });
            }
            return { name: args.galleryName, location: "westeurope", provisioningState: "Succeeded", sharingProfile: { permissions } };
        }
        default:
            throw new Error(`no offline fixture answers the invoke ${token}`);
    }
}

/** The Azure permissions of the fixtures, as the Azure preflight reads them; none where the fixtures say nothing. */
export function fixturePermissions(fixtures: Fixtures): (scope: string) => Promise<Permission[]> {
    return async (scope) => structuredClone(fixtures.azurePermissions[scope] ?? []);
}
