import * as assert from "assert";
import { PollTimeoutError, RetriesExhaustedError } from "../components/dynamic/retry";
import { allImageStatuses, importImageProvider } from "../components/alicloud/import-image";
import { FakeClock } from "./helpers/clock";
import { storedWithFormerKind } from "./helpers/former-kind";
import { setEnv, withEnv } from "./helpers/env";
import { throughSerialisation } from "./helpers/serialise";
import { accessKeyId, importImageInputs } from "./helpers/alicloud";
import { EcsServer, startEcsServer } from "./servers/ecs";

const retry = { attempts: 4, baseDelayMs: 1000, maxDelayMs: 8000 };
const poll = { initialDelayMs: 10000, maxDelayMs: 60000, timeoutMs: 30 * 60 * 1000 };

const inputs = importImageInputs;

describe("AliCloudImportImage", () => {
    let server: EcsServer;

    withEnv({ ALIBABA_CLOUD_ACCESS_KEY_ID: accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: "test-secret" });
    beforeEach(async () => {
        server = await startEcsServer({ accessKeyId });
    });
    afterEach(async () => {
        await server.close();
    });

    it("imports an arm64 image from OSS with the exact ImportImage parameters and waits until it is Available", async () => {
        const clock = new FakeClock(0);
        const provider = importImageProvider({ clock, retry, poll });

        const result = await provider.create!(inputs(server));

        const [call] = server.calls("ImportImage");
        const { ClientToken, ...params } = call.params;
        assert.deepStrictEqual(params, {
            RegionId: "eu-central-1",
            ImageName: "acmelinux-1592.4-arm64",
            Architecture: "arm64",
            OSType: "linux",
            Platform: "Others Linux",
            BootMode: "UEFI",
            Description: "acmelinux 1592.4 arm64",
            "DiskDeviceMapping.1.OSSBucket": "acmelinux-artifacts-eu-central-1",
            "DiskDeviceMapping.1.OSSObject": "1592.4/acmelinux-1592.4-arm64.qcow2",
            "DiskDeviceMapping.1.Format": "qcow2",
            "DiskDeviceMapping.1.DiskImageSize": "20",
        });
        assert.match(ClientToken, /^[0-9a-f-]{36}$/);
        assert.strictEqual(result.id, [...server.images.keys()][0]);
        assert.strictEqual(result.outs.imageId, result.id);
        assert.strictEqual(result.outs.status, "Available");
        assert.strictEqual(server.images.get(result.id)?.Architecture, "arm64");
    });

    it("asks DescribeImages for every status, since it lists only Available images by default", async () => {
        const clock = new FakeClock(0);
        await importImageProvider({ clock, retry, poll }).create!(inputs(server));

        const describes = server.calls("DescribeImages");
        const [lookup, ...polls] = describes;
        assert.deepStrictEqual(
            { name: lookup.params.ImageName, owner: lookup.params.ImageOwnerAlias, status: lookup.params.Status },
            { name: "acmelinux-1592.4-arm64", owner: "self", status: allImageStatuses },
        );
        assert.ok(polls.length >= 3, `polled ${polls.length} times`);
        for (const p of polls) {
            assert.strictEqual(p.params.Status, "Creating,Waiting,Available,CreateFailed,UnAvailable");
            assert.strictEqual(p.params.ImageId, [...server.images.keys()][0]);
        }
    });

    it("reports an import that ends CreateFailed as an error", async () => {
        server.importBehaviour = { unlistedDescribes: 0, creatingDescribes: 1, finalStatus: "CreateFailed" };
        const clock = new FakeClock(0);

        await assert.rejects(importImageProvider({ clock, retry, poll }).create!(inputs(server)),
            /import of acmelinux-1592\.4-arm64 into eu-central-1 failed: image m-\d+ is CreateFailed/);
    });

    it("treats an image that DescribeImages does not list yet as not ready, and keeps waiting", async () => {
        server.importBehaviour = { unlistedDescribes: 3, creatingDescribes: 1, finalStatus: "Available" };
        const clock = new FakeClock(0);

        const result = await importImageProvider({ clock, retry, poll }).create!(inputs(server));

        assert.strictEqual(result.outs.status, "Available");
        assert.strictEqual(server.calls("ImportImage").length, 1);
    });

    it("retries throttling and 5xx answers with bounded exponential backoff", async () => {
        server.fail("ImportImage", { status: 429, code: "Throttling" }, { status: 503, code: "ServiceUnavailable" });
        server.fail("DescribeImages", { status: 400, code: "Throttling.User" }, { status: 500, code: "InternalError" });
        const clock = new FakeClock(0);
        const { sleeps } = clock;

        const result = await importImageProvider({ clock, retry, poll }).create!(inputs(server));

        assert.strictEqual(result.outs.status, "Available");
        assert.strictEqual(server.calls("ImportImage").length, 3);
        assert.strictEqual(server.images.size, 1);
        // The lookup by name: throttled, then a 500, then answered; its retries wait 0.8-1 s, then 1.6-2 s.
        assert.ok(sleeps[0] >= 800 && sleeps[0] <= 1000, `first retry after ${sleeps[0]} ms`);
        assert.ok(sleeps[1] >= 1600 && sleeps[1] <= 2000, `second retry after ${sleeps[1]} ms`);
        // Then the import: the same backoff again.
        assert.ok(sleeps[2] >= 800 && sleeps[2] <= 1000 && sleeps[3] >= 1600 && sleeps[3] <= 2000, `import retries after ${sleeps.slice(2, 4).join(", ")} ms`);
    });

    it("imports once when the answer to an ImportImage is lost and the call is retried", async () => {
        server.fail("ImportImage", { status: 503, code: "ServiceUnavailable", afterProcessing: true });
        const clock = new FakeClock(0);

        const result = await importImageProvider({ clock, retry, poll }).create!(inputs(server));

        const [first, second] = server.calls("ImportImage");
        assert.strictEqual(first.params.ClientToken, second.params.ClientToken);
        assert.strictEqual(server.images.size, 1);
        assert.strictEqual(result.id, [...server.images.keys()][0]);
    });

    it("gives up after the bounded number of attempts when the API stays throttled", async () => {
        server.fail("ImportImage", ...Array.from({ length: 10 }, () => ({ status: 429, code: "Throttling" })));
        const clock = new FakeClock(0);
        const { sleeps } = clock;

        await assert.rejects(importImageProvider({ clock, retry, poll }).create!(inputs(server)),
            (e: unknown) => e instanceof RetriesExhaustedError && e.attempts === 4);
        assert.strictEqual(server.calls("ImportImage").length, 4);
        assert.strictEqual(server.images.size, 0);
        assert.ok(sleeps.every((ms) => ms <= retry.maxDelayMs));
    });

    it("does not retry a client error such as an unknown access key", async () => {
        const restore = setEnv({ ALIBABA_CLOUD_ACCESS_KEY_ID: "LTAI5tSomebodyElse" });
        try {
            const clock = new FakeClock(0);
            await assert.rejects(importImageProvider({ clock, retry, poll }).create!(inputs(server)), /InvalidAccessKeyId|access key/);
            assert.strictEqual(server.requests.length, 1);
        } finally {
            restore();
        }
    });

    it("times out when the import is not Available within the bound", async () => {
        server.importBehaviour = { unlistedDescribes: 0, creatingDescribes: Infinity, finalStatus: "Available" };
        const clock = new FakeClock(0);
        const { elapsed } = clock;

        await assert.rejects(importImageProvider({ clock, retry, poll }).create!(inputs(server)),
            (e: unknown) => e instanceof PollTimeoutError && /timed out after 1800 s waiting for image m-\d+/.test(e.message));
        assert.strictEqual(elapsed(), poll.timeoutMs);
        // 10 s, 20 s, 40 s, then once a minute: a bounded number of checks.
        assert.ok(server.calls("DescribeImages").length < 40, `${server.calls("DescribeImages").length} checks`);
    });

    it("finds an existing image by name on a repeated create and imports nothing twice", async () => {
        const clock = new FakeClock(0);
        const provider = importImageProvider({ clock, retry, poll });

        const first = await provider.create!(inputs(server));
        const second = await provider.create!(inputs(server));

        assert.strictEqual(second.id, first.id);
        assert.strictEqual(server.calls("ImportImage").length, 1);
        assert.strictEqual(server.images.size, 1);
    });

    it("adopts only an image of exactly that name that did not fail", async () => {
        server.addImage({ ImageName: "acmelinux-1592.4-arm64-rc1", RegionId: "eu-central-1" });
        server.addImage({ ImageName: "acmelinux-1592.4-arm64", RegionId: "eu-central-1", FinalStatus: "CreateFailed" });
        server.addImage({ ImageName: "acmelinux-1592.4-arm64", RegionId: "ap-southeast-1" });
        const clock = new FakeClock(0);

        const result = await importImageProvider({ clock, retry, poll }).create!(inputs(server));

        assert.strictEqual(server.calls("ImportImage").length, 1);
        assert.strictEqual(server.images.get(result.id)?.ImportParameters?.Architecture, "arm64");
    });

    it("reads the image back, and reports an image deleted outside as gone", async () => {
        const existing = server.addImage({ ImageName: "acmelinux-1592.4-arm64", RegionId: "eu-central-1" });
        const clock = new FakeClock(0);
        const provider = importImageProvider({ clock, retry, poll });

        const read = await provider.read!(existing.ImageId, inputs(server, { imageId: existing.ImageId }));
        assert.strictEqual(read.id, existing.ImageId);
        assert.strictEqual(read.props.status, "Available");

        server.images.delete(existing.ImageId);
        assert.deepStrictEqual(await provider.read!(existing.ImageId, inputs(server)), {});
    });

    it("deletes the image with DeleteImage, and a second delete of a gone image succeeds", async () => {
        const existing = server.addImage({ ImageName: "acmelinux-1592.4-arm64", RegionId: "eu-central-1" });
        const clock = new FakeClock(0);
        const provider = importImageProvider({ clock, retry, poll });

        await provider.delete!(existing.ImageId, inputs(server));
        await provider.delete!(existing.ImageId, inputs(server));

        assert.deepStrictEqual(server.calls("DeleteImage").map((c) => c.params), [
            { RegionId: "eu-central-1", ImageId: existing.ImageId },
            { RegionId: "eu-central-1", ImageId: existing.ImageId },
        ]);
        assert.strictEqual(server.images.size, 0);
    });

    it("replaces the image when its source changes, and ignores where the API is reached", async () => {
        const provider = importImageProvider();
        const old = inputs(server);

        const moved = await provider.diff!("m-1", old, inputs(server, { ossObject: "1592.4/other.qcow2" }));
        assert.deepStrictEqual({ changes: moved.changes, replaces: moved.replaces }, { changes: true, replaces: ["ossObject"] });

        const elsewhere = await provider.diff!("m-1", old, inputs(server, { endpoint: "ecs.eu-central-1.aliyuncs.com", protocol: "https" }));
        assert.strictEqual(elsewhere.changes, false);
    });

    it("replaces a changed import by deleting the old image first, so that the new one never is the image it deletes", async () => {
        const clock = new FakeClock(0);
        const provider = importImageProvider({ clock, retry, poll });
        const old = await provider.create!(inputs(server));
        const changed = inputs(server, { description: "acmelinux 1592.4 arm64, rebuilt", diskImageSize: 30 });

        const diff = await provider.diff!(old.id, old.outs, changed);
        assert.deepStrictEqual([diff.replaces, diff.deleteBeforeReplace], [["diskImageSize", "description"], true]);

        // The engine's order for deleteBeforeReplace: delete the old image, then create the new one.
        await provider.delete!(old.id, old.outs);
        const replacement = await provider.create!(changed);
        assert.notStrictEqual(replacement.id, old.id);
        assert.strictEqual(server.images.has(old.id), false);
        assert.strictEqual(server.images.get(replacement.id)?.Description, "acmelinux 1592.4 arm64, rebuilt");
        assert.strictEqual(server.calls("ImportImage").length, 2);
    });

    it("never adopts an image of the same name made with other settings, and leaves it alone", async () => {
        const clock = new FakeClock(0);
        const provider = importImageProvider({ clock, retry, poll });
        const old = await provider.create!(inputs(server));

        await assert.rejects(provider.create!(inputs(server, { bootMode: "UEFI", description: "rebuilt" })),
            new RegExp(`image ${old.id} in eu-central-1 is already named acmelinux-1592.4-arm64 but has description "acmelinux 1592.4 arm64" instead of "rebuilt"; it is left alone`));
        assert.strictEqual(server.calls("ImportImage").length, 1);
        assert.strictEqual(server.images.get(old.id)?.Description, "acmelinux 1592.4 arm64");
    });

    it("neither updates nor replaces an image whose state still holds the former resourceKind input", async () => {
        const provider = importImageProvider({ clock: new FakeClock(0), retry, poll });
        const old = await provider.create!(inputs(server));

        const diff = await provider.diff!(old.id, storedWithFormerKind(old.outs, "alicloud:ImportImage"), inputs(server));
        assert.deepStrictEqual([diff.changes, diff.replaces], [false, []]);
    });

    it("replaces in place of another name without deleting first", async () => {
        const provider = importImageProvider();
        const diff = await provider.diff!("m-1", inputs(server), inputs(server, { imageName: "acmelinux-1592.4-arm64-v2", description: "v2" }));
        assert.deepStrictEqual([diff.replaces, diff.deleteBeforeReplace], [["imageName", "description"], false]);
    });

    it("is refused by the local ECS API, as by the real one, for a boot mode other than BIOS and UEFI, and for arm64 without UEFI", async () => {
        const clock = new FakeClock(0);
        const provider = importImageProvider({ clock, retry, poll });

        await assert.rejects(provider.create!(inputs(server, { bootMode: "UEFI-Preferred" })), /InvalidBootMode\.Malformed/);
        await assert.rejects(provider.create!(inputs(server, { bootMode: "BIOS" })), /InvalidBootMode\.NotSupport/);
        assert.strictEqual(server.images.size, 0);
        const x86 = await provider.create!(inputs(server, { architecture: "x86_64", bootMode: "BIOS" }));
        assert.strictEqual(server.images.get(x86.id)?.BootMode, "BIOS");
    });

    it("says which environment variables to set when there are no credentials", async () => {
        const restore = setEnv({ ALIBABA_CLOUD_ACCESS_KEY_ID: undefined });
        try {
            await assert.rejects(importImageProvider().create!(inputs(server)), /ALIBABA_CLOUD_ACCESS_KEY_ID/);
            assert.strictEqual(server.requests.length, 0);
        } finally {
            restore();
        }
    });

    it("survives Pulumi's closure serialisation: the serialised provider imports through the real SDK", async () => {
        const clock = new FakeClock(0);
        const provider = importImageProvider({ clock, retry, poll });

        const loaded = await throughSerialisation(() => provider);
        const result = await loaded.create!(inputs(server));

        assert.strictEqual(server.calls("ImportImage").length, 1);
        assert.strictEqual(server.calls("ImportImage")[0].params.Architecture, "arm64");
        assert.strictEqual(result.outs.status, "Available");
        assert.strictEqual(result.id, [...server.images.keys()][0]);
    });
});
