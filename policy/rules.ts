/**
 * The release-safety rules, as pure functions over a neutral resource shape, so that the same rules
 * run inside the Pulumi policy pack (policy/pack.ts) and inside the offline plan (tools/plan.ts).
 * Each rule returns the violation messages of one resource, or of the whole stack.
 */

/** The two kinds of stack: dev publishes nothing publicly, prod publishes everything. */
export type Environment = "dev" | "prod";

/** The resource options the rules look at. */
export interface NeutralOptions {
    /** The `protect` option. */
    protect?: boolean;
    /** The `retainOnDelete` option; unknown (absent) inside the policy pack, which does not receive it. */
    retainOnDelete?: boolean;
    /** The `ignoreChanges` option: property paths whose changes are ignored. */
    ignoreChanges?: string[];
}

/** A resource as the rules see it: the same shape from the policy pack and from the offline plan. */
export interface NeutralResource {
    /** The Pulumi type token, such as aws:ec2/ami:Ami. */
    type: string;
    /** The resource name. */
    name: string;
    /** The resource inputs (or, in a stack validation, its properties). */
    inputs: Record<string, unknown>;
    /** The resource options. */
    options: NeutralOptions;
    /** The environment of the stack it belongs to; checkResources' environment when absent. */
    stack?: Environment;
    /** Whether its release is marked `unpublish: true`, a reviewed revocation; unknown (absent) inside the policy pack. */
    unpublished?: boolean;
    /**
     * Whether its release is marked `retire` or `unpublish` in the stack file, so unprotected on purpose;
     * the policy pack, which sees neither retainOnDelete nor the stack config, learns it from its config.
     */
    leaving?: boolean;
}

/** One broken rule. */
export interface Violation {
    /** The policy's name. */
    policy: string;
    /** The resource's name, or "(stack)" for a stack-wide violation. */
    resource: string;
    /** What is wrong and how to fix it. */
    message: string;
}

/** Rule names, shared by the pack and the plan. */
export const policyNames = {
    noPublicInDev: "no-public-images-in-dev",
    noPublicEncryptedAmi: "no-public-ami-with-encrypted-snapshot",
    protectProdImages: "protect-prod-images",
    noGalleryImageReplacement: "no-gallery-image-definition-replacement",
} as const;

/** The dynamic resource types that make an image public: each dynamic resource has its own type token. */
export const publicDynamicTypes = ["pulumi-nodejs:dynamic/alicloud:CommunityShare", "pulumi-nodejs:dynamic/azure:CommunitySharing"] as const;

/** The type token of a dynamic resource registered without a module and type of its own. */
export const dynamicResourceType = "pulumi-nodejs:dynamic:Resource";

/** Resource types that are published images or gallery definitions and must outlive a stack change in prod. */
export const protectedImageTypes = [
    "aws:ec2/ami:Ami",
    "aws:ec2/amiCopy:AmiCopy",
    "azure-native:compute:GalleryImage",
    "azure-native:compute:GalleryImageVersion",
    "gcp:compute/image:Image",
    "alicloud:ecs/imageImport:ImageImport",
    "alicloud:ecs/imageCopy:ImageCopy",
    "openstack:images/image:Image",
] as const;

/** The gallery image definition fields whose change replaces the definition. */
export const galleryImageReplacementFields = ["identifier", "osType", "hyperVGeneration", "architecture"] as const;

/** The type token of an Azure gallery image definition. */
export const galleryImageType = "azure-native:compute:GalleryImage";

const publicGcpMembers = ["allUsers", "allAuthenticatedUsers"];

/** Whether a GCP IAM member opens an image to everyone, or to a whole domain, which is as broad in a dev stack. */
function broadGcpMember(member: string): boolean {
    return publicGcpMembers.includes(member) || member.startsWith("domain:");
}

/** Why a resource makes an image public, or undefined when it does not. */
export function publicExposure(resource: NeutralResource): string | undefined {
    const i = resource.inputs;
    switch (resource.type) {
        case "aws:ec2/amiLaunchPermission:AmiLaunchPermission":
            return i.group === "all" ? "launch permission for group \"all\"" : undefined;
        case "aws:ec2/snapshotCreateVolumePermission:SnapshotCreateVolumePermission":
            return i.accountId === "all" || i.group === "all" ? "create-volume permission for everyone" : undefined;
        case "gcp:compute/imageIamMember:ImageIamMember":
            return broadGcpMember(String(i.member)) ? `IAM member ${String(i.member)}` : undefined;
        case "gcp:compute/imageIamBinding:ImageIamBinding": {
            const members = Array.isArray(i.members) ? i.members.map(String) : [];
            const open = members.filter(broadGcpMember);
            return open.length > 0 ? `IAM members ${open.join(", ")}` : undefined;
        }
        case "openstack:images/image:Image":
            return i.visibility === "public" || i.visibility === "community" ? `visibility ${String(i.visibility)}` : undefined;
        case "azure-native:compute:Gallery": {
            const profile = i.sharingProfile as { permissions?: unknown } | undefined;
            return profile?.permissions === "Community" ? "gallery sharing permissions Community" : undefined;
        }
        case dynamicResourceType:
            return i.isPublic === true ? "dynamic resource with isPublic true" : undefined;
        default:
            return (publicDynamicTypes as readonly string[]).includes(resource.type) ? `dynamic resource ${resource.type}` : undefined;
    }
}

/** (a) Nothing public in dev. */
export function noPublicInDev(resource: NeutralResource, environment: Environment): string[] {
    if (environment !== "dev") {
        return [];
    }
    const why = publicExposure(resource);
    return why ? [`${resource.type} "${resource.name}" makes an image public (${why}), and this is a dev stack; share it with named accounts instead, or publish from prod.`] : [];
}

/**
 * (c) In prod, published images and gallery definitions are protected or retained on delete, and so is
 * everything that makes an image public: removing a release deletes those leaves first (the engine
 * deletes dependents before what they depend on), so an unprotected one would be revoked before the
 * removal stops at a protected image. A release marked `unpublish: true` is exempt: revoking it is the
 * reviewed intent; so is one marked `retire: true` (retained on delete) where retainOnDelete cannot be seen.
 */
export function protectProdImages(resource: NeutralResource, environment: Environment): string[] {
    if (environment !== "prod" || resource.unpublished === true || resource.leaving === true) {
        return [];
    }
    const { protect, retainOnDelete } = resource.options;
    if (protect === true || retainOnDelete === true) {
        return [];
    }
    if ((protectedImageTypes as readonly string[]).includes(resource.type)) {
        return [`${resource.type} "${resource.name}" is a published image in prod and has neither protect nor retainOnDelete; set protect: true.`];
    }
    const why = publicExposure(resource);
    return why === undefined ? [] : [`${resource.type} "${resource.name}" makes an image public in prod (${why}) and has neither protect nor retainOnDelete; ` +
        "removing its release would revoke it before stopping at the protected image. Protect it with its release, or mark the release retire or unpublish."];
}

/** Whether ignoreChanges covers a top-level field. */
function ignores(ignoreChanges: string[] | undefined, field: string): boolean {
    return (ignoreChanges ?? []).some((p) => p === field || p === "*");
}

/** (d) In prod, a gallery image definition is protected and ignores changes to the fields that would replace it. */
export function noGalleryImageReplacement(resource: NeutralResource, environment: Environment): string[] {
    if (environment !== "prod" || resource.type !== galleryImageType) {
        return [];
    }
    const problems: string[] = [];
    if (resource.options.protect !== true) {
        problems.push(`${galleryImageType} "${resource.name}" is a gallery image definition in prod and is not protected; set protect: true, since a definition in use must never be replaced or deleted.`);
    }
    const missing = galleryImageReplacementFields.filter((f) => !ignores(resource.options.ignoreChanges, f));
    if (missing.length > 0) {
        problems.push(`${galleryImageType} "${resource.name}" does not ignore changes to ${missing.join(", ")}; a change there would replace the definition. Add them to ignoreChanges.`);
    }
    return problems;
}

/** (b) No public AMI while a snapshot import is encrypted: an encrypted snapshot cannot back a public AMI. */
export function noPublicEncryptedAmi(resources: NeutralResource[]): Violation[] {
    const publicAmis = resources.filter((r) => r.type === "aws:ec2/amiLaunchPermission:AmiLaunchPermission" && r.inputs.group === "all");
    if (publicAmis.length === 0) {
        return [];
    }
    return resources
        .filter((r) => r.type === "aws:ebs/snapshotImport:SnapshotImport" && r.inputs.encrypted === true)
        .map((r) => ({
            policy: policyNames.noPublicEncryptedAmi,
            resource: r.name,
            message: `aws:ebs/snapshotImport:SnapshotImport "${r.name}" is encrypted while ${publicAmis.length} launch permission(s) make AMIs public (${publicAmis.map((p) => `"${p.name}"`).join(", ")}); an AMI with an encrypted snapshot cannot be public. Set aws.image.encrypted to false or stop sharing publicly.`,
        }));
}

/** A rule over one resource. */
export type ResourceRule = (resource: NeutralResource, environment: Environment) => string[];

/** The per-resource rules, by policy name. */
export const resourceRules: Record<Exclude<(typeof policyNames)[keyof typeof policyNames], typeof policyNames.noPublicEncryptedAmi>, ResourceRule> = {
    [policyNames.noPublicInDev]: noPublicInDev,
    [policyNames.protectProdImages]: protectProdImages,
    [policyNames.noGalleryImageReplacement]: noGalleryImageReplacement,
};

/** Runs every rule over a stack's resources; each resource's own `stack` wins over `environment`. */
export function checkResources(resources: NeutralResource[], environment: Environment): Violation[] {
    const violations: Violation[] = [];
    for (const resource of resources) {
        for (const [policy, rule] of Object.entries(resourceRules)) {
            for (const message of rule(resource, resource.stack ?? environment)) {
                violations.push({ policy, resource: resource.name, message });
            }
        }
    }
    return [...violations, ...noPublicEncryptedAmi(resources)];
}

/** The environment a stack name implies: "prod" when it contains prod, "dev" when it contains dev, else undefined. */
export function environmentOfStackName(stack: string): Environment | undefined {
    // Whole words of the name only, so that "acme-product-dev" is a dev stack, not a prod one.
    const words = (stack.toLowerCase().split("/").pop() ?? "").split(/[^a-z0-9]+/);
    if (words.some((w) => w === "prod" || w === "production")) {
        return "prod";
    }
    return words.some((w) => w === "dev" || w === "development") ? "dev" : undefined;
}

/**
 * Why a stack's name and its environment disagree, or undefined when they agree: a stack whose
 * name says prod (or dev) must be that environment, so that `--stack dev` with a prod config, or a
 * prod stack whose config says dev, is refused. A name that says neither is not checked here.
 * The program's config validation and the policy pack both decide with this.
 */
export function stackEnvironmentProblem(stack: string, environment: string): string | undefined {
    const named = environmentOfStackName(stack);
    if (named === undefined || named === environment) {
        return undefined;
    }
    return `is ${environment}, but stack "${stack}" is named for ${named}; allowed: ${named} in this stack, or the ${environment} stack`;
}
