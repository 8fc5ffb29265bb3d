/**
 * The policies of the image-publisher policy pack: thin adapters from @pulumi/policy's arguments to
 * the neutral rules in ./rules. Kept apart from index.ts, whose PolicyPack constructor starts the
 * analyzer's gRPC server, so that tests can call these validations directly.
 */
import type {
    PolicyConfigSchema, PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import {
    Environment, NeutralResource, ResourceRule, environmentOfStackName, noGalleryImageReplacement, noPublicEncryptedAmi, noPublicInDev,
    policyNames, protectProdImages, stackEnvironmentProblem,
} from "./rules";

/** The stack tag that names the environment, set with `pulumi stack tag set image-publisher:environment prod`. */
export const environmentTag = "image-publisher:environment";

/** The policy config every environment-dependent policy accepts: `{"environment": "dev"|"prod"}`. */
export const environmentConfigSchema: PolicyConfigSchema = {
    properties: {
        environment: { type: "string", enum: ["dev", "prod"], description: "dev or prod; by default taken from the stack tag image-publisher:environment, else from the stack name." },
    },
};

/**
 * The config of protect-prod-images: the environment, and the releases marked `retire` or
 * `unpublish` in the stack file, whose resources are unprotected on purpose. `npm run policy-config`
 * writes it from the stack file for `pulumi up --policy-pack-config`.
 */
export const protectConfigSchema: PolicyConfigSchema = {
    properties: {
        ...environmentConfigSchema.properties,
        leavingReleases: {
            type: "array",
            items: { type: "string" },
            description: "The versions marked retire or unpublish in the stack file; their resources (named release-<version>-...) may be unprotected.",
        },
    },
};

/** Whether a resource belongs to one of these releases: the program names every resource of a release release-<version>-... */
export function ofReleases(name: string, versions: readonly string[]): boolean {
    return versions.some((v) => name.startsWith(`release-${v}-`));
}

/** The stack name inside a URN: urn:pulumi:<stack>::<project>::<type>::<name>. */
export function stackOfUrn(urn: string): string | undefined {
    const m = /^urn:pulumi:([^:]+)::/.exec(urn);
    return m ? m[1] : undefined;
}

/** Where the environment can come from inside the pack, most specific first. */
export interface EnvironmentSources {
    /** The policy's config. */
    config: { environment?: string };
    /** The stack's tags. */
    stackTags: ReadonlyMap<string, string>;
    /** A URN of a resource in the stack. */
    urn?: string;
}

/** The environment: policy config, else the stack tag, else the stack name ("prod" or "dev" in it); undefined when none says. */
export function resolveEnvironment(sources: EnvironmentSources): Environment | undefined {
    for (const value of [sources.config.environment, sources.stackTags.get(environmentTag)]) {
        if (value === "dev" || value === "prod") {
            return value;
        }
    }
    const stack = sources.urn === undefined ? undefined : stackOfUrn(sources.urn);
    return stack === undefined ? undefined : environmentOfStackName(stack);
}

/** The neutral shape of a resource under validation. retainOnDelete is not passed to policy packs, so it stays unknown. */
export function fromResourceArgs(args: Pick<ResourceValidationArgs, "type" | "name" | "props" | "opts">): NeutralResource {
    return {
        type: args.type,
        name: args.name,
        inputs: args.props,
        options: { protect: args.opts.protect, ignoreChanges: args.opts.ignoreChanges },
    };
}

/** The neutral shape of a resource of the stack. */
export function fromPolicyResource(resource: Pick<PolicyResource, "type" | "name" | "props" | "opts">): NeutralResource {
    return fromResourceArgs(resource);
}

const unknownEnvironment = "the stack's environment is unknown; see the stack-environment-known policy";

/** A resource policy that runs one neutral rule in the stack's environment. */
function resourcePolicy(name: string, description: string, rule: ResourceRule, configSchema = environmentConfigSchema): ResourceValidationPolicy {
    return {
        name,
        description,
        enforcementLevel: "mandatory",
        configSchema,
        validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
            const config = args.getConfig<{ environment?: string; leavingReleases?: string[] }>();
            const environment = resolveEnvironment({ config, stackTags: args.stackTags, urn: args.urn });
            if (environment === undefined) {
                args.notApplicable(unknownEnvironment);
            }
            const resource = fromResourceArgs(args);
            if (ofReleases(args.name, config.leavingReleases ?? [])) {
                resource.leaving = true;
            }
            for (const message of rule(resource, environment)) {
                report(message);
            }
        },
    };
}

/** The policies of the pack. */
export const policies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
    resourcePolicy(policyNames.noPublicInDev,
        "A dev stack makes nothing public: no public launch or create-volume permission, no allUsers IAM member, no public or community Glance image, no Community gallery, no community share.",
        noPublicInDev),
    resourcePolicy(policyNames.protectProdImages,
        "In prod, published images, gallery definitions and everything that makes an image public are protected or retained, so that removing a release from config cannot delete or revoke them.",
        protectProdImages, protectConfigSchema),
    resourcePolicy(policyNames.noGalleryImageReplacement,
        "In prod, an Azure gallery image definition is protected and ignores changes to identifier, osType, hyperVGeneration and architecture, which would replace it.",
        noGalleryImageReplacement),
    {
        name: policyNames.noPublicEncryptedAmi,
        description: "No AMI is made public while a snapshot import is encrypted: an encrypted snapshot cannot back a public AMI.",
        enforcementLevel: "mandatory",
        validateStack: (args: StackValidationArgs, report: ReportViolation) => {
            const byName = new Map(args.resources.map((r) => [r.name, r.urn]));
            for (const v of noPublicEncryptedAmi(args.resources.map(fromPolicyResource))) {
                report(v.message, byName.get(v.resource));
            }
        },
    },
    {
        name: "stack-environment-known",
        description: "The pack can tell whether the stack is dev or prod: from the policy config environment, the stack tag image-publisher:environment, or a stack name containing dev or prod.",
        enforcementLevel: "mandatory",
        configSchema: environmentConfigSchema,
        validateStack: (args: StackValidationArgs, report: ReportViolation) => {
            const urn = args.resources[0]?.urn;
            if (urn === undefined) {
                args.notApplicable("the stack has no resources");
            }
            if (resolveEnvironment({ config: args.getConfig<{ environment?: string }>(), stackTags: args.stackTags, urn }) === undefined) {
                report(`cannot tell whether stack "${stackOfUrn(urn) ?? urn}" is dev or prod: name it with dev or prod, set the stack tag ${environmentTag}, or set "environment" in the policy config.`);
            }
        },
    },
    {
        name: "stack-environment-matches-name",
        description: "The environment the pack is told (policy config environment, stack tag image-publisher:environment) is the one the stack's name says, as the program's config validation requires of the stack file's environment.",
        enforcementLevel: "mandatory",
        configSchema: environmentConfigSchema,
        validateStack: (args: StackValidationArgs, report: ReportViolation) => {
            const urn = args.resources[0]?.urn;
            if (urn === undefined) {
                args.notApplicable("the stack has no resources");
            }
            const stack = stackOfUrn(urn) ?? urn;
            const told: [string, unknown][] = [
                ["the policy config environment", args.getConfig<{ environment?: string }>().environment],
                [`the stack tag ${environmentTag}`, args.stackTags.get(environmentTag)],
            ];
            for (const [source, value] of told) {
                const problem = typeof value === "string" ? stackEnvironmentProblem(stack, value) : undefined;
                if (problem) {
                    report(`${source} ${problem}`);
                }
            }
        },
    },
];
