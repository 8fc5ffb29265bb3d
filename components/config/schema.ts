import { z } from "zod";

/** The architectures a release can ship. */
export const architectures = ["x86_64", "arm64"] as const;
/** The clouds this program publishes to, in the order they are listed everywhere. */
export const clouds = ["aws", "azure", "gcp", "alicloud", "openstack"] as const;

const versionPattern = /^[0-9]+\.[0-9]+(\.[0-9]+)?$/;
const sha256Pattern = /^[0-9a-f]{64}$/;
const awsAccountPattern = /^[0-9]{12}$/;
/** Minutes, for the timeouts of long AWS operations. */
const minutes = z.number().int().min(1).max(10_080);
const uuidPattern = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const templateFields = ["product", "version", "major", "minor", "arch", "cloud", "variant"];

const nonEmpty = z.string().min(1, { error: "must not be empty" });

/** A variant name: it goes into image names, resource names and the outputs, beside architecture names. */
const variantName = z.string().regex(/^[a-z][a-z0-9-]{0,23}$/, { error: "is not a variant name; allowed: 1-24 lower-case letters, digits and hyphens, starting with a letter" });

/** The placeholders of a template that are not known, such as ["{minr}"]. */
export function unknownPlaceholders(text: string, known: string[] = templateFields): string[] {
    return [...text.matchAll(/\{([^}]*)\}/g)].filter((m) => !known.includes(m[1])).map((m) => m[0]);
}

/** What a template may use, for messages. */
const allowedPlaceholders = templateFields.map((f) => `{${f}}`).join(", ");

/**
 * A template such as "{product}-{version}-{arch}"; only known placeholders are allowed, because an
 * unknown one would be sent as literal text (such as "9.{minr}").
 */
const template = nonEmpty.refine((t) => unknownPlaceholders(t).length === 0, {
    error: (issue) => {
        const unknown = unknownPlaceholders(String(issue.input));
        return `uses the unknown placeholder${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}; allowed: ${allowedPlaceholders}`;
    },
});

/** The placeholders a Marketplace listing text may use: the release, the product and the variant, never the cloud. */
const listingFields = ["product", "version", "major", "minor", "arch", "variant"];

/**
 * A Marketplace listing text (version title, release notes): a template over {@link listingFields}. An
 * unknown placeholder is refused, since it would reach customers as literal text.
 */
const listingTemplate = nonEmpty.refine((t) => unknownPlaceholders(t, listingFields).length === 0, {
    error: (issue) => {
        const unknown = unknownPlaceholders(String(issue.input), listingFields);
        return `uses the unknown placeholder${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}; allowed: ${listingFields.map((f) => `{${f}}`).join(", ")}`;
    },
});

/**
 * An artifact URI of one of the schemes, with a host (bucket) and a path. `file:` is the exception:
 * a local file is `file:///absolute/path` (RFC 8089), and `file://host/path` would be read as the
 * relative path host/path, so it is refused. Plain `http:` is refused everywhere: an artifact
 * fetched over it can be changed on the way.
 */
const uri = (schemes: string[], example: string) =>
    template.refine(
        (value) => {
            const m = /^([a-z0-9+]+):\/\/([^/\s]*)\/(\S+)$/.exec(value);
            return m !== null && schemes.includes(m[1]) && (m[1] === "file" ? m[2] === "" : m[2] !== "");
        },
        { error: `is not a valid artifact URI; allowed: ${schemes.map((s) => (s === "file" ? "file:/// (an absolute path, no host)" : `${s}://`)).join(" or ")} URIs such as ${example}` },
    );

/** One artifact: a URI (templates allowed), optionally with its sha256. */
const artifact = (schemes: string[], example: string) =>
    z.union([
        uri(schemes, example),
        z.strictObject({
            /** Where the artifact is. */
            uri: uri(schemes, example),
            /** The artifact's sha256, lower-case hex. */
            sha256: z.string().regex(sha256Pattern, { error: "is not a sha256; allowed: 64 lower-case hex digits" }).optional(),
            /** The artifact's size in bytes, as its store reported it when the release was added. */
            size: z.number().int({ error: "is not a size; allowed: a whole number of bytes" }).positive({ error: "is not a size; allowed: a whole number of bytes" }).optional(),
        }),
    ]);

/** Per-architecture artifacts of one cloud, or one template for every architecture. */
const cloudArtifacts = (schemes: string[], example: string) =>
    z.union([
        artifact(schemes, example),
        z.partialRecord(z.enum(architectures), artifact(schemes, example)),
    ]);

const artifactSchemes = {
    aws: [["s3", "file"], "s3://bucket/{product}-{version}-{arch}.raw"],
    azure: [["https"], "https://host/{product}-{version}-{arch}.vhd"],
    // s3:// (and, for GCP, an https:// URL outside storage.googleapis.com) is staged first: see gcp.stagingBucket, alicloud.stagingBucket.
    gcp: [["gs", "https", "s3"], "gs://bucket/{product}-{version}-{arch}-gcpimage.tar.gz"],
    alicloud: [["oss", "s3", "https"], "oss://bucket/{product}-{version}-{arch}.qcow2"],
    openstack: [["https"], "https://host/{product}-{version}-{arch}.qcow2"],
} as const satisfies Record<(typeof clouds)[number], readonly [readonly string[], string]>;

const artifactsSchema = z.strictObject(
    Object.fromEntries(
        Object.entries(artifactSchemes).map(([cloud, [schemes, example]]) => [cloud, cloudArtifacts([...schemes], example).optional()]),
    ) as { [C in (typeof clouds)[number]]: z.ZodOptional<ReturnType<typeof cloudArtifacts>> },
);

/** One release of the product. */
export const releaseSchema = z.strictObject({
    version: z.string().regex(versionPattern, { error: "is not a valid version; allowed: MAJOR.MINOR or MAJOR.MINOR.PATCH, digits only, no \"v\" prefix" }),
    architectures: z.array(z.enum(architectures)).min(1).default(["x86_64", "arm64"]),
    artifacts: artifactsSchema,
    /** The UTC day the release is deprecated from; absent while it is current. */
    deprecated: z.iso.date({
        error: (issue) => "is not a date; allowed: YYYY-MM-DD, the UTC day the release is deprecated from, or no key while it is current" +
            (typeof issue.input === "boolean" ? "; `npm run release -- deprecate VERSION` writes today's date (UTC)" : ""),
    }).optional(),
    releaseNotes: listingTemplate.optional(),
    /** false leaves this release off AWS Marketplace, on purpose; otherwise prod needs a product for its major version. */
    awsMarketplace: z.boolean().optional(),
    /** true: every resource of the release is unprotected and retained on delete, so that removing the entry later leaves it public. */
    retire: z.boolean().optional(),
    /** true: every resource of the release is unprotected and deleted with it, so that removing the entry later revokes it. */
    unpublish: z.boolean().optional(),
    /** true: the release takes the stack-wide settings as they are now, even where that replaces its published images. */
    reapplySettings: z.boolean().optional(),
    /** With variants: the variants this release ships; every configured variant when left out. */
    variants: z.array(variantName).min(1).optional(),
    /** With variants: the release keeps the one image per cloud it was published with before the stack had variants. */
    withoutVariants: z.boolean().optional(),
});

const tags = z.record(z.string(), z.string()).default({});

/** The boot modes RegisterImage takes. */
const awsBootMode = z.enum(["legacy-bios", "uefi", "uefi-preferred"]);
/** The security types of an Azure gallery image definition. */
const azureSecurityType = z.enum(["Standard", "TrustedLaunchSupported", "ConfidentialVMSupported", "TrustedLaunchAndConfidentialVmSupported"]);
/** The Hyper-V generations of an Azure image definition. */
const azureGenerations = z.array(z.enum(["V1", "V2"])).min(1);
/** The guest OS features images.insert takes. */
const gcpGuestOsFeatures = z.array(z.enum([
    "UEFI_COMPATIBLE", "GVNIC", "VIRTIO_SCSI_MULTIQUEUE", "SEV_CAPABLE", "SEV_SNP_CAPABLE", "SEV_LIVE_MIGRATABLE",
    "SEV_LIVE_MIGRATABLE_V2", "TDX_CAPABLE", "IDPF", "SUSPEND_RESUME_COMPATIBLE", "MULTI_IP_SUBNET", "SECURE_BOOT", "WINDOWS",
]));
/**
 * RegisterImage UefiData: "Base64 representation of the non-volatile UEFI variable store", such as
 * the Secure Boot keys python-uefivars writes (docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RegisterImage.html).
 */
const awsUefiData = z.string().regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, { error: "is not base64; allowed: the UEFI variable store as base64, such as python-uefivars writes" })
    .min(4, { error: "is not base64; allowed: the UEFI variable store as base64, such as python-uefivars writes" });

/** The boot modes ImportImage takes. */
const alicloudBootMode = z.enum(["BIOS", "UEFI"], { error: "is not a boot mode ImportImage takes; allowed: BIOS or UEFI (UEFI for arm64)" });

const awsRegions = z.union([z.literal("all"), z.array(nonEmpty).min(1)]);

export const awsMarketplaceSchema = z.strictObject({
    enabled: z.boolean().default(false),
    accessRoleArn: z.string().regex(/^arn:aws[a-z-]*:iam::[0-9]{12}:role\/\S+$/, { error: "is not an IAM role ARN; allowed: arn:aws:iam::<12-digit account>:role/<name>" }).optional(),
    products: z.record(z.string(), z.partialRecord(z.enum(architectures), nonEmpty)).default({}),
    devProductId: nonEmpty.optional(),
    osName: nonEmpty.default("OTHERLINUX"),
    osVersion: template.optional(),
    versionTitle: listingTemplate.refine((t) => t.includes("{version}"), {
        // A title is unique within a product (Catalog API, AddDeliveryOptions: "VersionTitle ... must be
        // unique"); only {version} tells apart the releases of one major version, such as 1592.4 and 1592.5.
        error: "must contain {version}: a version title is unique within a product, and only {version} tells two releases of one product apart",
    }).default("{version}"),
    releaseNotes: listingTemplate.default("{product} {version}"),
    username: nonEmpty.default("ec2-user"),
    scanningPort: z.number().int().min(1).max(65535).default(22),
    usageInstructions: nonEmpty.default("Connect with SSH as the user named in the product's usage instructions."),
    recommendedInstanceType: nonEmpty.optional(),
    securityGroups: z.array(z.strictObject({
        ipProtocol: z.enum(["tcp", "udp"]),
        fromPort: z.number().int().min(0).max(65535),
        toPort: z.number().int().min(0).max(65535),
        ipRanges: z.array(nonEmpty).min(1),
    })).default([{ ipProtocol: "tcp", fromPort: 22, toPort: 22, ipRanges: ["0.0.0.0/0"] }]),
    waitForCompletion: z.boolean().default(true),
    /** The variant the products list, when variants are configured; optional when one variant goes to AWS. */
    variant: variantName.optional(),
});

export const awsSchema = z.strictObject({
    enabled: z.boolean().default(false),
    sourceRegion: nonEmpty.default("us-east-1"),
    regions: awsRegions.default(["us-east-1"]),
    importRoleName: nonEmpty.default("vmimport"),
    uploadBucket: nonEmpty.optional(),
    image: z.strictObject({
        bootMode: awsBootMode.default("uefi-preferred"),
        enaSupport: z.boolean().default(true),
        // The provider registers every AMI with sriov_net_support "simple" unless told otherwise, and AWS
        // has no way to turn it off again (RegisterImage: "There is no way to disable sriovNetSupport at
        // this time"); so only true, what every AMI gets, is accepted.
        sriovNetSupport: z.literal(true, { error: "cannot be switched off: AWS registers every AMI with SR-IOV \"simple\" and has no way to disable it; allowed: true, or leave the key out" }).default(true),
        imdsV2: z.boolean().default(true),
        tpmSupport: z.boolean().default(false),
        /** The UEFI variable store (Secure Boot keys) the AMI starts with, base64; none by default. */
        uefiData: awsUefiData.optional(),
        // RegisterImage refuses a root volume smaller than its snapshot, so the default is the imported
        // snapshot's own size and config can only raise it.
        volumeSize: z.number().int().min(1).max(16384).optional(),
        rootDeviceName: nonEmpty.default("/dev/xvda"),
        encrypted: z.boolean().default(false),
        kmsKeyId: nonEmpty.optional(),
        description: z.string().optional(),
    }).prefault({}),
    sharing: z.strictObject({
        public: z.boolean().default(false),
        accounts: z.array(z.string().regex(awsAccountPattern, { error: "is not an AWS account ID; allowed: 12 digits" })).default([]),
        organizations: z.array(z.string().regex(/^arn:aws[a-z-]*:organizations::[0-9]{12}:organization\/o-[a-z0-9]{10,32}$/, { error: "is not an organization ARN; allowed: arn:aws:organizations::<account>:organization/o-<id>" })).default([]),
        organizationalUnits: z.array(z.string().regex(/^arn:aws[a-z-]*:organizations::[0-9]{12}:ou\/o-[a-z0-9]{10,32}\/ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}$/, { error: "is not an organizational unit ARN; allowed: arn:aws:organizations::<account>:ou/o-<id>/ou-<id>" })).default([]),
        snapshotVolumePermission: z.boolean().default(false),
        unblockPublicAccess: z.boolean().default(false),
    }).prefault({}),
    tags,
    // How long `pulumi up` waits for each long operation before it gives up. The defaults fit a 10 GiB
    // image: VM Import takes about half an hour for it, a cross-region copy a quarter of an hour to
    // three quarters, a Marketplace scan and review one to two hours; their sum along the longest path
    // (import, AMI, one copy, change set) stays under the publish workflow's job limit.
    timeouts: z.strictObject({
        importMinutes: minutes.default(90),
        copyMinutes: minutes.default(60),
        marketplaceMinutes: minutes.default(150),
    }).prefault({}),
    marketplace: awsMarketplaceSchema.prefault({}),
});

export const azureMarketplaceSchema = z.strictObject({
    enabled: z.boolean().default(false),
    offerId: nonEmpty.optional(),
    planId: nonEmpty.optional(),
    tenantId: z.string().regex(uuidPattern, { error: "is not a tenant ID; allowed: a GUID" }).optional(),
    clientId: z.string().regex(uuidPattern, { error: "is not a client ID; allowed: a GUID" }).optional(),
    publish: z.boolean().default(false),
    devOfferId: nonEmpty.optional(),
    /** The variant the plan lists, when variants are configured; optional when one variant goes to Azure. */
    variant: variantName.optional(),
});

export const azureSchema = z.strictObject({
    enabled: z.boolean().default(false),
    subscriptionId: z.string().regex(uuidPattern, { error: "is not a subscription ID; allowed: a GUID" }).optional(),
    location: nonEmpty.default("westeurope"),
    resourceGroup: z.strictObject({ name: nonEmpty, create: z.boolean().default(true) }),
    storageAccount: z.strictObject({
        name: z.string().regex(/^[a-z0-9]{3,24}$/, { error: "is not a storage account name; allowed: 3-24 lower-case letters and digits" }),
        create: z.boolean().default(true),
        // The kind of identity that runs `pulumi up`, given to the blob data role assignment of a created
        // account: Azure refuses an assignment whose principalType is not the principal's (UnmatchedPrincipalType).
        // The assignee is getClientConfig's objectId, the signed-in user or service principal: a group never
        // signs in, so "Group" could only be refused.
        deployerType: z.enum(["ServicePrincipal", "User"], { error: "is not the kind of identity that runs pulumi up; allowed: ServicePrincipal, User" })
            .default("ServicePrincipal"),
    }),
    container: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$/, { error: "is not a container name; allowed: 3-63 lower-case letters, digits and hyphens" }).default("vhds"),
    transferMode: z.enum(["server-side", "stream"]).default("server-side"),
    gallery: z.strictObject({
        name: z.string().regex(/^[A-Za-z0-9_.]{1,80}$/, { error: "is not a gallery name; allowed: letters, digits, '_' and '.'" }),
        publicNamePrefix: z.string().regex(/^[A-Za-z0-9]{5,16}$/, { error: "is not a public name prefix; allowed: 5-16 letters and digits" }).optional(),
        publisherContact: z.email({ error: "is not an e-mail address" }).optional(),
        publisherUri: z.url({ error: "is not a URL" }).optional(),
        eula: z.string().optional(),
    }),
    image: z.strictObject({
        publisher: nonEmpty,
        offer: nonEmpty,
        sku: template.default("{product}"),
        hyperVGenerations: azureGenerations.default(["V2"]),
        securityType: azureSecurityType.default("TrustedLaunchSupported"),
        diskControllerTypes: z.array(z.enum(["SCSI", "NVMe"])).default(["SCSI", "NVMe"]),
        acceleratedNetworking: z.boolean().default(true),
    }),
    regions: z.array(z.strictObject({
        name: nonEmpty,
        replicaCount: z.number().int().min(1).max(100).default(1),
        storageAccountType: z.enum(["Standard_LRS", "Standard_ZRS", "Premium_LRS"]).default("Standard_LRS"),
    })).min(1),
    sharing: z.strictObject({ community: z.boolean().default(false) }).prefault({}),
    tags,
    marketplace: azureMarketplaceSchema.prefault({}),
});

/** Cloud Storage bucket names: 3-63 characters, lower-case letters, digits, "-", "_" and ".", starting and ending with a letter or digit (cloud.google.com/storage/docs/buckets#naming). */
const gcsBucket = z.string().regex(/^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/, { error: "is not a Cloud Storage bucket name; allowed: 3-63 lower-case letters, digits, '-', '_' and '.', starting and ending with a letter or digit" });

/** OSS bucket names: 3-63 characters, lower-case letters, digits and "-", starting and ending with a letter or digit (OSS bucket naming conventions). */
const ossBucket = z.string().regex(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, { error: "is not an OSS bucket name; allowed: 3-63 lower-case letters, digits and '-', starting and ending with a letter or digit" });

export const gcpSchema = z.strictObject({
    enabled: z.boolean().default(false),
    /** The bucket that s3:// and non-GCS https:// artifacts are copied into before the import. */
    stagingBucket: gcsBucket.optional(),
    project: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, { error: "is not a GCP project ID; allowed: 6-30 lower-case letters, digits and hyphens" }).optional(),
    family: template.optional(),
    guestOsFeatures: gcpGuestOsFeatures.default(["UEFI_COMPATIBLE", "VIRTIO_SCSI_MULTIQUEUE", "GVNIC"]),
    licenses: z.array(nonEmpty).default([]),
    // An image lives in one Cloud Storage location, a region or a multi-region: images.insert takes
    // "storageLocations[]: Cloud Storage bucket storage location of the image (regional or
    // multi-regional)" and `gcloud compute images create --storage-location=LOCATION` takes one
    // (https://cloud.google.com/compute/docs/reference/rest/v1/images). One location, or a list of at most one.
    storageLocations: z.preprocess(
        (value) => (typeof value === "string" ? [value] : value),
        z.array(nonEmpty).max(1, { error: "names more than one storage location; allowed: one location (a region or multi-region such as eu), since an image is stored in one" }),
    ).default([]),
    labels: z.record(z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, { error: "is not a label key" }), z.string()).default({}),
    secureBoot: z.strictObject({
        pk: nonEmpty.optional(),
        keks: z.array(nonEmpty).default([]),
        dbs: z.array(nonEmpty).default([]),
        dbxs: z.array(nonEmpty).default([]),
    }).optional(),
    sharing: z.strictObject({
        public: z.boolean().default(false),
        members: z.array(z.string().regex(/^(user|group|serviceAccount|domain):\S+$/, { error: "is not an IAM member; allowed: user:, group:, serviceAccount: or domain: followed by a name" })).default([]),
    }).prefault({}),
});

export const alicloudSchema = z.strictObject({
    enabled: z.boolean().default(false),
    sourceRegion: nonEmpty.default("eu-central-1"),
    /** Region → OSS bucket that s3:// and https:// artifacts are copied into before an import in that region. */
    stagingBucket: z.record(nonEmpty, ossBucket).optional(),
    regions: z.array(nonEmpty).min(1).default(["eu-central-1"]),
    image: z.strictObject({
        osType: z.enum(["linux", "windows"]).default("linux"),
        platform: nonEmpty.default("Others Linux"),
        // ImportImage takes BootMode BIOS or UEFI, and arm64 only with UEFI
        // (https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-importimage);
        // the arm64 rule is in checks/alicloud.ts.
        bootMode: alicloudBootMode.default("UEFI"),
        diskImageSize: z.number().int().min(1).max(2048).default(20),
        description: z.string().optional(),
    }).prefault({}),
    sharing: z.strictObject({
        public: z.boolean().default(false),
        accounts: z.array(z.string().regex(/^[0-9]{10,20}$/, { error: "is not an Alibaba Cloud account ID; allowed: 10-20 digits" })).default([]),
    }).prefault({}),
    tags,
});

export const openstackSchema = z.strictObject({
    enabled: z.boolean().default(false),
    clouds: z.array(z.strictObject({
        name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: "is not a cloud name; allowed: lower-case letters, digits and hyphens" }),
        // Keystone gets the password or application credential secret in the request body, so it is
        // sent only over TLS.
        authUrl: z.url({ protocol: /^https$/, error: "is not an https auth URL; allowed: an https:// Keystone URL, since credentials are sent to it" }),
        regions: z.array(nonEmpty).min(1),
        userName: nonEmpty.optional(),
        projectName: nonEmpty.optional(),
        userDomainName: nonEmpty.default("Default"),
        projectDomainName: nonEmpty.default("Default"),
        applicationCredentialId: nonEmpty.optional(),
        // Glance lets only admins make an image public by default (policy "publicize_image": "role:admin",
        // https://docs.openstack.org/glance/latest/admin/policies.html); false marks a cloud whose account lacks it.
        publicImages: z.boolean().default(true),
    })).default([]),
    visibility: z.enum(["public", "community", "shared", "private"]).default("private"),
    properties: z.record(z.string(), z.string()).default({}),
    minDiskGb: z.number().int().min(0).default(0),
    tags: z.array(nonEmpty).default([]),
});

/**
 * One image variant: every release is published once per variant to each of the variant's clouds,
 * with these image settings in place of the stack's. Only the settings that tell variants apart
 * can be set here; the rest stay stack-wide.
 */
export const variantSchema = z.strictObject({
    /** The variant's name, for {variant} in templates, resource names and the outputs. */
    name: variantName.refine((n) => !(architectures as readonly string[]).includes(n), {
        error: `names an architecture; allowed: a name other than ${architectures.join(" and ")}, since the outputs put variants beside architectures`,
    }),
    /** The clouds the variant goes to; every enabled cloud when left out. */
    clouds: z.array(z.enum(clouds)).min(1).optional(),
    /** AWS image settings of this variant. */
    aws: z.strictObject({
        bootMode: awsBootMode.optional(),
        tpmSupport: z.boolean().optional(),
        uefiData: awsUefiData.optional(),
        imdsV2: z.boolean().optional(),
        enaSupport: z.boolean().optional(),
    }).optional(),
    /** Azure image definition settings of this variant. */
    azure: z.strictObject({
        securityType: azureSecurityType.optional(),
        hyperVGenerations: azureGenerations.optional(),
    }).optional(),
    /** GCP image settings of this variant. */
    gcp: z.strictObject({
        guestOsFeatures: gcpGuestOsFeatures.optional(),
    }).optional(),
    /** AliCloud image settings of this variant. */
    alicloud: z.strictObject({
        bootMode: alicloudBootMode.optional(),
    }).optional(),
});

/** Secrets, all under the one secure config key `secrets`. */
export const secretsSchema = z.strictObject({
    partnerCenterClientSecret: nonEmpty.optional(),
    openstack: z.record(z.string(), z.strictObject({
        password: nonEmpty.optional(),
        applicationCredentialSecret: nonEmpty.optional(),
    })).default({}),
});

/** The whole stack configuration, keys without the project namespace. */
export const stackConfigSchema = z.strictObject({
    product: z.strictObject({
        name: z.string().regex(/^[a-z][a-z0-9-]{1,40}$/, { error: "is not a product name; allowed: 2-41 lower-case letters, digits and hyphens, starting with a letter" }),
        description: z.string().default(""),
    }),
    naming: z.strictObject({
        image: template.default("{product}-{version}-{arch}"),
    }).prefault({}),
    environment: z.enum(["dev", "prod"]),
    releases: z.array(releaseSchema).min(1),
    variants: z.array(variantSchema).min(1).optional(),
    retention: z.strictObject({ keepLast: z.number().int().min(1) }).optional(),
    aws: awsSchema.prefault({}),
    azure: azureSchema.optional(),
    gcp: gcpSchema.prefault({}),
    alicloud: alicloudSchema.prefault({}),
    openstack: openstackSchema.prefault({}),
    secrets: secretsSchema.prefault({}),
});

/** The config keys of the project's namespace. */
export const configKeys = Object.keys(stackConfigSchema.shape) as (keyof typeof stackConfigSchema.shape)[];
