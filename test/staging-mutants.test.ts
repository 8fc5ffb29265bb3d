import * as assert from "assert";
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { isFinishedCopy, stageArtifactCopy } from "../components/staging/copy";
import { digestStream } from "../components/staging/digest";
import { gcsChunkSizeProblem, gcsTarget } from "../components/staging/gcs-target";
import { stagedKey, withoutQuery } from "../components/staging/location";
import { ossPartSize, ossTarget } from "../components/staging/oss-target";
import { StagedArtifactInputs, StagedArtifactOutputs, stagingProvider, StagingProviderOptions } from "../components/staging/provider";
import { describeSource, openSource } from "../components/staging/source";
import { importSource } from "../components/staging/stage";
import { StagingTarget } from "../components/staging/target";
import { isTransientStoreError } from "../components/staging/transient";
import { FakeClock } from "./helpers/clock";
import { ALI_KEY, GCP_KEY, gcsInputs, localStagingOptions, ossInputs } from "./helpers/staging-local";
import { setEnv } from "./helpers/env";
import { named, runMocked } from "./mocks";
import { startArtifactSource } from "./servers/artifact-source";
import { GcsServer } from "./servers/gcs";
import { OssServer } from "./servers/oss";
import { S3Source, startS3Source } from "./servers/s3-source";

const KiB = 1024;
/** 700 KiB of varied bytes: three GCS chunks of 256 KiB; four OSS parts of 200 KiB. */
const artifact = Buffer.from(Array.from({ length: 700 * KiB }, (_, i) => (i * 17 + (i >> 8)) & 0xff));
const artifactSha = createHash("sha256").update(artifact).digest("hex");
const artifactMd5 = createHash("md5").update(artifact).digest("base64");
/** 600 KiB: exactly three OSS parts of 200 KiB. */
const even = artifact.subarray(0, 600 * KiB);
const EVEN_KEY = "1592.4/acmelinux-1592.4-even.qcow2";
const EMPTY_KEY = "1592.4/acmelinux-1592.4-empty.qcow2";
/** The marker the engine puts in place of a value that is not known yet. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

describe("Staging: which store errors are retried", () => {
    it("retries throttling, a request timeout and any 5xx that @google-cloud/storage reports as a numeric code", () => {
        for (const code of [429, 408, 500, 503]) {
            assert.strictEqual(isTransientStoreError({ code }), true, String(code));
        }
        for (const code of [400, 403, 404, 499]) {
            assert.strictEqual(isTransientStoreError({ code }), false, String(code));
        }
        assert.strictEqual(isTransientStoreError({ code: "503" }), false, "a code that is not a number is not a status");
    });

    it("retries ali-oss's negative status of a request that got no answer, and nothing else for a status of 0", () => {
        assert.strictEqual(isTransientStoreError({ status: -1 }), true);
        assert.strictEqual(isTransientStoreError({ status: -2 }), true);
        assert.strictEqual(isTransientStoreError({ status: 0 }), false);
        assert.strictEqual(isTransientStoreError({ status: "-1" }), false);
    });

    it("retries the SDKs' named connection and timeout errors", () => {
        for (const name of ["RequestError", "ResponseError", "ConnectionTimeoutError", "ResponseTimeoutError", "SocketError"]) {
            assert.strictEqual(isTransientStoreError({ name }), true, name);
        }
        assert.strictEqual(isTransientStoreError({ name: "AccessDenied" }), false);
        assert.strictEqual(isTransientStoreError({}), false);
    });

    it("never retries an integrity failure, whatever else it carries", () => {
        assert.strictEqual(isTransientStoreError({ name: "IntegrityError", code: 503 }), false);
        assert.strictEqual(isTransientStoreError({ name: "IntegrityError", status: -1 }), false);
    });

    it("takes a thrown value that is not an object as not transient", () => {
        assert.strictEqual(isTransientStoreError(undefined), false);
        assert.strictEqual(isTransientStoreError(null), false);
    });
});

describe("Staging: object keys and source URIs", () => {
    it("keeps an s3:// key as it is, with its '#' and percent signs", () => {
        assert.strictEqual(stagedKey("s3://artifacts/builds/x#1%20final.qcow2"), "builds/x#1%20final.qcow2");
        assert.strictEqual(stagedKey("s3://b/k"), "k");
    });

    it("takes an https:// URL's decoded path without its leading slashes", () => {
        assert.strictEqual(stagedKey("https://mirror.example.org/s3://b/k.qcow2"), "s3://b/k.qcow2");
        assert.strictEqual(stagedKey("https://h.example.org//builds/x%201.qcow2?sig=1"), "builds/x 1.qcow2");
    });

    it("drops a presigned query from a source URI", () => {
        assert.strictEqual(withoutQuery("https://h.example.org/x.qcow2?X-Amz-Signature=abc"), "https://h.example.org/x.qcow2");
        assert.strictEqual(withoutQuery("s3://b/x.qcow2"), "s3://b/x.qcow2");
    });
});

describe("Staging: part and chunk sizes", () => {
    it("accepts only positive multiples of 256 KiB as a GCS chunk size", () => {
        assert.strictEqual(gcsChunkSizeProblem(256 * KiB), undefined);
        assert.strictEqual(gcsChunkSizeProblem(16 * 1024 * KiB), undefined);
        assert.strictEqual(gcsChunkSizeProblem(0), "0 is not a positive multiple of 262144 (256 KiB)");
        assert.strictEqual(gcsChunkSizeProblem(-262144), "-262144 is not a positive multiple of 262144 (256 KiB)");
        assert.strictEqual(gcsChunkSizeProblem(1024), "1024 is not a positive multiple of 262144 (256 KiB)");
    });

    it("refuses a GCS target with a chunk size GCS would refuse, and takes 16 MiB by default", () => {
        assert.throws(() => gcsTarget("b", "k", { chunkSize: 1000 }), { message: "GCS chunk size 1000 is not a positive multiple of 262144 (256 KiB)" });
        assert.strictEqual(gcsTarget("b", "k").uri, "gs://b/k");
    });

    it("keeps the configured OSS part size, raising it only so that the object fits in 10,000 parts", () => {
        assert.strictEqual(ossPartSize(undefined, 200 * KiB), 200 * KiB);
        assert.strictEqual(ossPartSize(undefined, 1), 100 * KiB);
        assert.strictEqual(ossPartSize(700 * KiB, 200 * KiB), 200 * KiB);
        assert.strictEqual(ossPartSize(400 * 1024 * 1024 * KiB, 16 * 1024 * KiB), 42_949_673);
    });
});

describe("Staging: what counts as a finished copy", () => {
    const source = "s3://artifacts/x.qcow2";
    const ours = (extra: Record<string, string> = {}) => ({ "staged-by": "image-publisher", source, ...extra });

    it("is ours and of the same source: another program's object or another source's copy is not", () => {
        const sha = "a".repeat(64);
        assert.strictEqual(isFinishedCopy({ size: 10, metadata: ours({ sha256: sha }) }, source, { size: 10 }, sha), true);
        assert.strictEqual(isFinishedCopy({ size: 10, metadata: { ...ours({ sha256: sha }), "staged-by": "someone" } }, source, { size: 10 }, sha), false);
        assert.strictEqual(isFinishedCopy({ size: 10, metadata: ours({ sha256: sha }) }, "s3://artifacts/y.qcow2", { size: 10 }, sha), false);
        assert.strictEqual(isFinishedCopy({ size: 10, metadata: ours({ sha256: sha }) }, `${source}?X-Amz-Signature=1`, { size: 10 }, sha), true);
    });

    it("has the source's size when the source tells it, and is judged without it otherwise", () => {
        const sha = "a".repeat(64);
        assert.strictEqual(isFinishedCopy({ size: 9, metadata: ours({ sha256: sha }) }, source, { size: 10 }, sha), false);
        assert.strictEqual(isFinishedCopy({ size: 9, metadata: ours({ "source-etag": "\"e\"" }) }, source, { etag: "\"e\"" }), true);
    });

    it("carries config's sha256 when config gives one, and otherwise the source's ETag", () => {
        const sha = "a".repeat(64);
        assert.strictEqual(isFinishedCopy({ size: 10, metadata: ours({ sha256: "b".repeat(64) }) }, source, { size: 10 }, sha), false);
        assert.strictEqual(isFinishedCopy({ size: 10, metadata: ours({ "source-etag": "\"e\"" }) }, source, { size: 10, etag: "\"f\"" }), false);
        assert.strictEqual(isFinishedCopy({ size: 10, metadata: ours() }, source, { size: 10 }), false, "no ETag on either side proves nothing");
        assert.strictEqual(isFinishedCopy({ size: 10, metadata: ours({ sha256: sha }) }, source, { size: 10, etag: "\"e\"" }), false);
    });
});

describe("Staging: the digest of a copy", () => {
    const run = (expected: { size?: number; sha256?: string }, data: Buffer) => new Promise<void>((resolve, reject) => {
        const { stream } = digestStream(expected, "s3://artifacts/x.qcow2");
        stream.on("error", reject);
        stream.on("data", () => undefined);
        stream.on("end", resolve);
        stream.end(data);
    });

    it("refuses to end when the source gave fewer bytes than it announced", async () => {
        await assert.rejects(run({ size: 10 }, Buffer.from("12345")), {
            name: "IntegrityError", message: "s3://artifacts/x.qcow2 gave 5 bytes, but announced 10; nothing was staged",
        });
    });

    it("ends when the count is the announced one, or when none was announced", async () => {
        await run({ size: 5 }, Buffer.from("12345"));
        await run({}, Buffer.from("12345"));
    });
});

describe("Staging: reading the source", () => {
    let clock: FakeClock;
    beforeEach(() => {
        clock = new FakeClock();
    });

    it("tells the size of an https:// artifact from HEAD, retrying a 429, a 500 and a 503", async () => {
        const answers = [429, 500, 503];
        const source = await startArtifactSource({ data: artifact, path: "/x.qcow2", fault: (r, i) => answers[i] });
        try {
            assert.deepStrictEqual(await describeSource(`${source.url}?sig=1`, { clock }), { size: 716800 });
            assert.deepStrictEqual(source.requests.map((r) => `${r.method} ${r.outcome}`), ["HEAD 429", "HEAD 500", "HEAD 503", "HEAD 200"]);
            assert.strictEqual(clock.sleeps.length, 3);
        } finally {
            await source.close();
        }
    });

    it("knows nothing of an https:// artifact whose HEAD is refused, as a URL presigned for GET refuses it", async () => {
        const source = await startArtifactSource({ data: artifact, path: "/x.qcow2", refuseHead: true });
        try {
            assert.deepStrictEqual(await describeSource(source.url, { clock }), {});
            assert.deepStrictEqual(source.requests.map((r) => `${r.method} ${r.outcome}`), ["HEAD 403"]);
        } finally {
            await source.close();
        }
    });

    it("refuses an https:// artifact that is not there, naming it without its query and never retrying", async () => {
        const source = await startArtifactSource({ data: artifact, path: "/x.qcow2", fault: () => 404 });
        try {
            await assert.rejects(openSource(`${source.url}?X-Amz-Signature=secret`, { clock }), (error: Error & { statusCode?: number }) => {
                assert.strictEqual(error.message, `GET ${source.url} answered 404`);
                assert.strictEqual(error.statusCode, 404);
                return true;
            });
            assert.deepStrictEqual(clock.sleeps, []);
        } finally {
            await source.close();
        }
    });

    it("gives up on an https:// artifact whose HEAD keeps failing, naming it without its query", async () => {
        const source = await startArtifactSource({ data: artifact, path: "/x.qcow2", fault: (r) => (r.method === "HEAD" ? 503 : undefined) });
        try {
            await assert.rejects(describeSource(`${source.url}?X-Amz-Signature=secret`, { clock }),
                { message: `gave up after 5 attempts: HEAD ${source.url} answered 503` });
            assert.strictEqual(source.requests.length, 5);
        } finally {
            await source.close();
        }
    });

    it("knows nothing of an https:// artifact whose HEAD answers an error page", async () => {
        const source = await startArtifactSource({ data: artifact, path: "/x.qcow2", fault: (r) => (r.method === "HEAD" ? 404 : undefined) });
        try {
            assert.deepStrictEqual(await describeSource(source.url, { clock }), {});
        } finally {
            await source.close();
        }
    });

    it("tells the ETag of an https:// artifact when the server sends one", async () => {
        const source = await startArtifactSource({ data: artifact, path: "/x.qcow2", etag: "\"abc123\"" });
        try {
            assert.deepStrictEqual(await describeSource(source.url, { clock }), { size: 716800, etag: "\"abc123\"" });
        } finally {
            await source.close();
        }
    });

    it("reads an https:// URL over https even when its path holds an s3:// URI", async () => {
        const source = await startArtifactSource({ data: artifact, path: "/mirror/s3://acmelinux-artifacts/x.qcow2" });
        try {
            assert.deepStrictEqual(await describeSource(source.url, { clock }), { size: 716800 });
            const body = await openSource(source.url, { clock });
            const chunks: Buffer[] = [];
            for await (const chunk of body) {
                chunks.push(chunk as Buffer);
            }
            assert.ok(Buffer.concat(chunks).equals(artifact));
            assert.deepStrictEqual(source.requests.map((r) => `${r.method} ${r.outcome}`), ["HEAD 200", "GET 200"]);
        } finally {
            await source.close();
        }
    });

    it("retries an S3 endpoint that refuses connections, on the clock it was given", async () => {
        const closed = await startArtifactSource({ data: artifact });
        const endpoint = closed.url.replace(/\/artifact\.vhd$/, "");
        await closed.close();
        const s3 = { endpoint, forcePathStyle: true, region: "us-east-1", credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" }, maxAttempts: 1 };
        await assert.rejects(describeSource("s3://artifacts/x.qcow2", { s3, clock }));
        assert.strictEqual(clock.sleeps.length, 4, "five attempts in all");
        await assert.rejects(openSource("s3://artifacts/x.qcow2", { s3, clock: (clock = new FakeClock()) }));
        assert.strictEqual(clock.sleeps.length, 4, "five attempts in all");
    });
});

describe("Staging: the copy", function () {
    let s3: S3Source;
    let gcs: GcsServer;
    let oss: OssServer;
    let clock: FakeClock;
    let options: StagingProviderOptions;

    before(async () => {
        s3 = await startS3Source(["acmelinux-artifacts"]);
        await s3.put("acmelinux-artifacts", GCP_KEY, artifact);
        await s3.put("acmelinux-artifacts", ALI_KEY, artifact);
        await s3.put("acmelinux-artifacts", EVEN_KEY, even);
        await s3.put("acmelinux-artifacts", EMPTY_KEY, Buffer.alloc(0));
    });
    after(async () => {
        await s3?.close();
    });
    beforeEach(async () => {
        gcs = await GcsServer.start(["acmelinux-staging"]);
        oss = await OssServer.start(["acmelinux-staging-eu"], "LTAI-test-key");
        clock = new FakeClock();
        options = localStagingOptions(s3, gcs, oss, clock, { maxRetries: 0 });
    });
    afterEach(async () => {
        await gcs.close();
        await oss.close();
    });

    const partPuts = () => oss.requests.filter((r) => r.method === "PUT" && /partNumber=/.test(r.query));
    const partNumbers = () => partPuts().map((r) => /partNumber=(\d+)/.exec(r.query)?.[1]);
    const completions = () => oss.requests.filter((r) => r.method === "POST" && /^uploadId=/.test(r.query));

    describe("into GCS", () => {
        it("reports the finished copy it found with config's sha256 and the store's md5", async () => {
            const provider = stagingProvider(options);
            await provider.create!(gcsInputs({ sha256: artifactSha }));

            const again = (await provider.create!(gcsInputs({ sha256: artifactSha }))).outs as StagedArtifactOutputs;

            assert.deepStrictEqual({ size: again.size, sha256: again.sha256, checksum: again.checksum, bytesCopied: again.bytesCopied },
                { size: 716800, sha256: artifactSha, checksum: artifactMd5, bytesCopied: 0 });
        });

        it("copies again over its own copy whose size is not the source's", async () => {
            const provider = stagingProvider(options);
            await provider.create!(gcsInputs({ sha256: artifactSha }));
            const stored = gcs.object("acmelinux-staging", GCP_KEY)!;
            stored.data = stored.data.subarray(0, 1000);

            const outs = (await provider.create!(gcsInputs({ sha256: artifactSha }))).outs as StagedArtifactOutputs;

            assert.strictEqual(outs.bytesCopied, 716800);
            assert.ok(gcs.object("acmelinux-staging", GCP_KEY)?.data.equals(artifact));
        });

        it("stores the object as application/octet-stream", async () => {
            await stagingProvider(options).create!(gcsInputs());
            assert.strictEqual(gcs.object("acmelinux-staging", GCP_KEY)?.contentType, "application/octet-stream");
        });

        it("says how to get past an object that it did not stage", async () => {
            gcs.objects.set(`acmelinux-staging/${GCP_KEY}`, { data: Buffer.from("someone else's"), metadata: {}, generation: 7 });
            await assert.rejects(stagingProvider(options).create!(gcsInputs()), {
                message: `gs://acmelinux-staging/${GCP_KEY} already exists and was not staged by image-publisher; it is left alone: `
                    + "move it away or choose another staging bucket",
            });
        });

        it("reports a refused object lookup instead of taking the object as missing", async () => {
            gcs.faults.push({ method: "GET", path: /^\/storage\//, answer: 403, times: 1 });
            await assert.rejects(stagingProvider(options).create!(gcsInputs()), (error: { code?: number }) => error.code === 403);
            assert.strictEqual(gcs.calls("POST", /^\/upload\//).length, 0, "no upload");
        });

        it("reports a refused delete, and takes an object already gone as deleted", async () => {
            const provider = stagingProvider(options);
            const { id, outs } = await provider.create!(gcsInputs());
            gcs.faults.push({ method: "DELETE", answer: 403, times: 1 });
            await assert.rejects(provider.delete!(id, outs as StagedArtifactOutputs), (error: { code?: number }) => error.code === 403);
            assert.ok(gcs.object("acmelinux-staging", GCP_KEY), "still there");
            await provider.delete!(id, outs as StagedArtifactOutputs);
            await provider.delete!(id, outs as StagedArtifactOutputs);
            assert.strictEqual(gcs.object("acmelinux-staging", GCP_KEY), undefined);
        });

        it("reads back the staged object's size as the store reports it", async () => {
            const provider = stagingProvider(options);
            const { id, outs } = await provider.create!(gcsInputs());
            gcs.object("acmelinux-staging", GCP_KEY)!.data = Buffer.alloc(5);
            assert.deepStrictEqual(await provider.read!(id, outs as StagedArtifactOutputs), { id, props: { ...(outs as StagedArtifactOutputs), size: 5 } });
        });

        it("deletes the object and fails when the store's md5 is not that of the bytes sent", async () => {
            const real = gcsTarget("acmelinux-staging", GCP_KEY, { ...options.gcs, clock });
            const corrupting: StagingTarget = { ...real, upload: async (body, size, metadata) => ({ ...(await real.upload(body, size, metadata)), checksum: "AAAAAAAAAAAAAAAAAAAAAA==" }) };

            await assert.rejects(stageArtifactCopy({ source: `s3://acmelinux-artifacts/${GCP_KEY}`, target: corrupting, sourceOptions: options.source }), {
                name: "IntegrityError",
                message: `gs://acmelinux-staging/${GCP_KEY} has md5 AAAAAAAAAAAAAAAAAAAAAA== in the store, but ${artifactMd5} was sent; the object was deleted`,
            });
            assert.strictEqual(gcs.object("acmelinux-staging", GCP_KEY), undefined);
        });

        it("keeps the object when the store reports no checksum, or one that is not an md5", async () => {
            const real = gcsTarget("acmelinux-staging", GCP_KEY, { ...options.gcs, clock });
            const silent: StagingTarget = { ...real, upload: async (body, size, metadata) => { await real.upload(body, size, metadata); return {}; } };
            const result = await stageArtifactCopy({ source: `s3://acmelinux-artifacts/${GCP_KEY}`, target: silent, sourceOptions: options.source });
            assert.deepStrictEqual(result, { uri: `gs://acmelinux-staging/${GCP_KEY}`, size: 716800, sha256: artifactSha, bytesCopied: 716800 });
            assert.ok(gcs.object("acmelinux-staging", GCP_KEY));

            const other = gcsTarget("acmelinux-staging", "1592.4/other.tar.gz", { ...options.gcs, clock });
            const notMd5: StagingTarget = { ...other, checksumIsMd5: false, upload: async (body, size, metadata) => ({ ...(await other.upload(body, size, metadata)), checksum: "\"ETAG-1\"" }) };
            const kept = await stageArtifactCopy({ source: `s3://acmelinux-artifacts/${GCP_KEY}`, target: notMd5, sourceOptions: options.source });
            assert.strictEqual(kept.checksum, "\"ETAG-1\"");
        });

        it("fails the copy when the source breaks off before answering, leaving no object", async () => {
            const source = await startArtifactSource({ data: artifact, path: "/x.tar.gz", fault: (r, i) => (i === 1 ? "reset" : undefined) });
            try {
                await assert.rejects(stagingProvider(options).create!(gcsInputs({ source: source.url, key: "x.tar.gz" })));
                assert.strictEqual(gcs.objects.size, 0);
            } finally {
                await source.close();
            }
        });

        it("fails the copy when the source breaks off halfway through the body, leaving no object", async () => {
            const source = await startArtifactSource({ data: artifact, path: "/x.tar.gz", fault: (r) => (r.method === "GET" ? "break" : undefined) });
            try {
                await assert.rejects(stagingProvider(options).create!(gcsInputs({ source: source.url, key: "x.tar.gz" })));
                assert.deepStrictEqual(source.requests.map((r) => `${r.method} ${r.outcome}`), ["HEAD 200", "GET break"]);
                assert.strictEqual(gcs.objects.size, 0);
            } finally {
                await source.close();
            }
        });

        it("finds a finished copy of an https:// artifact by the ETag its server sends", async () => {
            const source = await startArtifactSource({ data: artifact, path: "/x.tar.gz", etag: "\"abc123\"" });
            try {
                const provider = stagingProvider(options);
                await provider.create!(gcsInputs({ source: source.url, key: "x.tar.gz" }));
                assert.strictEqual(gcs.object("acmelinux-staging", "x.tar.gz")?.metadata["source-etag"], "\"abc123\"");
                const again = (await provider.create!(gcsInputs({ source: source.url, key: "x.tar.gz" }))).outs as StagedArtifactOutputs;
                assert.strictEqual(again.bytesCopied, 0);
            } finally {
                await source.close();
            }
        });
    });

    describe("into OSS", () => {
        it("sends each part with the Content-MD5 of its bytes", async () => {
            await stagingProvider(options).create!(ossInputs());
            const md5 = (from: number, to: number) => createHash("md5").update(artifact.subarray(from * KiB, to * KiB)).digest("base64");
            assert.deepStrictEqual(partPuts().map((r) => r.contentMd5), [md5(0, 200), md5(200, 400), md5(400, 600), md5(600, 700)]);
        });

        it("sends one part at a time when asked to", async () => {
            await stagingProvider(options).create!(ossInputs());
            assert.strictEqual(oss.maxPartsInFlight(), 1);
        });

        it("uploads in parts of 16 MiB by default, so a 700 KiB artifact is one part", async () => {
            const { partSize: _partSize, ...rest } = options.oss!;
            await stagingProvider({ ...options, oss: rest }).create!(ossInputs());
            assert.deepStrictEqual(partNumbers(), ["1"]);
            assert.ok(oss.object("acmelinux-staging-eu", ALI_KEY)?.data.equals(artifact));
        });

        it("sends an artifact that is an exact multiple of the part size in exactly that many parts", async () => {
            await stagingProvider(options).create!(ossInputs({ source: `s3://acmelinux-artifacts/${EVEN_KEY}`, key: EVEN_KEY }));
            assert.deepStrictEqual(partNumbers(), ["1", "2", "3"]);
            assert.ok(oss.object("acmelinux-staging-eu", EVEN_KEY)?.data.equals(even));
        });

        it("stages an empty artifact as one empty part", async () => {
            const outs = (await stagingProvider(options).create!(ossInputs({ source: `s3://acmelinux-artifacts/${EMPTY_KEY}`, key: EMPTY_KEY }))).outs as StagedArtifactOutputs;
            assert.strictEqual(outs.size, 0);
            assert.deepStrictEqual(partNumbers(), ["1"]);
            assert.strictEqual(oss.object("acmelinux-staging-eu", EMPTY_KEY)?.data.length, 0);
        });

        it("completes parts that finished out of order in part-number order", async () => {
            oss.faults.push({ method: "PUT", query: /partNumber=1&/, answer: 503, times: 1 });
            await stagingProvider({ ...options, oss: { ...options.oss, parallelism: 4 } }).create!(ossInputs({ sha256: artifactSha }));
            assert.ok(oss.object("acmelinux-staging-eu", ALI_KEY)?.data.equals(artifact));
        });

        it("stops sending parts after one was refused, aborts the upload and reports that refusal", async () => {
            oss.faults.push({ method: "PUT", query: /partNumber=2&/, answer: 400, times: 1 });
            await assert.rejects(stagingProvider(options).create!(ossInputs()), (error: { status?: number }) => error.status === 400);
            assert.deepStrictEqual(partNumbers(), ["1", "2"]);
            assert.deepStrictEqual(completions(), []);
            assert.strictEqual(oss.uploads.size, 0);
            assert.strictEqual(oss.object("acmelinux-staging-eu", ALI_KEY), undefined);
        });

        it("reports a refused last part, and never completes the upload", async () => {
            oss.faults.push({ method: "PUT", query: /partNumber=4&/, answer: 400, times: 1 });
            await assert.rejects(stagingProvider(options).create!(ossInputs()), (error: { status?: number }) => error.status === 400);
            assert.deepStrictEqual(completions(), []);
            assert.strictEqual(oss.uploads.size, 0);
        });

        it("reports the finished copy it found with its ETag", async () => {
            const provider = stagingProvider(options);
            const first = (await provider.create!(ossInputs({ sha256: artifactSha }))).outs as StagedArtifactOutputs;
            const again = (await provider.create!(ossInputs({ sha256: artifactSha }))).outs as StagedArtifactOutputs;
            assert.strictEqual(again.bytesCopied, 0);
            assert.strictEqual(again.checksum, oss.object("acmelinux-staging-eu", ALI_KEY)?.etag);
            assert.strictEqual(again.checksum, first.checksum);
        });

        it("reports a refused object lookup instead of taking the object as missing", async () => {
            oss.faults.push({ method: "HEAD", answer: 403, times: 1 });
            await assert.rejects(stagingProvider(options).create!(ossInputs()), (error: { status?: number }) => error.status === 403);
            assert.deepStrictEqual(partPuts(), []);
        });

        describe("credentials", () => {
            let restore: () => void;
            beforeEach(() => {
                restore = setEnv({ ALIBABA_CLOUD_ACCESS_KEY_ID: undefined, ALIBABA_CLOUD_ACCESS_KEY_SECRET: undefined, ALIBABA_CLOUD_SECURITY_TOKEN: undefined });
            });
            afterEach(() => restore());

            it("needs both an access key ID and its secret", async () => {
                const message = "staging into OSS needs ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET";
                const { accessKeySecret: _secret, ...withoutSecret } = options.oss!;
                await assert.rejects(ossTarget("eu-central-1", "acmelinux-staging-eu", ALI_KEY, withoutSecret).existing(), { message });
                const { accessKeyId: _id, ...withoutId } = options.oss!;
                await assert.rejects(ossTarget("eu-central-1", "acmelinux-staging-eu", ALI_KEY, withoutId).existing(), { message });
                assert.deepStrictEqual(oss.requests, []);
            });

            it("takes the keys and an STS token from the environment", async () => {
                const undo = setEnv({ ALIBABA_CLOUD_ACCESS_KEY_ID: "LTAI-test-key", ALIBABA_CLOUD_ACCESS_KEY_SECRET: "test-secret", ALIBABA_CLOUD_SECURITY_TOKEN: "sts-token" });
                try {
                    const { accessKeyId: _id, accessKeySecret: _secret, ...endpointOnly } = options.oss!;
                    assert.strictEqual(await ossTarget("eu-central-1", "acmelinux-staging-eu", ALI_KEY, endpointOnly).existing(), undefined);
                    assert.deepStrictEqual(oss.requests.map((r) => [r.method, r.securityToken]), [["HEAD", "sts-token"]]);
                } finally {
                    undo();
                }
            });
        });
    });
});

describe("Staging provider: check, diff, update and read", () => {
    const provider = stagingProvider();
    const gcs = (extra: Partial<StagedArtifactInputs> = {}): StagedArtifactInputs => ({
        source: "s3://acmelinux-artifacts/1592.4/x.tar.gz", store: "gcs", bucket: "acmelinux-staging", key: "1592.4/x.tar.gz", ...extra,
    });
    const failuresOf = async (news: Partial<StagedArtifactInputs>) =>
        (await provider.check!({} as StagedArtifactInputs, news as StagedArtifactInputs)).failures?.map((f) => f.property);

    it("accepts s3:// and https:// sources, and a GCS target without a region", async () => {
        for (const source of ["s3://acmelinux-artifacts/1592.4/x.tar.gz", "s3://b/k", "https://downloads.example.org/x.tar.gz?sig=1", "https://h/a"]) {
            assert.deepStrictEqual(await failuresOf(gcs({ source })), [], source);
        }
    });

    it("refuses a source that is not a whole s3:// object or https:// URL", async () => {
        for (const source of ["xs3://b/k", "s3://b/", "s3:///k", "s3://b/k x", "https://h/a b", "http://h/a", " https://h/a"]) {
            assert.deepStrictEqual(await failuresOf(gcs({ source })), ["source"], source);
        }
    });

    it("leaves a source, sha256 and region that are not known yet to the run", async () => {
        assert.deepStrictEqual(await failuresOf(gcs({ source: UNKNOWN, sha256: UNKNOWN })), []);
        assert.deepStrictEqual(await failuresOf(gcs({ source: undefined })), []);
        assert.deepStrictEqual(await failuresOf(gcs({ store: "oss", region: UNKNOWN })), []);
        assert.deepStrictEqual(await failuresOf(gcs({ store: "oss", region: undefined })), ["region"]);
    });

    it("refuses a sha256 that is not 64 hex digits, and an unknown store", async () => {
        for (const sha256 of ["a".repeat(63), "a".repeat(65), "g".repeat(64), ` ${"a".repeat(63)}`]) {
            assert.deepStrictEqual(await failuresOf(gcs({ sha256 })), ["sha256"], sha256);
        }
        const { failures } = await provider.check!({} as StagedArtifactInputs, gcs({ sha256: "x", store: "s3" as "gcs" }));
        assert.deepStrictEqual(failures, [
            { property: "sha256", reason: "is not a sha256; allowed: 64 hex digits" },
            { property: "store", reason: "allowed: \"gcs\" or \"oss\"" },
        ]);
        assert.deepStrictEqual(await failuresOf(gcs({ store: "oss", region: "eu-central-1" })), []);
        assert.deepStrictEqual(await failuresOf(gcs({ sha256: "0123456789abcdefABCDEF".repeat(3).slice(0, 64) })), []);
    });

    it("settles a sha256 in lower case and drops what is undefined", async () => {
        const { inputs } = await provider.check!({} as StagedArtifactInputs, gcs({ sha256: "ABCDEF".repeat(10) + "ABCD", region: undefined }));
        assert.deepStrictEqual(inputs, gcs({ sha256: "abcdef".repeat(10) + "abcd" }));
        assert.ok(!("region" in inputs));
        const unknown = await provider.check!({} as StagedArtifactInputs, gcs({ sha256: UNKNOWN }));
        assert.strictEqual(unknown.inputs?.sha256, UNKNOWN);
    });

    it("replaces on a new source, but not on a new presigned query of the same one", async () => {
        const olds = { ...gcs({ source: "https://h.example.org/x.tar.gz" }), uri: "gs://x", size: 1, bytesCopied: 1 } as StagedArtifactOutputs;
        assert.deepStrictEqual(await provider.diff!("id", olds, gcs({ source: "https://h.example.org/x.tar.gz?X-Amz-Signature=new" })),
            { changes: false, replaces: [], deleteBeforeReplace: true });
        assert.deepStrictEqual(await provider.diff!("id", olds, gcs({ source: "https://h.example.org/y.tar.gz" })),
            { changes: true, replaces: ["source"], deleteBeforeReplace: true });
    });

    it("keeps the copy when config no longer gives a sha256", async () => {
        const olds = { ...gcs({ sha256: "a".repeat(64) }), uri: "gs://x", size: 1, bytesCopied: 1 } as StagedArtifactOutputs;
        assert.deepStrictEqual(await provider.diff!("id", olds, gcs()), { changes: false, replaces: [], deleteBeforeReplace: true });
    });

    it("creates the replacement first when it goes to another bucket or store, and deletes first on another region", async () => {
        const olds = { ...gcs(), uri: "gs://x", size: 1, bytesCopied: 1 } as StagedArtifactOutputs;
        assert.deepStrictEqual(await provider.diff!("id", olds, gcs({ bucket: "other" })), { changes: true, replaces: ["bucket"], deleteBeforeReplace: false });
        assert.deepStrictEqual(await provider.diff!("id", olds, gcs({ store: "oss" })), { changes: true, replaces: ["store"], deleteBeforeReplace: false });
        assert.deepStrictEqual(await provider.diff!("id", olds, gcs({ region: "eu-central-1" })), { changes: true, replaces: ["region"], deleteBeforeReplace: true });
    });

    it("changes only retain in place", async () => {
        const olds = { ...gcs(), uri: "gs://x", size: 1, bytesCopied: 1 } as StagedArtifactOutputs;
        assert.deepStrictEqual(await provider.update!("gs://x", olds, gcs({ retain: true })), { outs: { ...olds, retain: true } });
    });

    it("cannot read an object without its state", async () => {
        await assert.rejects(provider.read!("gs://x", undefined), { message: "cannot read gs://x without its state" });
    });
});

describe("Staging: the import's source", () => {
    const run = (uri: string, cloud: "gcp" | "alicloud", bucket: string | undefined, sha256?: string, region?: string) => runMocked(() => {
        const parent = new pulumi.ComponentResource("test:index:Image", "release", {});
        const found = importSource("release-gcp", cloud, { uri, ...(sha256 ? { sha256 } : {}) }, bucket, { parent, ...(region ? { region } : {}) });
        return { uri: found.uri, dependsOn: found.dependsOn.map((r) => r.urn) };
    });

    it("registers a staging copy under the image, and hands the import the staged object to wait for", async () => {
        const sha = "a".repeat(64);
        const result = await run("s3://artifacts/1.0/x.qcow2", "alicloud", "stage-eu", sha, "eu-central-1");
        const staged = named(result, "release-gcp-staging");
        assert.strictEqual(staged.type, "pulumi-nodejs:dynamic/staging:StagedArtifact");
        assert.strictEqual(staged.parent, "release");
        assert.deepStrictEqual(staged.inputs, { source: "s3://artifacts/1.0/x.qcow2", sha256: sha, store: "oss", bucket: "stage-eu", key: "1.0/x.qcow2", region: "eu-central-1" });
        assert.strictEqual(result.outputs.uri, "oss://stage-eu/1.0/x.qcow2");
        assert.strictEqual(result.outputs.dependsOn.length, 1);
        assert.match(String(result.outputs.dependsOn[0]), /staging:StagedArtifact::release-gcp-staging$/);
    });

    it("registers nothing for an artifact the import reads in place", async () => {
        const result = await run("gs://b/x.tar.gz", "gcp", undefined);
        assert.deepStrictEqual(result.outputs, { uri: "gs://b/x.tar.gz", dependsOn: [] });
        assert.deepStrictEqual(result.resources.map((r) => r.name), ["release"]);
    });

    it("refuses to stage without a bucket", async () => {
        await assert.rejects(run("s3://artifacts/x.tar.gz", "gcp", ""), /s3:\/\/artifacts\/x\.tar\.gz must be staged for gcp, but no staging bucket is set/);
    });
});
