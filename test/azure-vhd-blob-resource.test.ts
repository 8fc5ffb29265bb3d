import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { VhdBlob } from "../components/azure/vhd-blob";
import { vhdBlobProvider, VhdBlobInputs, VhdBlobOutputs } from "../components/azure/vhd-blob-provider";
import { orderedHasher, runPool } from "../components/azure/vhd-pool";
import { isAllZero, planRanges } from "../components/azure/vhd-ranges";
import { locateBlob } from "../components/azure/vhd-target";
import { storedWithFormerKind } from "./helpers/former-kind";
import { runMocked } from "./mocks";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const SHA = "ab".repeat(32);

const state: VhdBlobOutputs = {
    url: "https://acct.blob.core.windows.net/vhds/product-1.2-x86_64.vhd",
    accountUrl: "https://acct.blob.core.windows.net",
    containerName: "vhds",
    blobName: "product-1.2-x86_64.vhd",
    accountName: "acct",
    auth: "key",
    source: "https://bucket.s3.amazonaws.com/product-1.2-x86_64.vhd",
    size: 30 * 1024 ** 3 + 512,
    sha256: SHA,
    bytesUploaded: 30 * 1024 ** 3 + 512,
    rangesSkipped: 0,
};
const news = (extra: Partial<VhdBlobInputs> = {}): VhdBlobInputs => ({
    sourceUrl: "https://bucket.s3.amazonaws.com/product-1.2-x86_64.vhd?X-Amz-Signature=aaaa",
    accountUrl: "https://acct.blob.core.windows.net", containerName: "vhds", blobName: "product-1.2-x86_64.vhd",
    sha256: SHA, accountKey: "a2V5", ...extra,
});

describe("VhdBlob", function () {
    describe("diff", function () {
        it("sees no change when only the presigned signature, the tuning or the key changes", async () => {
            const result = await vhdBlobProvider.diff!("id", state, news({
                sourceUrl: "https://bucket.s3.amazonaws.com/product-1.2-x86_64.vhd?X-Amz-Signature=bbbb&X-Amz-Expires=60",
                parallelism: 2, chunkSize: 1024 * 1024, transferMode: "stream", accountKey: "b3RoZXI=",
            }));
            assert.deepStrictEqual(result, { changes: false, replaces: [], deleteBeforeReplace: true });
        });

        it("replaces the blob in place, deleting it first, when the source or its sha256 changes", async () => {
            const result = await vhdBlobProvider.diff!("id", state, news({
                sourceUrl: "https://bucket.s3.amazonaws.com/product-1.3-x86_64.vhd", sha256: "CD".repeat(32),
            }));
            assert.deepStrictEqual(result, { changes: true, replaces: ["sourceUrl", "sha256"], deleteBeforeReplace: true });
        });

        it("creates the new blob before deleting the old one when the blob moves", async () => {
            const result = await vhdBlobProvider.diff!("id", state, news({ blobName: "product-1.2-x86_64-b.vhd" }));
            assert.deepStrictEqual(result, { changes: true, replaces: ["accountUrl", "containerName", "blobName"], deleteBeforeReplace: false });
        });

        it("takes a blobUrl naming the same blob as no move", async () => {
            const result = await vhdBlobProvider.diff!("id", state, news({
                accountUrl: undefined, containerName: undefined, blobName: undefined,
                blobUrl: "https://acct.blob.core.windows.net/vhds/product-1.2-x86_64.vhd?sv=2024&sig=abc",
            }));
            assert.strictEqual(result.changes, false);
        });

        it("neither updates nor replaces a blob whose state still holds the former resourceKind input", async () => {
            const result = await vhdBlobProvider.diff!("id", storedWithFormerKind(state, "azure:VhdBlob"), news());
            assert.deepStrictEqual(result, { changes: false, replaces: [], deleteBeforeReplace: true });
        });

        it("plans a replacement while the source is not known yet", async () => {
            const result = await vhdBlobProvider.diff!("id", state, news({ sourceUrl: UNKNOWN }));
            assert.deepStrictEqual(result.replaces, ["sourceUrl"]);
        });
    });

    describe("check", function () {
        it("lists every unusable input by property", async () => {
            const result = await vhdBlobProvider.check!({} as VhdBlobInputs, {
                sourceUrl: "s3://bucket/key", blobUrl: "https://acct.blob.core.windows.net/vhds/a.vhd", blobName: "a.vhd",
                sha256: "xyz", transferMode: "fast" as never, chunkSize: 8 * 1024 * 1024, parallelism: 0,
            });
            assert.deepStrictEqual(result.failures?.map((f) => f.property), ["sourceUrl", "blobUrl", "sha256", "transferMode", "chunkSize", "parallelism"]);
        });

        it("accepts unknown values during preview and lower-cases the sha256", async () => {
            const result = await vhdBlobProvider.check!({} as VhdBlobInputs, news({ sourceUrl: UNKNOWN, sha256: "AB".repeat(32) }));
            assert.deepStrictEqual(result.failures, []);
            assert.strictEqual(result.inputs?.sha256, SHA);
        });
    });

    describe("blob location", function () {
        it("splits an Azure blob URL with a SAS into endpoint, container, name and token", () => {
            assert.deepStrictEqual(locateBlob({ blobUrl: "https://acct.blob.core.windows.net/vhds/2025/product%201.vhd?sv=2024-01-01&sig=x%2By" }), {
                location: { accountUrl: "https://acct.blob.core.windows.net", containerName: "vhds", blobName: "2025/product 1.vhd" },
                sasToken: "sv=2024-01-01&sig=x%2By",
            });
        });

        it("keeps the account segment of a path-style (emulator) URL in the endpoint", () => {
            assert.deepStrictEqual(locateBlob({ blobUrl: "http://127.0.0.1:10000/devstoreaccount1/vhds/a.vhd" }), {
                location: { accountUrl: "http://127.0.0.1:10000/devstoreaccount1", containerName: "vhds", blobName: "a.vhd" },
            });
        });
    });

    describe("copy planning", function () {
        it("cuts a VHD into 4 MiB ranges with a shorter, 512-aligned last one", () => {
            const size = 2 * 4 * 1024 * 1024 + 1536;
            assert.deepStrictEqual(planRanges(size, 4 * 1024 * 1024), [
                { offset: 0, count: 4194304 }, { offset: 4194304, count: 4194304 }, { offset: 8388608, count: 1536 },
            ]);
            assert.throws(() => planRanges(size, 5 * 1024 * 1024), /allowed: a multiple of 512 bytes up to 4194304/);
        });

        it("tells all-zero data from data with a single non-zero byte anywhere, at any alignment", () => {
            const buffer = Buffer.alloc(4096 + 3);
            for (const start of [0, 1, 3]) {
                const view = buffer.subarray(start, start + 4096);
                assert.strictEqual(isAllZero(view), true);
                for (const at of [0, 7, 8, 4095]) {
                    view[at] = 1;
                    assert.strictEqual(isAllZero(view), false, `byte ${at} at alignment ${start}`);
                    view[at] = 0;
                }
            }
        });

        it("hashes parts in index order whatever order they arrive in, holding at most a window of them", async () => {
            const parts = Array.from({ length: 10 }, (_, i) => Buffer.from(`part ${i};`));
            const hasher = orderedHasher(parts.length, 3);
            const admitted: number[] = [];
            const reading = [0, 1, 2, 3, 4].map((i) => hasher.admit(i).then(() => admitted.push(i)));
            await new Promise((resolve) => setImmediate(resolve));
            assert.deepStrictEqual(admitted.sort(), [0, 1, 2], "parts 3 and 4 wait until part 0 is hashed");
            for (const i of [2, 1, 0, 5, 4, 3, 9, 8, 7, 6]) {
                hasher.add(i, parts[i]);
            }
            await Promise.all(reading);
            assert.strictEqual(hasher.digest(), createHash("sha256").update(Buffer.concat(parts)).digest("hex"));
        });

        it("runs at most `parallelism` tasks at once and starts no new task after a failure", async () => {
            let running = 0;
            let most = 0;
            const started: number[] = [];
            await assert.rejects(runPool(20, 4, async (i) => {
                started.push(i);
                running++;
                most = Math.max(most, running);
                await new Promise((resolve) => setImmediate(resolve));
                running--;
                if (i === 5) {
                    throw new Error("range 5 failed");
                }
            }), /range 5 failed/);
            assert.strictEqual(most, 4);
            assert.ok(started.length < 20 && started.length >= 6, `started ${started.length}`);
        });
    });

    describe("as a resource", function () {
        it("registers with its kind, sends the account key and a presigned URL as secrets, and exposes url", async () => {
            const run = await runMocked(() => {
                const signed = new VhdBlob("image-x86_64-vhd", {
                    sourceUrl: "https://bucket.s3.amazonaws.com/a.vhd?X-Amz-Signature=abc",
                    accountUrl: "https://acct.blob.core.windows.net", containerName: "vhds", blobName: "a.vhd",
                    accountKey: "a2V5", sha256: SHA,
                });
                new VhdBlob("image-arm64-vhd", {
                    sourceUrl: "https://downloads.example.org/b.vhd",
                    blobUrl: "https://acct.blob.core.windows.net/vhds/b.vhd",
                });
                const outputs = [signed.url, signed.size, signed.sha256, signed.bytesUploaded, signed.rangesSkipped];
                return { outputsAreLive: outputs.every((o) => pulumi.Output.isInstance(o)) };
            });
            const [signed, plain] = run.resources;
            assert.strictEqual(signed.type, "pulumi-nodejs:dynamic/azure:VhdBlob");
            assert.strictEqual(signed.inputs.resourceKind, undefined);
            assert.strictEqual(signed.inputs.accountKey, "[secret]");
            assert.strictEqual(signed.inputs.sourceUrl, "[secret]");
            assert.strictEqual(signed.inputs.sha256, SHA);
            assert.strictEqual(plain.inputs.sourceUrl, "https://downloads.example.org/b.vhd");
            assert.strictEqual(plain.inputs.accountKey, undefined);
            // The output properties are the resource's own outputs, not class fields reset after construction.
            assert.deepStrictEqual(run.outputs, { outputsAreLive: true });
        });
    });
});
