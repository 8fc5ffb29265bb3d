import * as assert from "assert";
import { ContainerClient, ContainerSASPermissions, PageBlobClient, StorageSharedKeyCredential, generateBlobSASQueryParameters } from "@azure/storage-blob";
import { vhdBlobProvider, VhdBlobInputs, VhdBlobOutputs } from "../components/azure/vhd-blob-provider";
import { copyVhd, CopyVhdOptions } from "../components/azure/vhd-copy";
import { timeoutSignals } from "./helpers/abort";
import { FakeClock } from "./helpers/clock";
import { saveEnv } from "./helpers/env";
import { roundTrip } from "./helpers/serialise";
import { ArtifactSource, SourceFault, SourceRequest, sha256Of, sparseVhd, startArtifactSource, vhdFooter } from "./servers/artifact-source";
import { Gate } from "./servers/gate";
import { Azurite, startAzurite } from "./servers/azurite";

const MiB = 1024 * 1024;
const CHUNK = 4 * MiB;
// Six 4 MiB regions: data, zeros, zeros, data, zeros, and a partial last one (1 MiB + 512 bytes) with data.
const LAYOUT = ["data", "zeros", "zeros", "data", "zeros", "data"] as const;
const LAST = MiB + 512;
const artifact = sparseVhd([...LAYOUT], CHUNK, LAST);
const artifactSha = sha256Of(artifact);

describe("VhdBlob against Azurite", function () {
    let azurite: Azurite;
    before(async () => {
        azurite = await startAzurite();
    });
    after(async () => {
        await azurite?.stop();
    });
    const blobClient = (name: string) => new PageBlobClient(`${azurite.accountUrl}/vhds/${name}`,
        new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey));

    describe("stream mode", function () {
        let source: ArtifactSource;
        let fault: ((request: SourceRequest, index: number) => SourceFault) | undefined;
        let blobCount = 0;

        before(async () => {
            source = await startArtifactSource({ data: artifact, fault: (r, i) => fault?.(r, i) });
        });
        after(async () => {
            await source?.close();
        });
        beforeEach(() => {
            fault = undefined;
            source.reset();
        });

        const newBlobName = () => `test-${++blobCount}.vhd`;
        const inputs = (blobName: string, extra: Partial<VhdBlobInputs> = {}): VhdBlobInputs => ({
            sourceUrl: source.url, accountUrl: azurite.accountUrl, containerName: "vhds", blobName,
            transferMode: "stream", accountName: azurite.accountName, accountKey: azurite.accountKey, ...extra,
        });
        const engine = (blobName: string, extra: Partial<CopyVhdOptions> = {}): CopyVhdOptions => ({
            sourceUrl: source.url,
            location: { accountUrl: azurite.accountUrl, containerName: "vhds", blobName },
            auth: { kind: "key", accountName: azurite.accountName, accountKey: azurite.accountKey },
            transferMode: "stream",
            ...extra,
        });
        const rangeGets = () => source.requests.filter((r) => r.method === "GET").map((r) => r.range);

        it("copies a sparse VHD byte for byte, writing only the ranges that hold data, and records completion", async () => {
            const name = newBlobName();
            const { id, outs } = await vhdBlobProvider.create(inputs(name, { sha256: artifactSha.toUpperCase() }));
            const blob = blobClient(name);
            const stored = await blob.downloadToBuffer();
            assert.strictEqual(sha256Of(stored), artifactSha);
            assert.strictEqual(stored.length, artifact.length);

            // Every range was read exactly once, in 4 MiB chunks with a partial last one.
            const expectedRanges = LAYOUT.map((_, i) => `bytes=${i * CHUNK}-${Math.min(artifact.length, (i + 1) * CHUNK) - 1}`);
            // And the footer once more, checked before the blob is created.
            expectedRanges.push(`bytes=${artifact.length - 512}-${artifact.length - 1}`);
            assert.deepStrictEqual([...rangeGets()].sort(), [...expectedRanges].sort());

            // Only the data ranges were written: the page list holds exactly them, and the counters agree.
            const pages = (await blob.getPageRanges()).pageRange ?? [];
            assert.deepStrictEqual(pages.map((p) => [p.offset, p.offset + (p.count ?? 0) + 1]), [
                [0, CHUNK], [3 * CHUNK, 4 * CHUNK], [5 * CHUNK, artifact.length],
            ]);
            assert.strictEqual(outs?.rangesSkipped, 3);
            assert.strictEqual(outs?.bytesUploaded, 2 * CHUNK + LAST);

            const properties = await blob.getProperties();
            assert.deepStrictEqual(properties.metadata, { complete: "true", source: source.url, sourcesize: String(artifact.length), sha256: artifactSha });
            assert.strictEqual(id, `${azurite.accountUrl}/vhds/${name}`);
            assert.strictEqual(outs?.url, id);
            assert.strictEqual(outs?.size, artifact.length);
            assert.strictEqual(outs?.sha256, artifactSha);
            assert.ok(!JSON.stringify(outs).includes(azurite.accountKey), "the account key must not be in the outputs");
        });

        it("finds a finished copy on a second create and transfers nothing", async () => {
            const name = newBlobName();
            await vhdBlobProvider.create(inputs(name));
            const before = await blobClient(name).getProperties();
            source.reset();

            const { outs } = await vhdBlobProvider.create(inputs(name));
            const after = await blobClient(name).getProperties();
            assert.deepStrictEqual(rangeGets(), [], "no range of the source may be read again");
            assert.deepStrictEqual(source.requests.map((r) => r.method), ["HEAD"]);
            assert.strictEqual(after.etag, before.etag, "the blob must not be written again");
            assert.strictEqual(outs?.bytesUploaded, 0);
            assert.strictEqual(outs?.sha256, artifactSha);
        });

        it("copies again when the blob is there but was never completed", async () => {
            const name = newBlobName();
            await blobClient(name).create(artifact.length, { metadata: { complete: "false" } });
            const result = await copyVhd(engine(name));
            assert.strictEqual(result.reused, false);
            assert.strictEqual(rangeGets().length, LAYOUT.length + 1, "every range, and the footer first");
            assert.strictEqual(sha256Of(await blobClient(name).downloadToBuffer()), artifactSha);
        });

        it("fails on a wrong sha256, naming both hashes, and leaves the blob marked incomplete", async () => {
            const name = newBlobName();
            const wrong = "ab".repeat(32);
            await assert.rejects(vhdBlobProvider.create(inputs(name, { sha256: wrong })), (error: Error) => {
                assert.match(error.message, new RegExp(`expected ${wrong}`));
                assert.match(error.message, new RegExp(artifactSha));
                return true;
            });
            assert.strictEqual((await blobClient(name).getProperties()).metadata?.complete, "false");
        });

        it("completes when the source answers 503 twice, after two bounded backoff waits", async () => {
            const name = newBlobName();
            const flaky = `bytes=${3 * CHUNK}-${4 * CHUNK - 1}`;
            let failures = 0;
            fault = (r) => (r.range === flaky && failures++ < 2 ? 503 : undefined);
            const clock = new FakeClock(0);
            const result = await copyVhd(engine(name, { calls: { clock } }));
            assert.strictEqual(rangeGets().filter((r) => r === flaky).length, 3);
            assert.deepStrictEqual(source.requests.filter((r) => r.range === flaky).map((r) => r.outcome), [503, 503, 206]);
            assert.strictEqual(clock.sleeps.length, 2);
            assert.ok(clock.sleeps[0] >= 400 && clock.sleeps[0] <= 500, `first wait ${clock.sleeps[0]}`);
            assert.ok(clock.sleeps[1] >= 800 && clock.sleeps[1] <= 1000, `second wait ${clock.sleeps[1]}`);
            assert.strictEqual(result.sha256, artifactSha);
            assert.strictEqual(result.requests, LAYOUT.length + 2 + 3, "six reads, two retries, three writes");
            assert.strictEqual(sha256Of(await blobClient(name).downloadToBuffer()), artifactSha);
        });

        it("gives up on a source that always fails after a bounded number of attempts, with a clear error", async () => {
            const name = newBlobName();
            const broken = `bytes=${CHUNK}-${2 * CHUNK - 1}`;
            fault = (r) => (r.range === broken ? 503 : undefined);
            const clock = new FakeClock(0);
            await assert.rejects(copyVhd(engine(name, { calls: { clock, attempts: 4 } })), (error: Error) => {
                assert.match(error.message, /^copying http:\/\/127\.0\.0\.1:\d+\/artifact\.vhd to .*test-\d+\.vhd failed: gave up after 4 attempts: /);
                assert.match(error.message, new RegExp(`GET .*artifact\\.vhd \\(${broken}\\) answered 503`));
                return true;
            });
            assert.strictEqual(rangeGets().filter((r) => r === broken).length, 4);
            assert.strictEqual(clock.sleeps.length, 3);
            assert.notStrictEqual((await blobClient(name).getProperties()).metadata?.complete, "true");
        });

        it("retries a dropped connection and a request that timed out", async () => {
            const name = newBlobName();
            const dropped = `bytes=0-${CHUNK - 1}`;
            const slow = `bytes=${5 * CHUNK}-${artifact.length - 1}`;
            const { abortAfter, abortLatest } = timeoutSignals();
            fault = (r) => {
                const seen = source.requests.filter((x) => x.range === r.range).length;
                if (r.range === dropped && seen === 1) {
                    return "reset";
                }
                if (r.range === slow && seen === 1) {
                    // The request is held; its timeout fires now instead of minutes later.
                    setImmediate(() => abortLatest(new DOMException("timed out", "TimeoutError")));
                    return "hang";
                }
                return undefined;
            };
            const result = await copyVhd(engine(name, { parallelism: 1, calls: { clock: new FakeClock(0), abortAfter } }));
            assert.deepStrictEqual(source.requests.filter((r) => r.range === dropped).map((r) => r.outcome), ["reset", 206]);
            assert.deepStrictEqual(source.requests.filter((r) => r.range === slow).map((r) => r.outcome), ["hang", 206]);
            assert.strictEqual(result.sha256, artifactSha);
        });

        it("sizes a presigned source that refuses HEAD with a one-byte GET, and keeps its signature out of the outputs", async () => {
            const presigned = await startArtifactSource({ data: artifact, refuseHead: true });
            try {
                const name = newBlobName();
                const sourceUrl = `${presigned.url}?X-Amz-Credential=AKIDEXAMPLE&X-Amz-Signature=deadbeef`;
                const { outs } = await vhdBlobProvider.create(inputs(name, { sourceUrl }));
                assert.deepStrictEqual(presigned.requests.slice(0, 2).map((r) => [r.method, r.range ?? "", r.query]), [
                    ["HEAD", "", "?X-Amz-Credential=AKIDEXAMPLE&X-Amz-Signature=deadbeef"],
                    ["GET", "bytes=0-0", "?X-Amz-Credential=AKIDEXAMPLE&X-Amz-Signature=deadbeef"],
                ]);
                assert.strictEqual(outs?.source, presigned.url);
                assert.ok(!JSON.stringify(outs).includes("X-Amz"), "the presigned query must not be in the outputs");
                assert.strictEqual((await blobClient(name).getProperties()).metadata?.source, presigned.url);
                assert.strictEqual(sha256Of(await blobClient(name).downloadToBuffer()), artifactSha);
            } finally {
                await presigned.close();
            }
        });

        it("refuses a source whose size is not a whole number of 512-byte pages, before creating the blob", async () => {
            const odd = await startArtifactSource({ data: Buffer.alloc(1000, 1) });
            try {
                const name = newBlobName();
                await assert.rejects(copyVhd(engine(name, { sourceUrl: odd.url })), /is 1000 bytes, which is not a multiple of 512/);
                assert.strictEqual(await blobClient(name).exists(), false);
            } finally {
                await odd.close();
            }
        });

        describe("refuses, before creating the blob and after reading only the size and the footer, an artifact Azure would refuse:", function () {
            const MiB4 = 4 * MiB;
            const cases: [string, Buffer, RegExp][] = [
                ["a raw image with no VHD footer", Buffer.alloc(MiB4, 1), /its last 512 bytes are not a VHD footer \(no "conectix" cookie\)/],
                ["a dynamic VHD", Buffer.concat([Buffer.alloc(MiB4), vhdFooter(MiB4, { diskType: 3 })]), /disk type 3 \(dynamic\); Azure takes fixed VHDs only \(disk type 2\)/],
                ["a virtual size that is not a whole number of MiB", Buffer.concat([Buffer.alloc(MiB4 - 512), vhdFooter(MiB4 - 512)]),
                    /its virtual size of 4193792 bytes is not a whole number of MiB; Azure needs a VHD's virtual size aligned to 1 MiB/],
                ["a damaged footer", Buffer.concat([Buffer.alloc(MiB4), vhdFooter(MiB4, { checksum: 7 })]), /checksum is 7, not \d+: the footer is damaged/],
                ["a footer whose size is not the file's", Buffer.concat([Buffer.alloc(2 * MiB4), vhdFooter(MiB4)]),
                    /says a virtual size of 4194304 bytes, but a fixed VHD of that size is 4194816 bytes and this one is 8389120/],
            ];
            for (const [what, data, message] of cases) {
                it(what, async () => {
                    const bad = await startArtifactSource({ data });
                    try {
                        const name = newBlobName();
                        await assert.rejects(copyVhd(engine(name, { sourceUrl: bad.url })), (error: Error) => {
                            assert.match(error.message, /cannot be published to Azure/);
                            assert.match(error.message, message);
                            return true;
                        });
                        assert.deepStrictEqual(bad.requests.map((r) => `${r.method} ${r.range ?? ""}`), ["HEAD ", `GET bytes=${data.length - 512}-${data.length - 1}`]);
                        assert.strictEqual(await blobClient(name).exists(), false);
                    } finally {
                        await bad.close();
                    }
                });
            }
        });

        it("copies again, rather than reuse, a complete blob of the same source and size whose recorded sha256 is another", async () => {
            const name = newBlobName();
            await blobClient(name).create(artifact.length, {
                metadata: { complete: "true", source: source.url, sourcesize: String(artifact.length), sha256: "ab".repeat(32) },
            });
            const result = await copyVhd(engine(name, { sha256: artifactSha }));
            assert.strictEqual(result.reused, false);
            assert.strictEqual(result.sha256, artifactSha);
            assert.strictEqual(sha256Of(await blobClient(name).downloadToBuffer()), artifactSha);
            assert.strictEqual((await blobClient(name).getProperties()).metadata?.sha256, artifactSha);
        });

        it("copies through a container SAS carried by the blob URL, creating no container, and keeps the SAS out of the outputs", async () => {
            const container = new ContainerClient(`${azurite.accountUrl}/sas`, new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey));
            await container.createIfNotExists();
            // A container SAS cannot create containers: a copier that tried would be refused.
            const sas = generateBlobSASQueryParameters({
                containerName: "sas", permissions: ContainerSASPermissions.parse("racw"), expiresOn: new Date(Date.now() + 3600_000),
            }, new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey)).toString();
            const name = newBlobName();
            const { id, outs } = await vhdBlobProvider.create({ sourceUrl: source.url, blobUrl: `${azurite.accountUrl}/sas/${name}?${sas}`, transferMode: "stream", sha256: artifactSha });
            assert.strictEqual(id, `${azurite.accountUrl}/sas/${name}`);
            assert.strictEqual(outs?.auth, "sas");
            assert.ok(!JSON.stringify(outs).includes(sas.split("&").find((p) => p.startsWith("sig=")) ?? "sig="), "the SAS signature must not be in the outputs");
            const stored = await container.getPageBlobClient(name).downloadToBuffer();
            assert.strictEqual(sha256Of(stored), artifactSha);
            assert.strictEqual((await container.getPageBlobClient(name).getProperties()).metadata?.complete, "true");
        });

        it("reads the blob back and deletes it with the key from AZURE_STORAGE_KEY, since the state holds none", async () => {
            const name = newBlobName();
            const { id, outs } = await vhdBlobProvider.create(inputs(name));
            const state = outs as VhdBlobOutputs;
            const restore = saveEnv("AZURE_STORAGE_KEY");
            try {
                delete process.env.AZURE_STORAGE_KEY;
                await assert.rejects(vhdBlobProvider.delete!(id, state), /set AZURE_STORAGE_KEY to the key of account devstoreaccount1/);
                process.env.AZURE_STORAGE_KEY = azurite.accountKey;
                const read = await vhdBlobProvider.read!(id, state);
                assert.strictEqual(read.id, id);
                assert.strictEqual(read.props?.size, artifact.length);
                assert.strictEqual(read.props?.sha256, artifactSha);
                await vhdBlobProvider.delete!(id, state);
                assert.strictEqual(await blobClient(name).exists(), false);
                const gone = await vhdBlobProvider.read!(id, state);
                assert.strictEqual(gone.id, "", "a deleted blob reads as gone");
            } finally {
                restore();
            }
        });
    });

    describe("parallelism", function () {
        // 6 MiB and its footer in 512 KiB ranges: the footer check, read alone, then thirteen range
        // reads. The source holds those at a gate until as many as the parallelism wait at once, so
        // the peak does not depend on the machine's speed.
        const data = sparseVhd(["data", "data", "zeros", "data", "zeros", "zeros", "data", "zeros", "data", "data", "zeros", "data"], 512 * 1024, 512 * 1024 + 512);
        let slow: ArtifactSource;
        before(async () => {
            slow = await startArtifactSource({ data });
        });
        after(async () => {
            await slow?.close();
        });

        for (const parallelism of [1, 3, 8]) {
            it(`keeps up to ${parallelism} range read${parallelism > 1 ? "s" : ""} in flight with parallelism ${parallelism}, and no more`, async () => {
                slow.reset();
                const gate = new Gate(parallelism, 13);
                slow.setGate(gate, 1);
                const result = await copyVhd({
                    sourceUrl: slow.url,
                    location: { accountUrl: azurite.accountUrl, containerName: "parallel", blobName: `p${parallelism}.vhd` },
                    auth: { kind: "key", accountName: azurite.accountName, accountKey: azurite.accountKey },
                    transferMode: "stream",
                    chunkSize: 512 * 1024,
                    ...(parallelism === 8 ? {} : { parallelism }),
                });
                assert.strictEqual(slow.requests.filter((r) => r.method === "GET").length, 14);
                assert.strictEqual(gate.mostWaiting(), parallelism);
                assert.strictEqual(slow.maxInFlight(), parallelism);
                assert.strictEqual(result.sha256, sha256Of(data));
            });
        }
    });

    describe("serialised provider", function () {
        it("survives pulumi.runtime.serializeFunction and copies, reads and deletes from its serialised text", async () => {
            const source = await startArtifactSource({ data: artifact });
            const restore = saveEnv("AZURE_STORAGE_KEY");
            try {
                // Loaded as the dynamic provider host does: a module whose `handler` returns the provider.
                const { text, value: provider } = await roundTrip(() => vhdBlobProvider);
                assert.ok(text.includes('require("@azure/storage-blob")'), "the SDK is loaded, not inlined");
                assert.notStrictEqual(provider, vhdBlobProvider);

                const { id, outs } = await provider.create({
                    sourceUrl: source.url, accountUrl: azurite.accountUrl, containerName: "serialised", blobName: "a.vhd",
                    transferMode: "stream", accountKey: azurite.accountKey,
                });
                const blob = new PageBlobClient(id, new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey));
                assert.strictEqual(sha256Of(await blob.downloadToBuffer()), artifactSha);
                assert.strictEqual(outs?.sha256, artifactSha);

                process.env.AZURE_STORAGE_KEY = azurite.accountKey;
                assert.strictEqual((await provider.read!(id, outs)).props?.size, artifact.length);
                await provider.delete!(id, outs as VhdBlobOutputs);
                assert.strictEqual(await blob.exists(), false);
            } finally {
                await source.close();
                restore();
            }
        });
    });
});
