import * as assert from "assert";
import { createHash } from "crypto";
import { StagedArtifactInputs, StagedArtifactOutputs, stagingProvider, StagingProviderOptions } from "../components/staging/provider";
import { FakeClock } from "./helpers/clock";
import { ALI_KEY, GCP_KEY, gcsInputs, localStagingOptions, ossInputs } from "./helpers/staging-local";
import { storedWithFormerKind } from "./helpers/former-kind";
import { roundTrip } from "./helpers/serialise";
import { startArtifactSource } from "./servers/artifact-source";
import { GcsServer } from "./servers/gcs";
import { OssServer } from "./servers/oss";
import { S3Source, startS3Source } from "./servers/s3-source";

const KiB = 1024;
/** 700 KiB of varied bytes: three GCS chunks of 256 KiB, the last one partial; four OSS parts of 200 KiB. */
const artifact = Buffer.from(Array.from({ length: 700 * KiB }, (_, i) => (i * 31 + (i >> 9)) & 0xff));
const artifactSha = createHash("sha256").update(artifact).digest("hex");
const artifactMd5 = createHash("md5").update(artifact).digest("base64");
const wrongSha = "0".repeat(64);

describe("StagedArtifact provider", function () {
    let s3: S3Source;
    let gcs: GcsServer;
    let oss: OssServer;
    let clock: FakeClock;
    let options: StagingProviderOptions;

    before(async () => {
        s3 = await startS3Source(["acmelinux-artifacts"]);
        await s3.put("acmelinux-artifacts", GCP_KEY, artifact);
        await s3.put("acmelinux-artifacts", ALI_KEY, artifact);
    });
    after(async () => {
        await s3?.close();
    });
    beforeEach(async () => {
        gcs = await GcsServer.start(["acmelinux-staging"]);
        oss = await OssServer.start(["acmelinux-staging-eu"], "LTAI-test-key");
        clock = new FakeClock();
        options = localStagingOptions(s3, gcs, oss, clock);
    });
    afterEach(async () => {
        await gcs.close();
        await oss.close();
    });

    const uploadPuts = () => gcs.calls("PUT", /^\/upload\//).filter((r) => r.contentRange !== "bytes */*");

    describe("into GCS", () => {
        it("streams the S3 object into GCS by resumable upload in 256 KiB chunks and records size, sha256 and md5", async () => {
            const result = await stagingProvider(options).create!(gcsInputs({ sha256: artifactSha }));

            assert.strictEqual(result.id, `gs://acmelinux-staging/${GCP_KEY}`);
            const outs = result.outs as StagedArtifactOutputs;
            assert.strictEqual(outs.uri, `gs://acmelinux-staging/${GCP_KEY}`);
            assert.strictEqual(outs.size, 716800);
            assert.strictEqual(outs.sha256, artifactSha);
            assert.strictEqual(outs.checksum, artifactMd5);
            assert.strictEqual(outs.bytesCopied, 716800);
            const stored = gcs.object("acmelinux-staging", GCP_KEY);
            assert.ok(stored, "the object exists");
            assert.ok(stored.data.equals(artifact), "the staged bytes are the artifact's");
            assert.deepStrictEqual(stored.metadata, {
                "staged-by": "image-publisher", source: `s3://acmelinux-artifacts/${GCP_KEY}`, "source-etag": `"${createHash("md5").update(artifact).digest("hex")}"`, sha256: artifactSha,
            });
            assert.deepStrictEqual(uploadPuts().map((r) => r.contentRange), ["bytes 0-262143/*", "bytes 262144-524287/*", "bytes 524288-716799/716800"]);
            assert.strictEqual(gcs.calls("POST", /^\/upload\//).length, 1, "one upload session");
        });

        it("resumes the session after a connection dropped in the middle of a chunk, resending only that chunk", async () => {
            gcs.faults.push({ method: "PUT", path: /^\/upload\//, answer: "reset", times: 1 });

            const outs = (await stagingProvider(options).create!(gcsInputs({ sha256: artifactSha }))).outs as StagedArtifactOutputs;

            assert.strictEqual(outs.sha256, artifactSha);
            assert.ok(gcs.object("acmelinux-staging", GCP_KEY)?.data.equals(artifact));
            assert.strictEqual(gcs.calls("POST", /^\/upload\//).length, 1, "the same session, not a new one");
            assert.deepStrictEqual(uploadPuts().map((r) => `${r.contentRange} ${r.outcome}`), [
                "bytes 0-262143/* reset", "bytes 0-262143/* 308", "bytes 262144-524287/* 308", "bytes 524288-716799/716800 200",
            ]);
        });

        it("retries a 503 on the session start and on the object lookup", async () => {
            gcs.faults.push({ method: "GET", path: /^\/storage\//, answer: 503, times: 1 });
            gcs.faults.push({ method: "POST", path: /^\/upload\//, answer: 503, times: 1 });

            await stagingProvider(options).create!(gcsInputs());

            assert.ok(gcs.object("acmelinux-staging", GCP_KEY)?.data.equals(artifact));
            assert.deepStrictEqual(gcs.calls("POST", /^\/upload\//).map((r) => r.outcome), [503, 200]);
        });

        it("fails on a sha256 mismatch before the last chunk, so no object is left", async () => {
            await assert.rejects(stagingProvider(options).create!(gcsInputs({ sha256: wrongSha })),
                (error: Error) => error.name === "IntegrityError"
                    && error.message === `s3://acmelinux-artifacts/${GCP_KEY} has sha256 ${artifactSha}, but config gives ${wrongSha}; nothing was staged`);

            assert.strictEqual(gcs.object("acmelinux-staging", GCP_KEY), undefined);
            assert.strictEqual(gcs.objects.size, 0);
            assert.ok(uploadPuts().every((r) => !/\/716800$/.test(r.contentRange ?? "")), "the final chunk was never sent");
        });

        it("finds the finished copy on a rerun and copies nothing", async () => {
            const provider = stagingProvider(options);
            await provider.create!(gcsInputs({ sha256: artifactSha }));
            const before = gcs.requests.length;

            const again = (await provider.create!(gcsInputs({ sha256: artifactSha }))).outs as StagedArtifactOutputs;

            assert.strictEqual(again.bytesCopied, 0);
            assert.strictEqual(again.size, 716800);
            assert.deepStrictEqual(gcs.requests.slice(before).map((r) => r.method), ["GET"], "one lookup, no upload");
        });

        it("finds a finished copy by the source's ETag when config gives no sha256", async () => {
            const provider = stagingProvider(options);
            await provider.create!(gcsInputs());
            const sessions = gcs.calls("POST", /^\/upload\//).length;

            const again = (await provider.create!(gcsInputs())).outs as StagedArtifactOutputs;

            assert.strictEqual(again.bytesCopied, 0);
            assert.strictEqual(gcs.calls("POST", /^\/upload\//).length, sessions);
        });

        it("copies again over its own copy of an older source, conditional on that object's generation", async () => {
            const provider = stagingProvider(options);
            await provider.create!(gcsInputs({ sha256: artifactSha }));
            const older = gcs.object("acmelinux-staging", GCP_KEY);
            older!.metadata.sha256 = wrongSha;

            const outs = (await provider.create!(gcsInputs({ sha256: artifactSha }))).outs as StagedArtifactOutputs;

            assert.strictEqual(outs.bytesCopied, 716800);
            assert.strictEqual(gcs.object("acmelinux-staging", GCP_KEY)?.metadata.sha256, artifactSha);
            assert.strictEqual(gcs.object("acmelinux-staging", GCP_KEY)?.generation, 2);
        });

        it("leaves alone an object that it did not stage, and says so", async () => {
            gcs.objects.set(`acmelinux-staging/${GCP_KEY}`, { data: Buffer.from("someone else's"), metadata: {}, generation: 7 });

            await assert.rejects(stagingProvider(options).create!(gcsInputs()),
                new RegExp(`gs://acmelinux-staging/${GCP_KEY.replace(/\./g, "\\.")} already exists and was not staged by image-publisher`));

            assert.strictEqual(gcs.object("acmelinux-staging", GCP_KEY)?.data.toString(), "someone else's");
            assert.strictEqual(gcs.calls("POST", /^\/upload\//).length, 0);
        });

        it("deletes the staged object with the resource, and keeps it when retain is set", async () => {
            const provider = stagingProvider(options);
            const { outs } = await provider.create!(gcsInputs());
            await provider.delete!(`gs://acmelinux-staging/${GCP_KEY}`, { ...(outs as StagedArtifactOutputs), retain: true });
            assert.ok(gcs.object("acmelinux-staging", GCP_KEY), "retained");

            await provider.delete!(`gs://acmelinux-staging/${GCP_KEY}`, outs as StagedArtifactOutputs);
            assert.strictEqual(gcs.object("acmelinux-staging", GCP_KEY), undefined);
            await provider.delete!(`gs://acmelinux-staging/${GCP_KEY}`, outs as StagedArtifactOutputs);
        });

        it("reads back that a staged object is gone, so the next run stages it again", async () => {
            const provider = stagingProvider(options);
            const { id, outs } = await provider.create!(gcsInputs());
            assert.strictEqual((await provider.read!(id, outs as StagedArtifactOutputs)).id, id);
            gcs.objects.clear();
            assert.strictEqual((await provider.read!(id, outs as StagedArtifactOutputs)).id, "");
        });

        it("stages from an https:// source too, retrying its 503", async () => {
            const source = await startArtifactSource({ data: artifact, path: "/1592.4/acmelinux.tar.gz", fault: (r, i) => (i === 1 ? 503 : undefined) });
            try {
                const outs = (await stagingProvider(options).create!(gcsInputs({ source: source.url, key: "1592.4/acmelinux.tar.gz", sha256: artifactSha }))).outs as StagedArtifactOutputs;
                assert.strictEqual(outs.sha256, artifactSha);
                assert.ok(gcs.object("acmelinux-staging", "1592.4/acmelinux.tar.gz")?.data.equals(artifact));
                assert.deepStrictEqual(source.requests.map((r) => `${r.method} ${r.outcome}`), ["HEAD 200", "GET 503", "GET 200"]);
            } finally {
                await source.close();
            }
        });
    });

    describe("into OSS", () => {
        const partPuts = () => oss.requests.filter((r) => r.method === "PUT" && /partNumber=/.test(r.query));

        it("streams the S3 object into OSS by multipart upload, one 200 KiB part at a time, each with its Content-MD5", async () => {
            const outs = (await stagingProvider(options).create!(ossInputs({ sha256: artifactSha }))).outs as StagedArtifactOutputs;

            assert.strictEqual(outs.uri, `oss://acmelinux-staging-eu/${ALI_KEY}`);
            assert.strictEqual(outs.size, 716800);
            assert.strictEqual(outs.sha256, artifactSha);
            assert.match(outs.checksum ?? "", /^"[0-9A-F]{32}-4"$/);
            const stored = oss.object("acmelinux-staging-eu", ALI_KEY);
            assert.ok(stored?.data.equals(artifact));
            assert.deepStrictEqual(stored?.meta, {
                "staged-by": "image-publisher", source: `s3://acmelinux-artifacts/${ALI_KEY}`, "source-etag": `"${createHash("md5").update(artifact).digest("hex")}"`, sha256: artifactSha,
            });
            assert.deepStrictEqual(partPuts().map((r) => /partNumber=(\d+)/.exec(r.query)?.[1]), ["1", "2", "3", "4"]);
            assert.strictEqual(oss.uploads.size, 0, "no unfinished upload is left");
        });

        it("uploads several parts at once, and completes them in part-number order", async () => {
            const parallel = stagingProvider({ ...options, oss: { ...options.oss, parallelism: 3 } });
            // Parts 1-3 are answered only once all three are in flight; part 4 waits for a free slot.
            oss.holdPartsUntil = 3;

            const outs = (await parallel.create!(ossInputs({ sha256: artifactSha }))).outs as StagedArtifactOutputs;

            assert.strictEqual(outs.sha256, artifactSha);
            assert.ok(oss.object("acmelinux-staging-eu", ALI_KEY)?.data.equals(artifact), "the parts are joined in order");
            assert.strictEqual(oss.maxPartsInFlight(), 3);
        });

        it("resends a part whose connection dropped halfway, and retries a 503", async () => {
            oss.faults.push({ method: "PUT", query: /partNumber=2&/, answer: "reset", times: 1 });
            oss.faults.push({ method: "PUT", query: /partNumber=3&/, answer: 503, times: 1 });

            await stagingProvider(options).create!(ossInputs({ sha256: artifactSha }));

            assert.ok(oss.object("acmelinux-staging-eu", ALI_KEY)?.data.equals(artifact));
            assert.deepStrictEqual(partPuts().map((r) => `${/partNumber=(\d+)/.exec(r.query)?.[1]} ${r.outcome}`),
                ["1 200", "2 reset", "2 200", "3 503", "3 200", "4 200"]);
            assert.deepStrictEqual(clock.sleeps.length, 2, "one backoff for each fault");
        });

        it("aborts the upload on a sha256 mismatch, so neither the object nor its parts are left", async () => {
            await assert.rejects(stagingProvider(options).create!(ossInputs({ sha256: wrongSha })), { name: "IntegrityError" });

            assert.strictEqual(oss.object("acmelinux-staging-eu", ALI_KEY), undefined);
            assert.strictEqual(oss.uploads.size, 0);
            assert.strictEqual(oss.requests.filter((r) => r.method === "POST" && /^uploadId=/.test(r.query)).length, 0, "never completed");
        });

        it("aborts what an interrupted run left of this key before it starts again", async () => {
            const stale = oss.seedUpload("acmelinux-staging-eu", ALI_KEY, [artifact.subarray(0, 200 * KiB)]);
            const other = oss.seedUpload("acmelinux-staging-eu", `${ALI_KEY}.other`, [artifact.subarray(0, 200 * KiB)]);

            await stagingProvider(options).create!(ossInputs());

            assert.ok(!oss.uploads.has(stale), "the stale upload of this key is aborted");
            assert.ok(oss.uploads.has(other), "another key's upload is not touched");
            assert.ok(oss.object("acmelinux-staging-eu", ALI_KEY)?.data.equals(artifact));
        });

        it("finds the finished copy on a rerun and copies nothing", async () => {
            const provider = stagingProvider(options);
            await provider.create!(ossInputs({ sha256: artifactSha }));
            const before = oss.requests.length;

            const again = (await provider.create!(ossInputs({ sha256: artifactSha }))).outs as StagedArtifactOutputs;

            assert.strictEqual(again.bytesCopied, 0);
            assert.deepStrictEqual(oss.requests.slice(before).map((r) => r.method), ["HEAD"]);
        });

        it("deletes the staged object with the resource unless retain is set", async () => {
            const provider = stagingProvider(options);
            const { id, outs } = await provider.create!(ossInputs());
            await provider.delete!(id, { ...(outs as StagedArtifactOutputs), retain: true });
            assert.ok(oss.object("acmelinux-staging-eu", ALI_KEY));
            await provider.delete!(id, outs as StagedArtifactOutputs);
            assert.strictEqual(oss.object("acmelinux-staging-eu", ALI_KEY), undefined);
        });

        it("reports OSS's own refusal of an unknown access key, and does not retry it", async () => {
            const refused = stagingProvider({ ...options, oss: { ...options.oss, accessKeyId: "LTAI-unknown" } });
            await assert.rejects(refused.create!(ossInputs()), (error: { code?: string; status?: number }) =>
                error.code === "InvalidAccessKeyId" && error.status === 403);
            assert.deepStrictEqual(clock.sleeps, []);
        });
    });

    describe("as the engine sees it", () => {
        it("refuses a source that is not s3:// or https://, and an OSS target without a region", async () => {
            const { failures } = await stagingProvider().check!({} as StagedArtifactInputs, ossInputs({ source: "ftp://host/a.qcow2", region: undefined }));
            assert.deepStrictEqual(failures, [
                { property: "source", reason: "is not an artifact to stage; allowed: s3://bucket/key or an https:// URL" },
                { property: "region", reason: "is missing: an OSS target needs the bucket's region" },
            ]);
        });

        it("replaces the object when the source or sha256 changes, deleting first when the key stays; retain changes in place", async () => {
            const olds = { ...gcsInputs({ sha256: artifactSha }), uri: "gs://x", size: 1, bytesCopied: 1 } as StagedArtifactOutputs;
            const provider = stagingProvider();
            assert.deepStrictEqual(await provider.diff!("id", olds, gcsInputs({ sha256: wrongSha })), { changes: true, replaces: ["sha256"], deleteBeforeReplace: true });
            assert.deepStrictEqual(await provider.diff!("id", olds, gcsInputs({ sha256: artifactSha, key: "other" })), { changes: true, replaces: ["key"], deleteBeforeReplace: false });
            assert.deepStrictEqual(await provider.diff!("id", olds, gcsInputs({ sha256: artifactSha, retain: true })), { changes: true, replaces: [], deleteBeforeReplace: true });
            assert.deepStrictEqual(await provider.diff!("id", olds, gcsInputs({ sha256: artifactSha })), { changes: false, replaces: [], deleteBeforeReplace: true });
            // A copy staged before it had its type token still holds the resourceKind input that named it.
            const stored = storedWithFormerKind(olds, "staging:StagedArtifact");
            assert.deepStrictEqual(await provider.diff!("id", stored, gcsInputs({ sha256: artifactSha })), { changes: false, replaces: [], deleteBeforeReplace: true });
        });

        it("still stages into GCS and OSS after Pulumi's closure serialisation", async () => {
            const { value: serialised } = await roundTrip(() => stagingProvider(options));
            await serialised.create!(gcsInputs({ sha256: artifactSha }));
            await serialised.create!(ossInputs({ sha256: artifactSha }));
            assert.ok(gcs.object("acmelinux-staging", GCP_KEY)?.data.equals(artifact));
            assert.ok(oss.object("acmelinux-staging-eu", ALI_KEY)?.data.equals(artifact));
        });

        it("carries no credentials and loads the SDKs only when called, when serialised with the defaults", async () => {
            const { text } = await roundTrip(() => stagingProvider());
            assert.match(text, /require\("@aws-sdk\/client-s3"\)/);
            assert.match(text, /require\("@google-cloud\/storage"\)/);
            assert.match(text, /require\("ali-oss"\)/);
            assert.doesNotMatch(text, /accessKeySecret: "/);
        });
    });
});
