import * as assert from "assert";
import { vhdBlobProvider } from "../components/azure/vhd-blob-provider";
import { defaultCallSettings } from "../components/azure/vhd-calls";
import { copyVhd, CopyVhdOptions } from "../components/azure/vhd-copy";
import { openBlob } from "../components/azure/vhd-target";
import { hashBlob } from "../components/azure/vhd-verify";
import { timeoutSignals } from "./helpers/abort";
import { FakeClock } from "./helpers/clock";
import { ArtifactSource, sha256Of, sparseVhd, startArtifactSource } from "./servers/artifact-source";
import { Gate } from "./servers/gate";
import { BlobRequest, PutPageServer, startPutPageFromUrlServer } from "./servers/put-page-from-url";

const MiB = 1024 * 1024;
const CHUNK = 4 * MiB;
const LAST = 2 * MiB + 512;
const artifact = sparseVhd(["data", "zeros", "data", "zeros", "data"], CHUNK, LAST);
const artifactSha = sha256Of(artifact);
const KEY = Buffer.from("not-a-real-key").toString("base64");

/** The byte ranges of the copy, `bytes=a-b`, inclusive ends. */
function expectedRanges(size: number, chunk: number): string[] {
    const ranges: string[] = [];
    for (let offset = 0; offset < size; offset += chunk) {
        ranges.push(`bytes=${offset}-${Math.min(size, offset + chunk) - 1}`);
    }
    return ranges;
}

describe("VhdBlob in server-side mode (Put Page From URL)", function () {
    let source: ArtifactSource;
    let blobs: PutPageServer;
    let fault: ((request: BlobRequest) => number | "hang" | undefined) | undefined;
    let blobCount = 0;

    before(async () => {
        source = await startArtifactSource({ data: artifact });
        blobs = await startPutPageFromUrlServer({ fault: (r) => fault?.(r) });
    });
    after(async () => {
        await blobs?.close();
        await source?.close();
    });
    beforeEach(() => {
        fault = undefined;
        source.reset();
        blobs.requests.length = 0;
    });

    const presignedUrl = () => `${source.url}?X-Amz-Expires=3600&X-Amz-Signature=0123abcd`;
    const newBlobName = () => `server-side-${++blobCount}.vhd`;
    const engine = (blobName: string, extra: Partial<CopyVhdOptions> = {}): CopyVhdOptions => ({
        sourceUrl: presignedUrl(),
        location: { accountUrl: blobs.accountUrl, containerName: "vhds", blobName },
        auth: { kind: "key", accountName: "devstoreaccount1", accountKey: KEY },
        ...extra,
    });
    const putPages = (name: string) => blobs.requests.filter((r) => r.comp === "page" && r.path === `/devstoreaccount1/vhds/${name}`);

    it("creates the page blob and fills it with one Put Page From URL per 4 MiB range, covering it exactly once", async () => {
        const name = newBlobName();
        const { id, outs } = await vhdBlobProvider.create({
            sourceUrl: presignedUrl(), accountUrl: blobs.accountUrl, containerName: "vhds", blobName: name, accountKey: KEY,
        });

        const create = blobs.requests.find((r) => r.method === "PUT" && r.comp === undefined && r.restype === undefined);
        assert.deepStrictEqual(create?.headers, { "x-ms-blob-type": "PageBlob", "x-ms-blob-content-length": String(artifact.length) });
        const puts = putPages(name);
        for (const put of puts) {
            assert.strictEqual(put.method, "PUT");
            assert.strictEqual(put.headers["x-ms-page-write"], "update");
            assert.strictEqual(put.headers["x-ms-copy-source"], presignedUrl(), "the source URL goes to Azure as given, signature included");
            assert.strictEqual(put.headers["x-ms-source-range"], put.headers["x-ms-range"], "source and blob offsets are the same");
        }
        assert.deepStrictEqual(puts.map((p) => p.headers["x-ms-range"]).sort(), expectedRanges(artifact.length, CHUNK).sort());
        assert.deepStrictEqual(source.requests.map((r) => `${r.method} ${r.range ?? ""}`).slice(0, 2), ["HEAD ", `GET bytes=${artifact.length - 512}-${artifact.length - 1}`]);
        assert.deepStrictEqual(source.requests.map((r) => r.method), ["HEAD", "GET", ...puts.map(() => "GET")],
            "the copy itself reads only the size and the footer; the data goes from the source to the blob service");

        const stored = blobs.blobs.get(`/devstoreaccount1/vhds/${name}`);
        assert.strictEqual(sha256Of(stored?.data ?? Buffer.alloc(0)), artifactSha);
        assert.deepStrictEqual(stored?.metadata, { complete: "true", source: source.url, sourcesize: String(artifact.length) });
        assert.strictEqual(id, `${blobs.accountUrl}/vhds/${name}`);
        assert.deepStrictEqual({ ...outs, accountUrl: undefined }, {
            url: id, accountUrl: undefined, containerName: "vhds", blobName: name, accountName: "devstoreaccount1", auth: "key",
            source: source.url, size: artifact.length, bytesUploaded: artifact.length, rangesSkipped: 0,
        });
    });

    it("retries a range answered 500 and a range answered 429, and still writes each range once", async () => {
        const name = newBlobName();
        const ranges = expectedRanges(artifact.length, CHUNK);
        const injected = new Map([[ranges[1], 500], [ranges[3], 429]]);
        fault = (r) => {
            const status = r.comp === "page" ? injected.get(r.headers["x-ms-range"]) : undefined;
            injected.delete(r.headers["x-ms-range"]);
            return status;
        };
        const clock = new FakeClock(0);
        const result = await copyVhd(engine(name, { calls: { clock } }));

        const puts = putPages(name);
        assert.deepStrictEqual(puts.filter((p) => p.headers["x-ms-range"] === ranges[1]).map((p) => p.status), [500, 201]);
        assert.deepStrictEqual(puts.filter((p) => p.headers["x-ms-range"] === ranges[3]).map((p) => p.status), [429, 201]);
        assert.deepStrictEqual(puts.filter((p) => p.status === 201).map((p) => p.headers["x-ms-range"]).sort(), [...ranges].sort());
        assert.strictEqual(clock.sleeps.length, 2);
        assert.ok(clock.sleeps.every((ms) => ms >= 400 && ms <= 500), `waits ${clock.sleeps}`);
        assert.strictEqual(result.requests, ranges.length + 2);
        assert.strictEqual(sha256Of(blobs.blobs.get(`/devstoreaccount1/vhds/${name}`)?.data ?? Buffer.alloc(0)), artifactSha);
    });

    it("gives up on a range that keeps failing after a bounded number of attempts and names the request", async () => {
        const name = newBlobName();
        const broken = expectedRanges(artifact.length, CHUNK)[2];
        fault = (r) => (r.comp === "page" && r.headers["x-ms-range"] === broken ? 503 : undefined);
        await assert.rejects(copyVhd(engine(name, { calls: { clock: new FakeClock(0), attempts: 3 } })),
            new RegExp(`gave up after 3 attempts: Put Page From URL \\(${broken}\\) failed: 503 ServerBusy`));
        assert.strictEqual(putPages(name).filter((p) => p.headers["x-ms-range"] === broken).length, 3);
        assert.strictEqual(blobs.blobs.get(`/devstoreaccount1/vhds/${name}`)?.metadata.complete, "false");
    });

    it("retries a Put Page From URL that got no answer in time", async () => {
        const name = newBlobName();
        const stuck = expectedRanges(artifact.length, CHUNK)[4];
        const { abortAfter, abortLatest } = timeoutSignals();
        fault = (r) => {
            if (r.comp === "page" && r.headers["x-ms-range"] === stuck && !putPages(name).some((p) => p.status === "hang")) {
                setImmediate(() => abortLatest());
                return "hang";
            }
            return undefined;
        };
        await copyVhd(engine(name, { parallelism: 1, calls: { clock: new FakeClock(0), abortAfter } }));
        assert.deepStrictEqual(putPages(name).filter((p) => p.headers["x-ms-range"] === stuck).map((p) => p.status), ["hang", 201]);
        assert.strictEqual(sha256Of(blobs.blobs.get(`/devstoreaccount1/vhds/${name}`)?.data ?? Buffer.alloc(0)), artifactSha);
    });

    it("fails at once, without retrying, on answers another attempt cannot fix: 501 and a lease conflict", async () => {
        const name = newBlobName();
        fault = (r) => (r.comp === "page" ? 501 : undefined);
        const clock = new FakeClock(0);
        await assert.rejects(copyVhd(engine(name, { parallelism: 1, calls: { clock } })), /Put Page From URL \(bytes=0-4194303\) failed: 501 APINotImplemented/);
        assert.strictEqual(putPages(name).length, 1);

        const leased = newBlobName();
        fault = (r) => (r.method === "PUT" && r.comp === undefined && r.restype === undefined ? 412 : undefined);
        await assert.rejects(copyVhd(engine(leased, { calls: { clock } })), /Create Page Blob failed: 412 LeaseIdMissing/);
        assert.strictEqual(blobs.requests.filter((r) => r.path.endsWith(leased) && r.method === "PUT").length, 1);
        assert.deepStrictEqual(clock.sleeps, []);
    });

    it("waits, with a bounded backoff, for a blob data role that is not in effect yet", async () => {
        const name = newBlobName();
        let refused = 0;
        fault = (r) => (r.restype === "container" && r.method === "PUT" && refused++ < 3 ? 403 : undefined);
        const clock = new FakeClock(0);
        const result = await copyVhd(engine(name, { calls: { clock } }));
        assert.strictEqual(result.reused, false);
        assert.strictEqual(blobs.requests.filter((r) => r.restype === "container").length, 4);
        assert.strictEqual(clock.sleeps.length, 3);
        assert.ok(clock.sleeps[0] >= 4000 && clock.sleeps[2] > clock.sleeps[0], clock.sleeps.join(", "));
        assert.strictEqual(sha256Of(blobs.blobs.get(`/devstoreaccount1/vhds/${name}`)?.data ?? Buffer.alloc(0)), artifactSha);
    });

    it("waits for the role at the first blob read too, since Owner and Contributor may create the container but not read a blob", async () => {
        const name = newBlobName();
        let refused = 0;
        fault = (r) => (r.method === "HEAD" && r.path === `/devstoreaccount1/vhds/${name}` && refused++ < 2 ? 403 : undefined);
        const clock = new FakeClock(0);
        const result = await copyVhd(engine(name, { calls: { clock } }));
        assert.strictEqual(result.reused, false);
        assert.strictEqual(refused, 3);
        assert.strictEqual(clock.sleeps.length, 2);
        assert.ok(clock.sleeps[0] >= 4000, clock.sleeps.join(", "));
        assert.strictEqual(sha256Of(blobs.blobs.get(`/devstoreaccount1/vhds/${name}`)?.data ?? Buffer.alloc(0)), artifactSha);
    });

    it("gives up after about ten minutes without blob data access, naming the role it needs, before creating the blob", async () => {
        const name = newBlobName();
        fault = (r) => (r.restype === "container" ? 403 : undefined);
        const clock = new FakeClock(0);
        await assert.rejects(copyVhd(engine(name, { calls: { clock } })), (error: Error) => {
            assert.match(error.message, /Create Container failed: 403 AuthorizationPermissionMismatch/);
            assert.match(error.message, /after 14 attempts over about ten minutes the identity still has no blob data access: it needs the role Storage Blob Data Contributor/);
            return true;
        });
        assert.strictEqual(blobs.requests.filter((r) => r.restype === "container").length, 14);
        assert.ok(clock.now() >= 480_000 && clock.now() <= 720_000, `waited ${clock.now()} ms`);
        assert.strictEqual(blobs.blobs.has(`/devstoreaccount1/vhds/${name}`), false);
    });

    it("verifies an expected sha256 by reading the blob back once", async () => {
        const name = newBlobName();
        const result = await copyVhd(engine(name, { sha256: artifactSha, chunkSize: 2 * MiB }));
        assert.strictEqual(result.sha256, artifactSha);
        assert.strictEqual(blobs.requests.filter((r) => r.comp === "pagelist").length, 1);
        const downloads = blobs.requests.filter((r) => r.method === "GET" && r.comp === undefined).map((r) => r.headers["x-ms-range"]);
        assert.deepStrictEqual(downloads.sort(), expectedRanges(artifact.length, 2 * MiB).sort());
        assert.strictEqual(blobs.blobs.get(`/devstoreaccount1/vhds/${name}`)?.metadata.sha256, artifactSha);
    });

    it("hashes ranges that hold no written page as zeros without downloading them", async () => {
        const name = newBlobName();
        const path = `/devstoreaccount1/vhds/${name}`;
        await copyVhd(engine(name));
        const stored = blobs.blobs.get(path);
        assert.ok(stored !== undefined);
        // As if the zero ranges had never been written: the blob reads as zeros there anyway.
        const zeroRanges = [1, 3].map((i) => ({ start: i * CHUNK, end: (i + 1) * CHUNK - 1 }));
        stored.written = stored.written.filter((w) => !zeroRanges.some((z) => z.start === w.start));
        blobs.requests.length = 0;

        const { blob } = openBlob(engine(name).location, engine(name).auth, 10_000);
        const tally = { requests: 0 };
        const digest = await hashBlob(blob, artifact.length, CHUNK, 2, { ...defaultCallSettings, clock: new FakeClock(0) }, tally);
        assert.strictEqual(digest, artifactSha);
        const downloads = blobs.requests.filter((r) => r.method === "GET" && r.comp === undefined).map((r) => r.headers["x-ms-range"]);
        assert.deepStrictEqual(downloads.sort(), [0, 2, 4].map((i) => expectedRanges(artifact.length, CHUNK)[i]).sort());
        assert.strictEqual(tally.requests, 3);
    });

    it("fails on a wrong sha256 after reading back, naming both hashes", async () => {
        const name = newBlobName();
        const wrong = "cd".repeat(32);
        await assert.rejects(copyVhd(engine(name, { sha256: wrong })), (error: Error) => {
            assert.match(error.message, new RegExp(`sha256 mismatch: expected ${wrong} .* hashes to ${artifactSha}`));
            return true;
        });
        assert.strictEqual(blobs.blobs.get(`/devstoreaccount1/vhds/${name}`)?.metadata.complete, "false");
    });

    it("sends nothing on a second run once the blob is complete", async () => {
        const name = newBlobName();
        await copyVhd(engine(name, { sha256: artifactSha }));
        blobs.requests.length = 0;
        const again = await copyVhd(engine(name, { sha256: artifactSha }));
        assert.strictEqual(again.reused, true);
        assert.strictEqual(again.sha256, artifactSha);
        assert.deepStrictEqual(blobs.requests.map((r) => `${r.method} ${r.restype ?? r.comp ?? "blob"}`), ["PUT container", "HEAD blob"]);
    });

    it("keeps up to `parallelism` Put Page From URL requests in flight at once, and no more", async () => {
        // The service holds the Put Pages at a gate until as many as the parallelism wait at once,
        // so the peak does not depend on the machine's speed.
        const slowService = await startPutPageFromUrlServer();
        try {
            for (const parallelism of [1, 4]) {
                const gate = new Gate(parallelism, expectedRanges(artifact.length, 512 * 1024).length);
                slowService.setGate(gate);
                await copyVhd({
                    sourceUrl: source.url,
                    location: { accountUrl: slowService.accountUrl, containerName: "vhds", blobName: `p${parallelism}.vhd` },
                    auth: { kind: "key", accountName: "devstoreaccount1", accountKey: KEY },
                    chunkSize: 512 * 1024,
                    parallelism,
                });
                assert.strictEqual(gate.mostWaiting(), parallelism);
                assert.strictEqual(slowService.maxPutPagesInFlight(), parallelism);
            }
            assert.strictEqual(slowService.requests.filter((r) => r.comp === "page").length, 2 * expectedRanges(artifact.length, 512 * 1024).length);
        } finally {
            await slowService.close();
        }
    });
});
