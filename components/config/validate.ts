import { z } from "zod";
import { PartialConfig, checkContext, closest, crossCheck, enabledClouds, rawArtifact } from "./checks";
import {
    Deprecation, Release, ReleaseArtifacts, ReleaseEntry, StackConfig, renderTemplate,
} from "./model";
import { clouds, configKeys, releaseSchema, stackConfigSchema } from "./schema";
import { compareVersions } from "../outputs";
import { stackEnvironmentProblem } from "../../policy/rules";
import { maxConfigDepth, nestingDepth } from "./checks/depth";

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

/** Options of {@link validateConfig}. */
export interface ValidateOptions {
    /** The clock of the plan or run, which decides whether a deprecation date has passed; the real clock by default. */
    now?: Date;
    /** The stack's name; its environment (a name with prod or dev in it) must be the config's. */
    stack?: string;
    /** The keys (without the namespace) whose values are secret: no message shows them. */
    secretKeys?: string[];
}

/** Every string inside a value, for taking them out of messages. */
function stringsIn(value: unknown): string[] {
    if (typeof value === "string") {
        return [value];
    }
    if (value !== null && typeof value === "object") {
        return Object.values(value as Record<string, unknown>).flatMap(stringsIn);
    }
    return [];
}

/**
 * Keeps secret values out of the problems: a problem under a secret key keeps its key path and
 * what is wrong with the type, loses its value, and says that the value is secret; and no
 * message anywhere contains a secret string.
 */
function hideSecrets(problems: ConfigProblem[], raw: Record<string, unknown>, secretKeys: readonly string[]): ConfigProblem[] {
    if (secretKeys.length === 0) {
        return problems;
    }
    const roots = secretKeys.map((k) => `${namespace}:${k}`);
    // Longest first, so that a secret that contains another is replaced whole.
    const secrets = [...new Set(secretKeys.flatMap((k) => stringsIn(raw[k])))].filter((v) => v.length > 0).sort((a, b) => b.length - a.length);
    const scrub = (text: string) => secrets.reduce((t, secret) => t.split(secret).join("[secret]"), text);
    const scrubValue = (value: unknown): unknown => {
        if (typeof value === "string") {
            return scrub(value);
        }
        if (Array.isArray(value)) {
            return value.map(scrubValue);
        }
        if (value !== null && typeof value === "object") {
            return Object.fromEntries(Object.entries(value).map(([k, v]) => [scrub(k), scrubValue(v)]));
        }
        return value;
    };
    return problems.map((p) => {
        const root = roots.find((r) => p.path === r || p.path.startsWith(`${r}.`) || p.path.startsWith(`${r}[`));
        if (root === undefined) {
            return { ...p, path: scrub(p.path), value: scrubValue(p.value), message: scrub(p.message) };
        }
        const key = root.slice(namespace.length + 1);
        const hint = key === "secrets" && typeof raw.secrets === "string"
            ? "; set each secret at its own path, such as `pulumi config set --secret --path secrets.partnerCenterClientSecret ...`"
            : "";
        return { path: scrub(p.path), message: `${scrub(p.message)} (a secure value of type ${Array.isArray(raw[key]) ? "array" : typeof raw[key]}; not shown)${hint}` };
    });
}

/**
 * Validates the project's config values (keys without the namespace) and resolves the releases.
 * Every problem is collected; if there is any, one ConfigError lists them all.
 */
export function validateConfig(raw: Record<string, unknown>, options: ValidateOptions = {}): ValidatedConfig {
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
    const deep = new Set<string>();
    for (const key of Object.keys(raw).sort()) {
        if (nestingDepth(raw[key]) > maxConfigDepth) {
            deep.add(key);
            problems.push({ path: keyPath([key]), message: `nests lists and maps more than ${maxConfigDepth} levels deep; allowed: the shape of the configuration reference (README), at most ${maxConfigDepth} levels` });
        }
    }
    const known = Object.fromEntries(Object.entries(raw).filter(([k]) => (configKeys as string[]).includes(k) && !deep.has(k)));
    // Each key is parsed on its own, and each release too, so that the cross-checks still run over
    // every part that is valid and the message lists every problem at once.
    const partial = parsePartially(known, problems, deep);
    const now = options.now ?? new Date();
    crossCheck(checkContext(partial, (path, value, message) => problems.push({ path: keyPath(path), value, message }), now));
    if (options.stack !== undefined && partial.environment !== undefined) {
        const message = stackEnvironmentProblem(options.stack, partial.environment);
        if (message) {
            problems.push({ path: keyPath(["environment"]), value: partial.environment, message });
        }
    }
    if (problems.length > 0) {
        throw new ConfigError(hideSecrets(problems, raw, options.secretKeys ?? []));
    }
    const config = stackConfigSchema.parse(known);
    const releases = config.releases.map((r) => resolveRelease(config, r, now));
    return { config, releases, warnings: retentionWarnings(config) };
}

function parsePartially(known: Record<string, unknown>, problems: ConfigProblem[], reported: Set<string>): PartialConfig {
    const shape = stackConfigSchema.shape as Record<string, z.ZodType>;
    const partial: Record<string, unknown> = {};
    for (const key of configKeys.filter((k) => !reported.has(k))) {
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

function deprecationOf(entry: ReleaseEntry, now: Date): Deprecation | undefined {
    if (entry.deprecated === undefined) {
        return undefined;
    }
    const time = `${entry.deprecated}T00:00:00Z`;
    return { date: entry.deprecated, time, passed: now.getTime() >= Date.parse(time) };
}

/** A release's artifacts with every template filled in, for one variant or none. */
function renderArtifacts(config: StackConfig, entry: ReleaseEntry, variant?: string): ReleaseArtifacts {
    const artifacts = Object.fromEntries(clouds.map((c) => [c, {}])) as ReleaseArtifacts;
    for (const cloud of clouds) {
        for (const arch of entry.architectures) {
            const a = rawArtifact(entry, cloud, arch);
            if (a) {
                const uri = renderTemplate(a.uri, { product: config.product.name, version: entry.version, arch, cloud, variant });
                artifacts[cloud][arch] = a.sha256 ? { uri, sha256: a.sha256 } : { uri };
            }
        }
    }
    return artifacts;
}

function resolveRelease(config: StackConfig, entry: ReleaseEntry, now: Date): Release {
    return {
        version: entry.version,
        major: entry.version.split(".")[0],
        architectures: entry.architectures,
        artifacts: renderArtifacts(config, entry),
        ...(config.variants && !entry.withoutVariants ? { variantArtifacts: Object.fromEntries(config.variants.map((v) => [v.name, renderArtifacts(config, entry, v.name)])) } : {}),
        deprecation: deprecationOf(entry, now),
        releaseNotes: entry.releaseNotes,
        ...(entry.awsMarketplace === false ? { awsMarketplace: false } : {}),
        ...(entry.retire ? { lifecycle: "retired" as const } : entry.unpublish ? { lifecycle: "unpublished" as const } : {}),
        ...(entry.reapplySettings ? { reapplySettings: true } : {}),
        ...(entry.variants ? { variants: entry.variants } : {}),
        ...(entry.withoutVariants ? { withoutVariants: true } : {}),
    };
}

function retentionWarnings(config: StackConfig): string[] {
    const keep = config.retention?.keepLast;
    if (keep === undefined) {
        return [];
    }
    const live = config.releases.filter((r) => r.deprecated === undefined && !r.retire && !r.unpublish).map((r) => r.version).sort(compareVersions);
    const retire = live.slice(0, Math.max(0, live.length - keep));
    if (retire.length === 0) {
        return [];
    }
    return [
        `${namespace}:retention.keepLast is ${keep} but ${live.length} releases are live; ` +
        `retire these (\`npm run release -- retire VERSION\` sets retire: true; once that is applied, remove the entry and ` +
        `its images stay public, dropped from the stack): ${retire.join(", ")}`,
    ];
}

export { enabledClouds };
