import * as pulumi from "@pulumi/pulumi";
// The SDK's compute module, not its root, which loads all of its service modules (about 180 ms of
// CPU in every process that loads it).
import * as compute from "@pulumi/gcp/compute";
import { Architecture, GcpTarget, Release, VariantEntry, renderTemplate } from "../config/model";
import { ShieldedInstanceInitialState } from "./compute-client";
import { GcpArmImage } from "./arm-image";
import { GcpImageDeprecation } from "./deprecation";
import { importSource } from "../staging/stage";
import { gceName } from "./names";

export { gceName };

/** The role that lets a principal create disks and instances from an image. */
export const IMAGE_USER_ROLE = "roles/compute.imageUser";
/** The principal that makes an image public: every signed-in Google account. */
export const PUBLIC_MEMBER = "allAuthenticatedUsers";
/** Principals that would make an image public, never granted in dev. */
const publicPrincipals = ["allUsers", "allAuthenticatedUsers"];

/** Arguments of {@link GcpImage}. */
export interface GcpImageArgs {
    /** The release, resolved from config: version, artifacts, deprecation. */
    release: Release;
    /** x86_64 (gcp.compute.Image) or arm64 (the GcpArmImage dynamic resource). */
    architecture: Architecture;
    /** The GCP target block of the stack config. */
    target: GcpTarget;
    /** The product name, for the family template and the description. */
    product: string;
    /** The image name rendered from the naming template; made GCE-safe here. */
    imageName: string;
    /** The variant, when variants are configured: it picks its own definitions, family and labels. */
    variant?: VariantEntry;
    /** dev never shares publicly; prod shares publicly when config says so, and protects the image. */
    environment: "dev" | "prod";
    /** The URL of the image that replaces this one once the release is deprecated, such as the next release's selfLink. */
    replacement?: pulumi.Input<string>;
}

/** A label value GCE accepts: lower case letters, digits, "_" and "-", at most 63 characters. */
export function gceLabelValue(raw: string): string {
    return raw.toLowerCase().replace(/[^a-z0-9_-]+/g, "-").slice(0, 63);
}

/** The rawDisk source of an artifact: gs://bucket/object becomes https://storage.googleapis.com/bucket/object. */
export function rawDiskSource(uri: string): string {
    const m = /^gs:\/\/([^/]+)\/(.+)$/.exec(uri);
    return m ? `https://storage.googleapis.com/${m[1]}/${m[2]}` : uri;
}

/** The Secure Boot variables of config as the API takes them; undefined when config sets none. */
export function shieldedState(secureBoot: GcpTarget["secureBoot"]): ShieldedInstanceInitialState | undefined {
    if (!secureBoot) {
        return undefined;
    }
    const x509 = (content: string) => ({ content, fileType: "X509" });
    const state: ShieldedInstanceInitialState = {};
    if (secureBoot.pk) {
        state.pk = x509(secureBoot.pk);
    }
    if (secureBoot.keks.length > 0) {
        state.keks = secureBoot.keks.map(x509);
    }
    if (secureBoot.dbs.length > 0) {
        state.dbs = secureBoot.dbs.map(x509);
    }
    if (secureBoot.dbxs.length > 0) {
        state.dbxs = secureBoot.dbxs.map(x509);
    }
    return Object.keys(state).length > 0 ? state : undefined;
}

/**
 * The principals granted roles/compute.imageUser: allAuthenticatedUsers when sharing is public and the
 * environment is prod, then every configured member. In dev no public principal is ever granted,
 * whatever config says.
 */
export function imageUsers(sharing: GcpTarget["sharing"], environment: "dev" | "prod"): string[] {
    const members = [...(sharing.public && environment === "prod" ? [PUBLIC_MEMBER] : []), ...sharing.members];
    const granted = environment === "prod" ? members : members.filter((m) => !publicPrincipals.includes(m));
    return [...new Set(granted)];
}

/** The project of the images: the target's, else the gcp:project of the stack config. */
function projectOf(target: GcpTarget): string {
    const project = target.project ?? new pulumi.Config("gcp").get("project");
    if (!project) {
        throw new Error("the GCP target has no project: set gcp.project in the stack config or gcp:project");
    }
    return project;
}

/** A resource-name suffix for an IAM member, such as user-alice-example-com. */
function memberSlug(member: string): string {
    return member.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
}

/**
 * One release's image for one architecture in one project: x86_64 through gcp.compute.Image, arm64
 * through the GcpArmImage dynamic resource (architecture ARM64). The image is shared with
 * roles/compute.imageUser (publicly only in prod), deprecated through images.deprecate when the
 * release is deprecated, and protected in prod. Images are global, so `imageIds` has one entry,
 * "global".
 */
export class GcpImage extends pulumi.ComponentResource {
    /** "global" → projects/<project>/global/images/<name>. */
    public readonly imageIds: pulumi.Output<Record<string, string>>;
    /** The image name, GCE-safe. */
    public readonly imageName: pulumi.Output<string>;
    /** The image URL, for example as the replacement of an older release's image. */
    public readonly selfLink: pulumi.Output<string>;

    constructor(name: string, args: GcpImageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("image-publisher:gcp:Image", name, {}, opts);
        const { release, architecture, target, product, environment } = args;
        const artifact = release.artifacts.gcp?.[architecture];
        if (!artifact) {
            throw new Error(`release ${release.version} has no GCP artifact for ${architecture}`);
        }
        const project = projectOf(target);
        // An artifact outside Cloud Storage is copied into gcp.stagingBucket first; the image waits for the copy.
        const staged = importSource(name, "gcp", artifact, target.stagingBucket, { parent: this });
        const values = { product, version: release.version, arch: architecture, cloud: "gcp" as const, variant: args.variant?.name };
        const image = {
            project,
            name: gceName(args.imageName),
            source: rawDiskSource(staged.uri),
            family: target.family ? gceName(renderTemplate(target.family, values)) : undefined,
            description: `${product} ${release.version}${args.variant ? ` ${args.variant.name}` : ""} (${architecture})`,
            guestOsFeatures: [...target.guestOsFeatures],
            licenses: [...target.licenses],
            labels: {
                ...Object.fromEntries(Object.entries(target.labels).map(([k, v]) => [k, gceLabelValue(v)])),
                version: gceLabelValue(release.version),
                arch: gceLabelValue(architecture),
                ...(args.variant ? { variant: gceLabelValue(args.variant.name) } : {}),
            },
            storageLocations: [...target.storageLocations],
            shieldedInstanceInitialState: shieldedState(target.secureBoot),
        };
        const imageOpts: pulumi.CustomResourceOptions = {
            parent: this, protect: environment === "prod", ...(staged.dependsOn.length > 0 ? { dependsOn: staged.dependsOn } : {}),
        };

        let created: pulumi.CustomResource & { name: pulumi.Output<string>; selfLink: pulumi.Output<string> };
        if (architecture === "arm64") {
            created = new GcpArmImage(`${name}-image`, image, imageOpts);
        } else {
            created = new compute.Image(`${name}-image`, {
                project,
                name: image.name,
                description: image.description,
                rawDisk: { source: image.source, containerType: "TAR" },
                family: image.family,
                guestOsFeatures: image.guestOsFeatures.map((type) => ({ type })),
                licenses: image.licenses.length > 0 ? image.licenses : undefined,
                labels: image.labels,
                storageLocations: image.storageLocations.length > 0 ? image.storageLocations : undefined,
                shieldedInstanceInitialState: image.shieldedInstanceInitialState,
            }, imageOpts);
        }

        for (const member of imageUsers(target.sharing, environment)) {
            const suffix = member === PUBLIC_MEMBER ? "public" : `user-${memberSlug(member)}`;
            new compute.ImageIamMember(`${name}-${suffix}`, {
                project,
                image: created.name,
                role: IMAGE_USER_ROLE,
                member,
            }, { parent: this });
        }

        if (release.deprecation?.passed) {
            // GCE's deprecation timestamps are informational only: the state changes when someone changes
            // it (https://cloud.google.com/compute/docs/reference/rest/v1/images/deprecate), so the image is
            // deprecated on the first run on or after the date, and not before.
            new GcpImageDeprecation(`${name}-deprecation`, {
                project,
                image: created.name,
                deprecated: release.deprecation.time,
                replacement: args.replacement,
            }, { parent: this, deletedWith: created }); // a removed release's deprecation is not taken back on the way (see AwsImage)
        }

        this.imageName = created.name;
        this.selfLink = created.selfLink;
        this.imageIds = created.name.apply((n): Record<string, string> => ({ global: `projects/${project}/global/images/${n}` }));
        this.registerOutputs({ imageIds: this.imageIds, imageName: this.imageName, selfLink: this.selfLink });
    }
}
