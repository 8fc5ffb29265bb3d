/**
 * The change set documents of an AWS Marketplace AMI product version, and the names and idempotency
 * tokens they are submitted under. Pure functions: the same inputs always give the same documents.
 */
import { createHash } from "crypto";

/** The catalog every AMI product lives in. */
export const MARKETPLACE_CATALOG = "AWSMarketplace";
/** The entity type of a single-AMI product. */
export const AMI_PRODUCT_TYPE = "AmiProduct@1.0";
/** The only region the Catalog API is served from. */
export const MARKETPLACE_REGION = "us-east-1";

/** What a change set does to the product: add a version, or restrict (retire) it. */
export type MarketplaceChangeKind = "add" | "restrict";

/** One ingress rule of the security group Marketplace creates for 1-Click launches. */
export interface MarketplaceSecurityGroup {
    /** tcp or udp. */
    ipProtocol: string;
    /** The first port of the range. */
    fromPort: number;
    /** The last port of the range. */
    toPort: number;
    /** The CIDR ranges allowed in. */
    ipRanges: string[];
}

/** The settled inputs that make up an AddDeliveryOptions change. */
export interface MarketplaceVersionDocumentInputs {
    /** The AMI product's entity ID. */
    productId: string;
    /** The us-east-1 AMI that Marketplace copies and scans (AmiSource.AmiId must be in the Catalog API's region), readable by the access role. */
    amiId: string;
    /** The title customers see; unique within the product. */
    versionTitle: string;
    /** The release notes customers see. */
    releaseNotes: string;
    /** The IAM role Marketplace assumes to copy and scan the AMI. */
    accessRoleArn: string;
    /** The operating system name shown to customers. */
    osName: string;
    /** The operating system version shown to customers. */
    osVersion: string;
    /** The login user, used by the security scan. */
    username: string;
    /** The SSH port the security scan connects to. */
    scanningPort: number;
    /** How to launch and connect, shown to customers. */
    usageInstructions: string;
    /** Ingress rules of the security group Marketplace creates. */
    securityGroups: MarketplaceSecurityGroup[];
}

/** A change as StartChangeSet takes it. */
export interface MarketplaceChange {
    /** AddDeliveryOptions or RestrictDeliveryOptions. */
    ChangeType: string;
    /** The product the change applies to. */
    Entity: { Type: string; Identifier: string };
    /** The change-type specific document. */
    DetailsDocument: Record<string, unknown>;
}

/** The longest ClientRequestToken the API takes. */
export const MAX_TOKEN_LENGTH = 36;
/** The longest ChangeSetName the API takes. */
export const MAX_CHANGE_SET_NAME_LENGTH = 100;

/**
 * The ClientRequestToken of a change set: "ip-" and 32 hex digits of a SHA-256 over the product, the
 * release version, the architecture and the AMI (the AMI so that a replacement with a new AMI is a new
 * submission), and the kind of change. `attempt` counts earlier change sets of the same name that
 * failed or were cancelled, so that a retry after a failure is a new request while a resumed run
 * repeats the same token.
 */
export function changeSetToken(productId: string, version: string, architecture: string, amiId: string, kind: MarketplaceChangeKind, attempt = 0): string {
    const key = [productId, version, architecture, amiId, kind, ...(attempt > 0 ? [`attempt ${attempt}`] : [])].join("\n");
    return `ip-${createHash("sha256").update(key).digest("hex").slice(0, 32)}`;
}

/** The ChangeSetName, which find-before-start looks for: kind, version, architecture and AMI, in the API's character set. */
export function changeSetName(version: string, architecture: string, amiId: string, kind: MarketplaceChangeKind): string {
    const changeType = kind === "add" ? "AddDeliveryOptions" : "RestrictDeliveryOptions";
    const name = `image-publisher ${changeType} ${version} ${architecture} ${amiId}`.replace(/[^\w\s+=.:@-]/g, "-");
    return name.slice(0, MAX_CHANGE_SET_NAME_LENGTH);
}

/** The AddDeliveryOptions change that publishes one AMI as a new version of the product. */
export function addDeliveryOptionsChange(inputs: MarketplaceVersionDocumentInputs, recommendedInstanceType: string): MarketplaceChange {
    return {
        ChangeType: "AddDeliveryOptions",
        Entity: { Type: AMI_PRODUCT_TYPE, Identifier: inputs.productId },
        DetailsDocument: {
            Version: { VersionTitle: inputs.versionTitle, ReleaseNotes: inputs.releaseNotes },
            DeliveryOptions: [{
                Details: {
                    AmiDeliveryOptionDetails: {
                        AmiSource: {
                            AmiId: inputs.amiId,
                            AccessRoleArn: inputs.accessRoleArn,
                            UserName: inputs.username,
                            OperatingSystemName: inputs.osName,
                            OperatingSystemVersion: inputs.osVersion,
                            ScanningPort: inputs.scanningPort,
                        },
                        UsageInstructions: inputs.usageInstructions,
                        RecommendedInstanceType: recommendedInstanceType,
                        SecurityGroups: inputs.securityGroups.map((group) => ({
                            IpProtocol: group.ipProtocol,
                            FromPort: group.fromPort,
                            ToPort: group.toPort,
                            IpRanges: [...group.ipRanges],
                        })),
                    },
                },
            }],
        },
    };
}

/** The RestrictDeliveryOptions change that retires delivery options: customers can no longer subscribe to them. */
export function restrictDeliveryOptionsChange(productId: string, deliveryOptionIds: string[]): MarketplaceChange {
    return {
        ChangeType: "RestrictDeliveryOptions",
        Entity: { Type: AMI_PRODUCT_TYPE, Identifier: productId },
        DetailsDocument: { DeliveryOptionIds: [...deliveryOptionIds] },
    };
}
