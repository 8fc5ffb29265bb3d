/**
 * Reading an AMI product as DescribeEntity returns it: its versions, their delivery options, and the
 * recommended instance type of the newest one. Pure functions over the response.
 */

/** A source (the AMI) of a product version, as DescribeEntity lists it. */
export interface AmiProductSource {
    /** The source ID that delivery options refer to. */
    Id?: string;
    /** x86_64 or arm64. */
    Architecture?: string;
    /** The Marketplace-owned copy of the AMI. */
    Image?: string;
}

/** A delivery option of a product version, as DescribeEntity lists it. */
export interface AmiProductDeliveryOption {
    /** The delivery option ID that RestrictDeliveryOptions takes. */
    Id?: string;
    /** The source this option delivers. */
    SourceId?: string;
    /** Public, Limited or Restricted. */
    Visibility?: string;
    /** Recommendations shown to customers. */
    Recommendations?: { InstanceType?: string };
}

/** A version of an AMI product, as DescribeEntity lists it. */
export interface AmiProductVersion {
    /** The version ID. */
    Id?: string;
    /** The title, unique within the product. */
    VersionTitle?: string;
    /** When the version was added (ISO 8601). */
    CreationDate?: string;
    /** The AMIs of the version. */
    Sources?: AmiProductSource[];
    /** The delivery options of the version. */
    DeliveryOptions?: AmiProductDeliveryOption[];
}

/** The part of an AMI product's details document that publishing needs. */
export interface AmiProductDetails {
    /** Every version of the product, restricted ones included. */
    Versions: AmiProductVersion[];
}

/** A delivery option found for a version. */
export interface FoundDeliveryOption {
    /** The delivery option ID. */
    id: string;
    /** Public, Limited or Restricted; empty when the API did not say. */
    visibility: string;
}

/** The instance type recommended when the product has no version to take one from. */
export const FALLBACK_INSTANCE_TYPES: Record<string, string> = { x86_64: "t3.small", arm64: "t4g.small" };

/** The details of a DescribeEntity response, from DetailsDocument or else the Details JSON string. */
export function productDetails(response: { DetailsDocument?: unknown; Details?: string }): AmiProductDetails {
    let document: unknown = response.DetailsDocument;
    if ((document === undefined || document === null) && response.Details) {
        document = JSON.parse(response.Details);
    }
    const versions = (document as { Versions?: unknown } | undefined)?.Versions;
    return { Versions: Array.isArray(versions) ? (versions as AmiProductVersion[]) : [] };
}

/** Whether a delivery option delivers an AMI of this architecture (true when the source does not say). */
function deliversArchitecture(version: AmiProductVersion, option: AmiProductDeliveryOption, architecture: string): boolean {
    const source = (version.Sources ?? []).find((candidate) => candidate.Id !== undefined && candidate.Id === option.SourceId);
    return source?.Architecture === undefined || source.Architecture === architecture;
}

/** The versions, newest first: by CreationDate, and by list order (later is newer) where dates are equal or missing. */
function newestFirst(versions: AmiProductVersion[]): AmiProductVersion[] {
    return versions
        .map((version, index) => ({ version, index }))
        .sort((a, b) => (b.version.CreationDate ?? "").localeCompare(a.version.CreationDate ?? "") || b.index - a.index)
        .map((entry) => entry.version);
}

/**
 * The recommended instance type of the product's newest version that delivers this architecture, or
 * the fallback (t3.small for x86_64, t4g.small for arm64) when no version recommends one.
 */
export function recommendedInstanceType(details: AmiProductDetails, architecture: string): string {
    for (const version of newestFirst(details.Versions)) {
        for (const option of version.DeliveryOptions ?? []) {
            const instanceType = option.Recommendations?.InstanceType;
            if (instanceType && deliversArchitecture(version, option, architecture)) {
                return instanceType;
            }
        }
    }
    return FALLBACK_INSTANCE_TYPES[architecture] ?? FALLBACK_INSTANCE_TYPES.x86_64;
}

/**
 * The delivery option of this architecture in the version with this title, or, when `knownId` is
 * given, the delivery option with that ID. Undefined when the product has no such option.
 */
export function findDeliveryOption(details: AmiProductDetails, versionTitle: string, architecture: string, knownId?: string): FoundDeliveryOption | undefined {
    for (const version of details.Versions) {
        for (const option of version.DeliveryOptions ?? []) {
            if (!option.Id) {
                continue;
            }
            const matches = knownId
                ? option.Id === knownId
                : version.VersionTitle === versionTitle && deliversArchitecture(version, option, architecture);
            if (matches) {
                return { id: option.Id, visibility: option.Visibility ?? "" };
            }
        }
    }
    return undefined;
}
