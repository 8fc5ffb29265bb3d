/**
 * Finds new releases in a release source: a JSON feed, an RSS or Atom feed, or the version
 * prefixes of the artifact bucket (s3://bucket/ or s3://bucket/prefix/).
 */
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { compareVersions, versionPattern } from "../components/outputs";
import { retry } from "../components/dynamic/retry";
import { defaultS3Client } from "./release-store-s3";
import { EntryData, entryVersion } from "./release-yaml";

/** Where the source is read from; tests aim them at local servers. */
export interface SourceClients {
    /** For s3:// sources. */
    s3?: S3Client;
    /** For feeds. */
    fetch?: typeof fetch;
    /** The first retry delay of a feed, in milliseconds (default 500). */
    baseDelayMs?: number;
}

/** Versions named in a JSON feed: ["1.2", ...], [{version}], or {releases: [...]}. */
function jsonVersions(json: unknown): string[] {
    const list = Array.isArray(json) ? json : (json as { releases?: unknown } | null)?.releases;
    if (!Array.isArray(list)) {
        throw new Error("the JSON feed is neither a list nor {releases: [...]}");
    }
    return list.map((item) => String(typeof item === "object" && item !== null ? (item as { version?: unknown }).version : item));
}

/** Versions in the titles of an RSS feed's items or an Atom feed's entries: the first MAJOR.MINOR[.PATCH] of each. */
function feedVersions(xml: string): string[] {
    const titles = [...xml.matchAll(/<(item|entry)\b[\s\S]*?<title[^>]*>(?:<!\[CDATA\[)?([\s\S]*?)(?:\]\]>)?<\/title>/g)].map((m) => m[2]);
    return titles.map((t) => /\b([0-9]+\.[0-9]+(?:\.[0-9]+)?)\b/.exec(t)?.[1]).filter((v): v is string => v !== undefined);
}

async function readFeed(url: string, get: typeof fetch, baseDelayMs: number): Promise<string[]> {
    const res = await retry(async () => {
        const r = await get(url, { headers: { accept: "application/json, application/rss+xml, application/atom+xml, */*" } });
        if (r.status === 429 || r.status >= 500) {
            throw new Error(`GET ${url} answered ${r.status}`);
        }
        return r;
    }, { attempts: 5, baseDelayMs, maxDelayMs: 10_000, retryable: (e) => e instanceof Error && /answered|fetch failed/.test(e.message) });
    if (!res.ok) {
        throw new Error(`GET ${url} answered ${res.status}`);
    }
    const body = await res.text();
    return /^\s*[[{]/.test(body) ? jsonVersions(JSON.parse(body)) : feedVersions(body);
}

/** The version prefixes right under s3://bucket/prefix/ (ListObjectsV2 with the "/" delimiter), every page. */
async function bucketVersions(uri: string, s3: S3Client): Promise<string[]> {
    const m = /^s3:\/\/([^/]+)\/(.*)$/.exec(uri);
    if (!m) {
        throw new Error(`--source ${uri} is not a source; allowed: an https:// JSON or RSS feed, or s3://bucket/ (its version prefixes)`);
    }
    const [, bucket, prefix] = m;
    const versions: string[] = [];
    let token: string | undefined;
    do {
        const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: "/", ContinuationToken: token }));
        versions.push(...(out.CommonPrefixes ?? []).map((p) => (p.Prefix ?? "").slice(prefix.length).replace(/\/$/, "")));
        token = out.IsTruncated ? out.NextContinuationToken : undefined;
    } while (token);
    return versions;
}

/**
 * The versions in the source that are newer than every configured release and not excluded (such
 * as those of open release pull requests), oldest first. Older versions are left to a person:
 * adding one is a backport.
 */
export async function pendingReleases(source: string, entries: EntryData[], exclude: string[], clients: SourceClients = {}): Promise<string[]> {
    const found = /^https?:\/\//.test(source)
        ? await readFeed(source, clients.fetch ?? fetch, clients.baseDelayMs ?? 500)
        : await bucketVersions(source, clients.s3 ?? defaultS3Client());
    const newest = entries.map(entryVersion).sort(compareVersions).at(-1);
    const skip = new Set(exclude);
    return [...new Set(found)]
        .filter((v) => versionPattern.test(v) && !skip.has(v) && (newest === undefined || compareVersions(v, newest) > 0))
        .sort(compareVersions);
}
