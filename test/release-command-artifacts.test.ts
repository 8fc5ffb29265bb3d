import * as assert from "assert";
import * as fs from "fs";
import OSS from "ali-oss";
import { Storage } from "@google-cloud/storage";
import { parse } from "yaml";
import { ArtifactStores } from "../tools/release-artifacts";
import { releaseSchema } from "../components/config/schema";
import { s3Head } from "../tools/release-store-s3";
import { gcsHead } from "../tools/release-store-gcs";
import { ossHead } from "../tools/release-store-oss";
import { httpsHead } from "../tools/release-store-https";
import { startS3Objects, S3Objects } from "./servers/s3-objects";
import { HttpObject, HttpObjects, startHttpObjects } from "./servers/http-objects";
import { GcsObjects, startGcsObjects } from "./servers/gcs-objects";
import { OssObjects, startOssObjects } from "./servers/oss-objects";
import { recordingPlan, release, stackCopy } from "./helpers/release-command";

// sha256("") in hex and in base64, written out so that the tests do not compute what they check.
const emptySha256Hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const emptySha256Base64 = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
const httpsHost = "https://acmelinux-dev-artifacts.s3.eu-central-1.amazonaws.com";

/** The HTTPS artifacts of release 1600.1 in the dev stack: Azure VHDs and OpenStack qcow2s. */
function httpsArtifacts(): Record<string, HttpObject> {
    return {
        "/1600.1/acmelinux-1600.1-x86_64.vhd": { size: 4096, checksumSha256: emptySha256Base64, checksumType: "FULL_OBJECT" },
        "/1600.1/acmelinux-1600.1-arm64.vhd": { size: 8192 },
        "/1600.1/acmelinux-1600.1-x86_64.qcow2": { size: 300, headers: { "repr-digest": `sha-256=:${emptySha256Base64}:` } },
        "/1600.1/acmelinux-1600.1-arm64.qcow2": { size: 400, checksumSha256: `${emptySha256Base64.slice(0, -1)}A-3`, checksumType: "COMPOSITE" },
    };
}

describe("release add: artifact checks", () => {
    let s3: S3Objects;
    let http: HttpObjects;
    let gcs: GcsObjects;
    let oss: OssObjects;
    let ossFaults: (object: string, index: number) => number | undefined;
    let httpFaults: (request: { method: string; path: string }, index: number) => number | undefined;

    before(async () => {
        s3 = await startS3Objects(["acmelinux-dev-artifacts"]);
        await s3.put("acmelinux-dev-artifacts", "1600.1/acmelinux-1600.1-x86_64.raw", 1024);
        await s3.put("acmelinux-dev-artifacts", "1600.1/acmelinux-1600.1-arm64.raw", 2048);
        http = await startHttpObjects(httpsArtifacts(), { tls: true, fault: (r, i) => httpFaults(r, i) });
        gcs = await startGcsObjects({
            "acmelinux-dev-artifacts/1600.1/acmelinux-1600.1-x86_64-gcpimage.tar.gz": { size: 500 },
            "acmelinux-dev-artifacts/1600.1/acmelinux-1600.1-arm64-gcpimage.tar.gz": { size: 600 },
        });
        oss = await startOssObjects({
            "acmelinux-dev-artifacts/1600.1/acmelinux-1600.1-x86_64.qcow2": 700,
            "acmelinux-dev-artifacts/1600.1/acmelinux-1600.1-arm64.qcow2": 800,
        }, { accessKeyId: "LTAI5tLocalTestKey", fault: (o, i) => ossFaults(o, i) });
    });
    after(async () => {
        await Promise.all([s3.close(), http.close(), gcs.close(), oss.close()]);
    });
    beforeEach(() => {
        ossFaults = () => undefined;
        httpFaults = () => undefined;
    });

    function stores(overrides: Partial<ArtifactStores> = {}): () => ArtifactStores {
        return () => ({
            s3: s3Head(s3.client),
            gcs: gcsHead(new Storage({ apiEndpoint: gcs.url, projectId: "acmelinux-dev-images", retryOptions: { maxRetries: 2, retryDelayMultiplier: 1, maxRetryDelay: 1 } })),
            oss: ossHead((bucket) => new OSS({ endpoint: oss.url, bucket, accessKeyId: "LTAI5tLocalTestKey", accessKeySecret: "local-secret", sldEnable: true } as OSS.Options), { attempts: 3, baseDelayMs: 1 }),
            https: httpsHead({ attempts: 3, baseDelayMs: 1 }),
            ...overrides,
        });
    }

    /** The dev stack file with its HTTPS artifact host moved to the local HTTPS server. */
    function devCopy(): string {
        return stackCopy("Pulumi.dev.yaml", [[httpsHost, http.url]]);
    }

    function newEntry(file: string): Record<string, unknown> {
        const doc = parse(fs.readFileSync(file, "utf8"));
        return doc.config["image-publisher:releases"].find((r: { version: string }) => r.version === "1600.1");
    }

    it("checks every artifact of each enabled cloud and architecture in its store, and records sizes and the sha256 where the store keeps one", async () => {
        const file = devCopy();
        const plan = recordingPlan();
        const run = await release(["add", "1600.1", "--stack", "dev", "--config", file, "--now", "2026-12-02"], { stores: stores(), planEdit: plan.planEdit });
        assert.strictEqual(run.code, 0, run.err);
        assert.match(run.err, /release 1600\.1: 10 artifacts checked/);
        const entry = newEntry(file) as { artifacts: Record<string, Record<string, unknown>> };
        assert.deepStrictEqual(entry.artifacts.aws, {
            x86_64: { uri: "s3://acmelinux-dev-artifacts/{version}/{product}-{version}-{arch}.raw", size: 1024 },
            arm64: { uri: "s3://acmelinux-dev-artifacts/{version}/{product}-{version}-{arch}.raw", size: 2048 },
        });
        assert.deepStrictEqual(entry.artifacts.azure, {
            x86_64: { uri: `${http.url}/{version}/{product}-{version}-{arch}.vhd`, sha256: emptySha256Hex, size: 4096 },
            arm64: { uri: `${http.url}/{version}/{product}-{version}-{arch}.vhd`, size: 8192 },
        });
        // Repr-Digest gives a sha256; a COMPOSITE S3 checksum is not the object's sha256, so none is recorded.
        assert.deepStrictEqual(entry.artifacts.openstack, {
            x86_64: { uri: `${http.url}/{version}/{product}-{version}-{arch}.qcow2`, sha256: emptySha256Hex, size: 300 },
            arm64: { uri: `${http.url}/{version}/{product}-{version}-{arch}.qcow2`, size: 400 },
        });
        assert.deepStrictEqual(entry.artifacts.gcp, {
            x86_64: { uri: "gs://acmelinux-dev-artifacts/{version}/{product}-{version}-{arch}-gcpimage.tar.gz", size: 500 },
            arm64: { uri: "gs://acmelinux-dev-artifacts/{version}/{product}-{version}-{arch}-gcpimage.tar.gz", size: 600 },
        });
        assert.deepStrictEqual(entry.artifacts.alicloud, {
            x86_64: { uri: "oss://acmelinux-dev-artifacts/{version}/{product}-{version}-{arch}.qcow2", size: 700 },
            arm64: { uri: "oss://acmelinux-dev-artifacts/{version}/{product}-{version}-{arch}.qcow2", size: 800 },
        });
        assert.deepStrictEqual(gcs.requests.slice(-2).map((r) => r.object).sort(), [
            "acmelinux-dev-artifacts/1600.1/acmelinux-1600.1-arm64-gcpimage.tar.gz",
            "acmelinux-dev-artifacts/1600.1/acmelinux-1600.1-x86_64-gcpimage.tar.gz",
        ]);
        assert.strictEqual(plan.calls.length, 1);
        assert.strictEqual(plan.calls[0].after, fs.readFileSync(file, "utf8"));
    });

    it("refuses missing artifacts, naming each one's cloud, architecture and URI, and changes nothing", async () => {
        const file = devCopy();
        const before = fs.readFileSync(file, "utf8");
        const plan = recordingPlan();
        const run = await release(["add", "1600.2", "--stack", "dev", "--config", file], { stores: stores(), planEdit: plan.planEdit });
        assert.strictEqual(run.code, 1);
        assert.match(run.err, /release 1600\.2: 10 artifacts missing or unreadable/);
        assert.ok(run.err.includes("  - aws arm64: s3://acmelinux-dev-artifacts/1600.2/acmelinux-1600.2-arm64.raw does not exist\n"), run.err);
        assert.ok(run.err.includes("  - gcp x86_64: gs://acmelinux-dev-artifacts/1600.2/acmelinux-1600.2-x86_64-gcpimage.tar.gz does not exist\n"));
        assert.ok(run.err.includes("  - alicloud arm64: oss://acmelinux-dev-artifacts/1600.2/acmelinux-1600.2-arm64.qcow2 does not exist\n"));
        assert.ok(run.err.includes(`  - azure x86_64: ${http.url}/1600.2/acmelinux-1600.2-x86_64.vhd does not exist\n`));
        assert.strictEqual(fs.readFileSync(file, "utf8"), before);
        assert.strictEqual(plan.calls.length, 0);
    });

    it("reports one missing artifact among present ones", async () => {
        const file = devCopy();
        const before = fs.readFileSync(file, "utf8");
        const run = await release(["add", "1600.1", "--stack", "dev", "--config", file], {
            stores: stores({ gcs: async (uri) => (uri.includes("arm64") ? undefined : { size: 1 }) }),
            planEdit: recordingPlan().planEdit,
        });
        assert.strictEqual(run.code, 1);
        assert.match(run.err, /1 artifact missing or unreadable/);
        assert.match(run.err, / {2}- gcp arm64: gs:\/\/acmelinux-dev-artifacts\/1600\.1\/acmelinux-1600\.1-arm64-gcpimage\.tar\.gz does not exist\n/);
        assert.strictEqual(fs.readFileSync(file, "utf8"), before);
    });

    it("retries 503 and 429 from the HTTPS host and from OSS with a bounded backoff, then succeeds", async () => {
        const file = devCopy();
        let httpCalls = 0;
        httpFaults = (r) => (r.path.endsWith("x86_64.vhd") && ++httpCalls <= 2 ? 503 : undefined);
        let ossCalls = 0;
        ossFaults = (o) => (o.endsWith("x86_64.qcow2") && ++ossCalls <= 2 ? 429 : undefined);
        const run = await release(["add", "1600.1", "--stack", "dev", "--config", file], { stores: stores(), planEdit: recordingPlan().planEdit });
        assert.strictEqual(run.code, 0, run.err);
        assert.deepStrictEqual(http.requests.filter((r) => r.path.endsWith("1600.1-x86_64.vhd")).slice(-3).map((r) => r.status), [503, 503, 200]);
        assert.deepStrictEqual(oss.requests.filter((r) => r.object.endsWith("1600.1-x86_64.qcow2")).slice(-3).map((r) => r.status), [429, 429, 200]);
    });

    it("gives up after the bounded attempts and names the artifact that could not be read", async () => {
        const file = devCopy();
        const before = fs.readFileSync(file, "utf8");
        const seen = http.requests.length;
        httpFaults = (r) => (r.path.endsWith("arm64.qcow2") ? 500 : undefined);
        const run = await release(["add", "1600.1", "--stack", "dev", "--config", file], { stores: stores(), planEdit: recordingPlan().planEdit });
        assert.strictEqual(run.code, 1);
        assert.match(run.err, /openstack arm64: https:\/\/127\.0\.0\.1:\d+\/1600\.1\/acmelinux-1600\.1-arm64\.qcow2 could not be read: gave up after 3 attempts: HEAD .* answered 500/);
        assert.strictEqual(http.requests.slice(seen).filter((r) => r.path.endsWith("arm64.qcow2")).length, 3);
        assert.strictEqual(fs.readFileSync(file, "utf8"), before);
    });

    it("reports an artifact it may not read (403) as unreadable, not as missing", async () => {
        const file = devCopy();
        httpFaults = (r) => (r.path.endsWith("arm64.vhd") ? 403 : undefined);
        const run = await release(["add", "1600.1", "--stack", "dev", "--config", file], { stores: stores(), planEdit: recordingPlan().planEdit });
        assert.strictEqual(run.code, 1);
        assert.match(run.err, /azure arm64: .*arm64\.vhd could not be read: HEAD .* answered 403/);
        assert.doesNotMatch(run.err, /does not exist/);
    });

    it("reports an OSS identity the store refuses, with OSS's error code", async () => {
        const file = devCopy();
        const run = await release(["add", "1600.1", "--stack", "dev", "--config", file], {
            stores: stores({ oss: ossHead((bucket) => new OSS({ endpoint: oss.url, bucket, accessKeyId: "LTAI5tSomeoneElse", accessKeySecret: "x", sldEnable: true } as OSS.Options), { attempts: 1 }) }),
            planEdit: recordingPlan().planEdit,
        });
        assert.strictEqual(run.code, 1);
        assert.match(run.err, /alicloud x86_64: oss:\/\/acmelinux-dev-artifacts\/1600\.1\/acmelinux-1600\.1-x86_64\.qcow2 could not be read: The OSS Access Key Id you provided does not exist in our records\./);
    });

    it("retries a GCS 503 through the client's own retry", async () => {
        const file = devCopy();
        const seen = gcs.requests.length;
        let failures = 0;
        const flaky = await startGcsObjects({ "acmelinux-dev-artifacts/1600.1/acmelinux-1600.1-x86_64-gcpimage.tar.gz": { size: 500 }, "acmelinux-dev-artifacts/1600.1/acmelinux-1600.1-arm64-gcpimage.tar.gz": { size: 600 } },
            { fault: () => (++failures <= 1 ? 503 : undefined) });
        try {
            const run = await release(["add", "1600.1", "--stack", "dev", "--config", file], {
                stores: stores({ gcs: gcsHead(new Storage({ apiEndpoint: flaky.url, projectId: "p", retryOptions: { maxRetries: 2, retryDelayMultiplier: 1, maxRetryDelay: 1 } })) }),
                planEdit: recordingPlan().planEdit,
            });
            assert.strictEqual(run.code, 0, run.err);
            assert.deepStrictEqual(flaky.requests.map((r) => r.status).sort(), [200, 200, 503]);
            assert.strictEqual(gcs.requests.length, seen);
        } finally {
            await flaky.close();
        }
    });

    it("takes S3's sha256 only when it is a full-object checksum, never a composite one", async () => {
        const objects = await startHttpObjects({
            "/bucket/full.raw": { size: 10, checksumSha256: emptySha256Base64, checksumType: "FULL_OBJECT" },
            "/bucket/parts.raw": { size: 20, checksumSha256: `${emptySha256Base64}-4`, checksumType: "COMPOSITE" },
        });
        const { S3Client } = await import("@aws-sdk/client-s3");
        const client = new S3Client({ endpoint: objects.url, forcePathStyle: true, region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" } });
        try {
            const head = s3Head(client);
            assert.deepStrictEqual(await head("s3://bucket/full.raw"), { size: 10, sha256: emptySha256Hex });
            assert.deepStrictEqual(await head("s3://bucket/parts.raw"), { size: 20, sha256: undefined });
            assert.strictEqual(await head("s3://bucket/absent.raw"), undefined);
        } finally {
            client.destroy();
            await objects.close();
        }
    });

    it("lists file:// artifacts as not checked and keeps them as named, checking the other architecture", async () => {
        const file = stackCopy("Pulumi.dev.yaml", [
            [httpsHost, http.url],
            ["        aws: s3://acmelinux-dev-artifacts/{version}/{product}-{version}-{arch}.raw\n",
                "        aws: { x86_64: \"file:///build/{product}-{version}-x86_64.raw\", arm64: \"s3://acmelinux-dev-artifacts/{version}/{product}-{version}-{arch}.raw\" }\n"],
            ["  image-publisher:aws:\n    enabled: true\n", "  image-publisher:aws:\n    enabled: true\n    uploadBucket: acmelinux-dev-upload\n"],
        ]);
        const run = await release(["add", "1600.1", "--stack", "dev", "--config", file], { stores: stores(), planEdit: recordingPlan().planEdit });
        assert.strictEqual(run.code, 0, run.err);
        assert.match(run.err, /release 1600\.1: not checked, local to the machine that publishes:\n {2}- aws x86_64: file:\/\/\/build\/acmelinux-1600\.1-x86_64\.raw\n/);
        assert.match(run.err, /release 1600\.1: 9 artifacts checked/);
        assert.deepStrictEqual((newEntry(file) as { artifacts: Record<string, unknown> }).artifacts.aws, {
            x86_64: "file:///build/{product}-{version}-x86_64.raw",
            arm64: { uri: "s3://acmelinux-dev-artifacts/{version}/{product}-{version}-{arch}.raw", size: 2048 },
        });
    });

    it("the config refuses a recorded size that is not a whole number of bytes", () => {
        const entry = { version: "1600.1", artifacts: { aws: { x86_64: { uri: "s3://b/k.raw", size: 1.5 }, arm64: { uri: "s3://b/k.raw", size: 0 } } } };
        assert.strictEqual(releaseSchema.safeParse(entry).success, false);
        assert.strictEqual(releaseSchema.safeParse({ ...entry, artifacts: { aws: { x86_64: { uri: "s3://b/k.raw", size: 1 } } } }).success, true);
        const issues = releaseSchema.safeParse({ ...entry, artifacts: { aws: { uri: "s3://b/k.raw", size: -3 } } }).error!.issues;
        assert.ok(JSON.stringify(issues).includes("is not a size; allowed: a whole number of bytes"));
    });

    it("--no-check looks nothing up, says so, and keeps the artifact templates", async () => {
        const file = devCopy();
        const never = async (): Promise<never> => { throw new Error("no store may be asked"); };
        const run = await release(["add", "1600.1", "--stack", "dev", "--config", file, "--no-check"], {
            stores: () => ({ s3: never, gcs: never, oss: never, https: never }),
            planEdit: recordingPlan().planEdit,
        });
        assert.strictEqual(run.code, 0, run.err);
        assert.match(run.err, /release 1600\.1: artifact check skipped \(--no-check\); the artifacts are not known to exist/);
        assert.strictEqual((newEntry(file) as { artifacts: Record<string, unknown> }).artifacts.aws, "s3://acmelinux-dev-artifacts/{version}/{product}-{version}-{arch}.raw");
    });
});
