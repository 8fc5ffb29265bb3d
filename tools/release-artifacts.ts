/**
 * Checks that every artifact a new release names exists, through each store's own API, and
 * records what the store says: the size, and the sha256 where the store keeps one.
 */
import { rawArtifact } from "../components/config/checks";
import { Architecture, Cloud, Release } from "../components/config/model";
import { HeadObject, StoredObject } from "./release-store";
import { EntryData } from "./release-yaml";
import { ReleaseInputError } from "./release-entry";

/** The look-up for each kind of artifact URI. */
export interface ArtifactStores {
    /** s3:// */
    s3: HeadObject;
    /** gs:// */
    gcs: HeadObject;
    /** oss:// */
    oss: HeadObject;
    /** https:// and http:// */
    https: HeadObject;
}

/** One artifact that was found. */
export interface CheckedArtifact {
    /** The cloud that uses it. */
    cloud: Cloud;
    /** Its architecture. */
    arch: Architecture;
    /** The variant, when the URI template names {variant}. */
    variant?: string;
    /** The URI, templates filled in. */
    uri: string;
    /** What the store said. */
    found: StoredObject;
}

function storeOf(uri: string, stores: ArtifactStores): HeadObject | undefined {
    const scheme = uri.split("://")[0];
    return scheme === "s3" ? stores.s3 : scheme === "gs" ? stores.gcs : scheme === "oss" ? stores.oss
        : scheme === "https" || scheme === "http" ? stores.https : undefined;
}

/**
 * Looks up every artifact of the enabled clouds for every architecture of the release. Every
 * missing or unreadable artifact is reported at once, naming the cloud, architecture and URI.
 * file:// artifacts are on the machine that runs `pulumi up`: they are not checked, but listed in `skipped`.
 * With variants, each variant's artifact of each cloud it goes to is looked up (`variantsOf` names
 * them per cloud); one that is the same file for every variant is looked up once.
 */
export async function checkArtifacts(release: Release, clouds: Cloud[], stores: ArtifactStores, skipped: string[] = [],
    variantsOf: (cloud: Cloud) => (string | undefined)[] = () => [undefined]): Promise<CheckedArtifact[]> {
    const all = clouds.flatMap((cloud) => variantsOf(cloud).flatMap((variant) => release.architectures.map((arch) => {
        const own = variant === undefined ? undefined : release.variantArtifacts?.[variant]?.[cloud][arch]?.uri;
        const plain = release.artifacts[cloud][arch]?.uri;
        // A template without {variant} renders the same for every variant: one file, checked once, under no variant.
        return own !== undefined && own !== plain ? { cloud, arch, variant, uri: own } : { cloud, arch, variant: undefined, uri: plain };
    })));
    const jobs = all.filter((job, i) => all.findIndex((j) => j.cloud === job.cloud && j.arch === job.arch && j.uri === job.uri) === i);
    const problems: string[] = [];
    const found: CheckedArtifact[] = [];
    await Promise.all(jobs.map(async ({ cloud, arch, variant, uri }) => {
        const head = uri === undefined ? undefined : storeOf(uri, stores);
        const what = `${cloud} ${variant === undefined ? "" : `${variant} `}${arch}`;
        if (uri === undefined || head === undefined) {
            if (uri !== undefined) {
                skipped.push(`${what}: ${uri}`);
            }
            return;
        }
        try {
            const object = await head(uri);
            if (object === undefined) {
                problems.push(`${what}: ${uri} does not exist`);
            } else {
                found.push({ cloud, arch, ...(variant === undefined ? {} : { variant }), uri, found: object });
            }
        } catch (error) {
            problems.push(`${what}: ${uri} could not be read: ${(error as Error).message}`);
        }
    }));
    if (problems.length > 0) {
        problems.sort();
        throw new ReleaseInputError(`release ${release.version}: ${problems.length} artifact${problems.length === 1 ? "" : "s"} missing or unreadable; allowed: artifacts that exist (or --no-check to skip the check):\n` +
            problems.map((p) => `  - ${p}`).join("\n"));
    }
    return found;
}

/**
 * The entry's artifacts with what the check found: each checked cloud becomes one entry per
 * architecture, `{uri, size, sha256}`, the URI still the template the entry names. A template with
 * {variant} names one file per variant, which one sha256 cannot stand for: it is kept as named.
 */
export function recordArtifacts(entry: EntryData, checked: CheckedArtifact[]): EntryData {
    const artifacts = { ...(entry.artifacts as Record<string, unknown>) };
    const byCloud = new Map<Cloud, CheckedArtifact[]>();
    // A variant's own file is not recorded: its cloud's entry stays as the template names it.
    for (const c of checked.filter((one) => one.variant === undefined)) {
        byCloud.set(c.cloud, [...(byCloud.get(c.cloud) ?? []), c]);
    }
    for (const [cloud, list] of byCloud) {
        const perArch: Record<string, unknown> = {};
        for (const arch of ["x86_64", "arm64"] as const) {
            const c = list.find((l) => l.arch === arch);
            const raw = rawArtifact({ artifacts: entry.artifacts } as Parameters<typeof rawArtifact>[0], cloud, arch);
            if (c && raw) {
                perArch[arch] = { uri: raw.uri, ...(c.found.sha256 ? { sha256: c.found.sha256 } : {}), size: c.found.size };
            } else if (raw) {
                // Not looked up (a file:// artifact, or a file per variant): kept as it was named.
                perArch[arch] = raw.sha256 ? { uri: raw.uri, sha256: raw.sha256 } : raw.uri;
            }
        }
        artifacts[cloud] = perArch;
    }
    return { ...entry, artifacts };
}
