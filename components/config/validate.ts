import { z } from "zod";
import { regionCatalogue } from "./catalogue";
import {
    Architecture, Artifact, Cloud, Deprecation, Release, ReleaseEntry, StackConfig, renderTemplate,
} from "./model";
import { clouds, configKeys, releaseSchema, stackConfigSchema } from "./schema";
import { compareVersions } from "../outputs";

/** The project's config namespace. */
export const namespace = "image-publisher";

/** One problem in the stack config. */
export interface ConfigProblem {
    /** The full key path, such as image-publisher:releases[1].version. */
    path: string;
    /** The offending value, when there is one. */
    value?: unknown;
    /** What is wrong and what is allowed. */
    message: string;
}

/** Thrown when the stack config is invalid; its message lists every problem. */
export class ConfigError extends Error {
    constructor(public readonly problems: ConfigProblem[]) {
        super(
            `Invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
            problems.map((p) => `  - ${p.path}: ${p.value === undefined ? "" : `${show(p.value)} `}${p.message}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}

/** The validated config and what follows from it. */
export interface ValidatedConfig {
    /** The config with defaults applied. */
    config: StackConfig;
    /** The releases, resolved. */
    releases: Release[];
    /** Things worth saying that do not stop the run. */
    warnings: string[];
}

function show(value: unknown): string {
    const text = JSON.stringify(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function keyPath(path: readonly PropertyKey[]): string {
    let out = `${namespace}:${String(path[0] ?? "")}`;
    for (const part of path.slice(1)) {
        out += typeof part === "number" ? `[${part}]` : `.${String(part)}`;
    }
    return out;
}

function closest(word: string, candidates: readonly string[]): string | undefined {
    const distance = (a: string, b: string): number => {
        const row = Array.from({ length: b.length + 1 }, (_, i) => i);
        for (let i = 1; i <= a.length; i++) {
            let prev = row[0];
            row[0] = i;
            for (let j = 1; j <= b.length; j++) {
                const cur = row[j];
                row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
                prev = cur;
            }
        }
        return row[b.length];
    };
    const best = [...candidates].sort((x, y) => distance(word, x) - distance(word, y))[0];
    return best !== undefined && distance(word, best) <= 3 ? best : undefined;
}

/**
 * Validates the project's config values (keys without the namespace) and resolves the releases.
 * Every problem is collected; if there is any, one ConfigError lists them all.
 */
export function validateConfig(raw: Record<string, unknown>, options: { now?: Date } = {}): ValidatedConfig {
    const problems: ConfigProblem[] = [];
    for (const key of Object.keys(raw).sort()) {
        if (!(configKeys as string[]).includes(key)) {
            const guess = closest(key, configKeys);
            problems.push({
                path: `${namespace}:${key}`,
                message: `is not a config key of this project${guess ? ` (did you mean ${namespace}:${guess}?)` : ""}; allowed: ${configKeys.join(", ")}`,
            });
        }
    }
    const known = Object.fromEntries(Object.entries(raw).filter(([k]) => (configKeys as string[]).includes(k)));
    // Each key is parsed on its own, and each release too, so that the cross-checks still run over
    // every part that is valid and the message lists every problem at once.
    const partial = parsePartially(known, problems);
    problems.push(...crossCheck(partial));
    if (problems.length > 0) {
        throw new ConfigError(problems);
    }
    const config = stackConfigSchema.parse(known);
    const now = options.now ?? new Date();
    const releases = config.releases.map((r) => resolveRelease(config, r, now));
    return { config, releases, warnings: retentionWarnings(config) };
}

/** The config as far as it is valid: invalid keys are left out, invalid releases are undefined. */
type PartialConfig = Partial<Omit<StackConfig, "releases">> & { releases?: (ReleaseEntry | undefined)[] };

function parsePartially(known: Record<string, unknown>, problems: ConfigProblem[]): PartialConfig {
    const shape = stackConfigSchema.shape as Record<string, z.ZodType>;
    const partial: Record<string, unknown> = {};
    for (const key of configKeys) {
        const result = shape[key].safeParse(known[key], { reportInput: true });
        if (result.success) {
            partial[key] = result.data;
            continue;
        }
        if (key === "releases" && Array.isArray(known.releases) && known.releases.length > 0) {
            partial.releases = known.releases.map((entry, i) => {
                const one = releaseSchema.safeParse(entry, { reportInput: true });
                if (!one.success) {
                    one.error.issues.forEach((issue) => problems.push(zodProblem({ ...issue, path: ["releases", i, ...issue.path] } as z.core.$ZodIssue)));
                }
                return one.success ? one.data : undefined;
            });
            continue;
        }
        result.error.issues.forEach((issue) => {
            const withKey = { ...issue, path: [key, ...issue.path] } as z.core.$ZodIssue;
            if (issue.path.length === 0 && issue.code === "invalid_type" && known[key] === undefined) {
                problems.push({ path: keyPath([key]), message: "is missing; it is required" });
            } else {
                problems.push(zodProblem(withKey));
            }
        });
    }
    return partial as PartialConfig;
}

function zodProblem(issue: z.core.$ZodIssue): ConfigProblem {
    if (issue.code === "unrecognized_keys") {
        return { path: keyPath(issue.path), message: `has unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => JSON.stringify(k)).join(", ")}` };
    }
    if (issue.code === "invalid_union") {
        // Report the branch that got furthest, so that the message says what is wrong inside it.
        const branches = issue.errors.filter((e) => e.length > 0);
        const best = branches.sort((a, b) => b[0].path.length - a[0].path.length)[0];
        if (best && best[0].path.length > 0) {
            const inner = best[0];
            return zodProblem({ ...inner, path: [...issue.path, ...inner.path] } as z.core.$ZodIssue);
        }
        if (best && best.length > 0 && best[0].code === "custom") {
            return { path: keyPath(issue.path), value: issue.input, message: best[0].message };
        }
    }
    const input = (issue as { input?: unknown }).input;
    return { path: keyPath(issue.path), value: input, message: issue.message };
}

/** The artifact of one cloud and architecture, templates not yet filled in. */
function rawArtifact(entry: ReleaseEntry, cloud: Cloud, arch: Architecture): Artifact | undefined {
    const spec = entry.artifacts[cloud];
    if (spec === undefined) {
        return undefined;
    }
    if (typeof spec === "string") {
        return { uri: spec };
    }
    if ("uri" in spec && typeof spec.uri === "string") {
        return { uri: spec.uri, sha256: spec.sha256 as string | undefined };
    }
    const one = (spec as Partial<Record<Architecture, string | Artifact>>)[arch];
    if (one === undefined) {
        return undefined;
    }
    return typeof one === "string" ? { uri: one } : one;
}

/** The clouds switched on in this config. */
export function enabledClouds(config: Pick<PartialConfig, Cloud>): Cloud[] {
    return clouds.filter((c) => config[c]?.enabled === true);
}

function crossCheck(config: PartialConfig): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const add = (path: PropertyKey[], value: unknown, message: string) => problems.push({ path: keyPath(path), value, message });
    const dev = config.environment === "dev";

    const seen = new Map<string, number>();
    (config.releases ?? []).forEach((r, i) => {
        if (r === undefined) {
            return;
        }
        const first = seen.get(r.version);
        if (first !== undefined) {
            add(["releases", i, "version"], r.version, `duplicates releases[${first}].version; allowed: each version once`);
        } else {
            seen.set(r.version, i);
        }
        if (new Set(r.architectures).size !== r.architectures.length) {
            add(["releases", i, "architectures"], r.architectures, "lists an architecture twice; allowed: x86_64 and arm64, each once");
        }
        for (const cloud of enabledClouds(config)) {
            for (const arch of r.architectures) {
                if (rawArtifact(r, cloud, arch) === undefined) {
                    add(["releases", i, "artifacts", cloud, arch], undefined,
                        `is missing: ${cloud} is enabled and release ${r.version} ships ${arch}; allowed: an artifact URI, or drop ${arch} from architectures`);
                }
            }
        }
        const aws = rawArtifact(r, "aws", r.architectures[0]);
        if (config.aws?.enabled && aws?.uri.startsWith("file://") && !config.aws.uploadBucket) {
            add(["aws", "uploadBucket"], undefined, "is missing: a release has a file:// artifact; allowed: the S3 bucket to upload it to");
        }
    });

    const checkRegions = (path: PropertyKey[], names: unknown, catalogue: readonly string[]) => {
        if (!Array.isArray(names)) {
            return;
        }
        names.forEach((name, i) => {
            if (!catalogue.includes(name)) {
                const guess = closest(name, catalogue);
                add([...path, i], name, `is not a known region${guess ? ` (did you mean ${guess}?)` : ""}; allowed: a region of components/config/regions`);
            }
        });
    };
    const checkRegion = (path: PropertyKey[], name: string, catalogue: readonly string[]) => {
        if (!catalogue.includes(name)) {
            const guess = closest(name, catalogue);
            add(path, name, `is not a known region${guess ? ` (did you mean ${guess}?)` : ""}; allowed: a region of components/config/regions`);
        }
    };

    const aws = config.aws;
    if (aws?.enabled) {
        checkRegion(["aws", "sourceRegion"], aws.sourceRegion, regionCatalogue.aws);
        checkRegions(["aws", "regions"], aws.regions, regionCatalogue.aws);
        if (dev && aws.sharing.public) {
            add(["aws", "sharing", "public"], true, "makes images public in a dev stack; allowed: false in dev");
        }
        if (dev && aws.sharing.unblockPublicAccess) {
            add(["aws", "sharing", "unblockPublicAccess"], true, "unblocks public AMIs in a dev stack; allowed: false in dev");
        }
        if (aws.sharing.public && aws.image.encrypted) {
            add(["aws", "image", "encrypted"], true, "encrypts the snapshots of public images, which AWS cannot share; allowed: false when aws.sharing.public is true");
        }
        const mp = aws.marketplace;
        if (mp.enabled) {
            if (!mp.accessRoleArn) {
                add(["aws", "marketplace", "accessRoleArn"], undefined, "is missing: the marketplace is enabled; allowed: the ARN of the role that AWS Marketplace uses to read the AMI");
            }
            if (dev && !mp.devProductId) {
                add(["aws", "marketplace", "devProductId"], undefined, "is missing: a dev stack only ever publishes to the dev/test product; allowed: its product ID");
            }
            if (!dev && Object.keys(mp.products).length === 0) {
                add(["aws", "marketplace", "products"], mp.products, "is empty: the marketplace is enabled in prod; allowed: a map of major version to {x86_64, arm64} product IDs");
            }
        }
    }

    const azure = config.azure;
    if (azure?.enabled) {
        checkRegion(["azure", "location"], azure.location, regionCatalogue.azure);
        azure.regions.forEach((r, i) => checkRegion(["azure", "regions", i, "name"], r.name, regionCatalogue.azure));
        if (/\{(version|major)\}/.test(azure.image.sku)) {
            add(["azure", "image", "sku"], azure.image.sku, "names the release; an image definition outlives releases, so allowed: {product}, {arch} and {cloud} only");
        }
        const shipsArm = (config.releases ?? []).some((r) => r?.architectures.includes("arm64"));
        if (shipsArm && !azure.image.hyperVGenerations.includes("V2")) {
            add(["azure", "image", "hyperVGenerations"], azure.image.hyperVGenerations, "has no V2, and Azure runs arm64 images only as Hyper-V generation 2; allowed: include V2");
        }
        if (dev && azure.sharing.community) {
            add(["azure", "sharing", "community"], true, "shares the gallery with the community in a dev stack; allowed: false in dev");
        }
        if (azure.sharing.community) {
            for (const field of ["publicNamePrefix", "publisherContact", "publisherUri"] as const) {
                if (!azure.gallery[field]) {
                    add(["azure", "gallery", field], undefined, "is missing: community sharing needs it");
                }
            }
        }
        const mp = azure.marketplace;
        if (mp.enabled) {
            for (const field of ["offerId", "planId", "tenantId", "clientId"] as const) {
                if (!mp[field]) {
                    add(["azure", "marketplace", field], undefined, "is missing: the Partner Center offer is enabled");
                }
            }
            if (dev && !mp.devOfferId) {
                add(["azure", "marketplace", "devOfferId"], undefined, "is missing: a dev stack only ever uses a test offer; allowed: its external ID");
            }
            if (!config.secrets?.partnerCenterClientSecret) {
                add(["secrets", "partnerCenterClientSecret"], undefined, "is missing: the Partner Center offer is enabled; set it with `pulumi config set --secret --path secrets.partnerCenterClientSecret`");
            }
        }
    }

    const gcp = config.gcp;
    if (gcp?.enabled) {
        if (!gcp.project) {
            add(["gcp", "project"], undefined, "is missing: GCP is enabled; allowed: a project ID");
        }
        checkRegions(["gcp", "storageLocations"], gcp.storageLocations, regionCatalogue.gcp);
        if (dev && gcp.sharing.public) {
            add(["gcp", "sharing", "public"], true, "makes images public in a dev stack; allowed: false in dev");
        }
    }

    const ali = config.alicloud;
    if (ali?.enabled) {
        checkRegion(["alicloud", "sourceRegion"], ali.sourceRegion, regionCatalogue.alicloud);
        checkRegions(["alicloud", "regions"], ali.regions, regionCatalogue.alicloud);
        if (dev && ali.sharing.public) {
            add(["alicloud", "sharing", "public"], true, "makes images public in a dev stack; allowed: false in dev");
        }
    }

    const os = config.openstack;
    if (os?.enabled) {
        if (os.clouds.length === 0) {
            add(["openstack", "clouds"], [], "is empty: OpenStack is enabled; allowed: at least one cloud");
        }
        if (dev && (os.visibility === "public" || os.visibility === "community")) {
            add(["openstack", "visibility"], os.visibility, "makes images public in a dev stack; allowed: private or shared in dev");
        }
        const names = new Set<string>();
        os.clouds.forEach((c, i) => {
            if (names.has(c.name)) {
                add(["openstack", "clouds", i, "name"], c.name, "names a cloud twice; allowed: each name once");
            }
            names.add(c.name);
            const secret = config.secrets?.openstack[c.name];
            if (c.applicationCredentialId ? !secret?.applicationCredentialSecret : !(c.userName && secret?.password)) {
                add(["openstack", "clouds", i], c.name,
                    `has no credentials; allowed: userName with secrets.openstack.${c.name}.password, or applicationCredentialId with secrets.openstack.${c.name}.applicationCredentialSecret`);
            }
        });
    }
    return problems;
}

function deprecationOf(entry: ReleaseEntry, now: Date): Deprecation | undefined {
    if (entry.deprecated === false) {
        return undefined;
    }
    if (entry.deprecated === true) {
        // "Now" is rounded up to the next UTC day: the clouds refuse a deprecation time in the past.
        const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
        const time = next.toISOString().replace(".000Z", "Z");
        return { time, date: time.slice(0, 10), immediate: true };
    }
    return { time: `${entry.deprecated}T00:00:00Z`, date: entry.deprecated, immediate: false };
}

function resolveRelease(config: StackConfig, entry: ReleaseEntry, now: Date): Release {
    const artifacts = Object.fromEntries(clouds.map((c) => [c, {}])) as Release["artifacts"];
    for (const cloud of clouds) {
        for (const arch of entry.architectures) {
            const a = rawArtifact(entry, cloud, arch);
            if (a) {
                const uri = renderTemplate(a.uri, { product: config.product.name, version: entry.version, arch, cloud });
                artifacts[cloud][arch] = a.sha256 ? { uri, sha256: a.sha256 } : { uri };
            }
        }
    }
    return {
        version: entry.version,
        major: entry.version.split(".")[0],
        architectures: entry.architectures,
        artifacts,
        deprecation: deprecationOf(entry, now),
        releaseNotes: entry.releaseNotes,
    };
}

function retentionWarnings(config: StackConfig): string[] {
    const keep = config.retention?.keepLast;
    if (keep === undefined) {
        return [];
    }
    const live = config.releases.filter((r) => r.deprecated === false).map((r) => r.version).sort(compareVersions);
    const retire = live.slice(0, Math.max(0, live.length - keep));
    if (retire.length === 0) {
        return [];
    }
    return [
        `${namespace}:retention.keepLast is ${keep} but ${live.length} releases are live; ` +
        `these would be retired (mark them deprecated, then remove them): ${retire.join(", ")}`,
    ];
}
