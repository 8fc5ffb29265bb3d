import * as assert from "assert";
import { CommunityShareState, communityShareProvider } from "../components/alicloud/community-share";
import { FakeClock } from "./helpers/clock";
import { storedWithFormerKind } from "./helpers/former-kind";
import { withEnv } from "./helpers/env";
import { throughSerialisation } from "./helpers/serialise";
import { accessKeyId, communityShareState } from "./helpers/alicloud";
import { EcsImage, EcsServer, startEcsServer } from "./servers/ecs";

const retry = { attempts: 4, baseDelayMs: 1000, maxDelayMs: 8000 };

describe("AliCloudCommunityShare", () => {
    let server: EcsServer;
    let image: EcsImage;

    const state = (overrides: Partial<CommunityShareState> = {}): CommunityShareState => communityShareState(server, image.ImageId, overrides);
    const provider = () => communityShareProvider({ clock: new FakeClock(0), retry });

    withEnv({ ALIBABA_CLOUD_ACCESS_KEY_ID: accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: "test-secret" });
    beforeEach(async () => {
        server = await startEcsServer({ accessKeyId });
        image = server.addImage({ ImageName: "acmelinux-1592.4-x86_64", RegionId: "ap-southeast-1" });
    });
    afterEach(async () => {
        await server.close();
    });

    it("makes the image a community image with ModifyImageSharePermission IsPublic=true", async () => {
        const result = await provider().create!(state());

        assert.deepStrictEqual(server.calls("ModifyImageSharePermission").map((c) => c.params), [
            { RegionId: "ap-southeast-1", ImageId: image.ImageId, IsPublic: "true" },
        ]);
        assert.strictEqual(image.IsPublic, true);
        assert.strictEqual(result.id, `ap-southeast-1/${image.ImageId}`);
        assert.strictEqual(result.outs.isPublic, true);
    });

    it("reads the sharing first and changes nothing when the image is already public", async () => {
        image.IsPublic = true;

        await provider().create!(state());

        assert.deepStrictEqual(server.requests.map((r) => r.action), ["DescribeImageSharePermission"]);
    });

    it("turns the community share off (IsPublic=false) on delete", async () => {
        const p = provider();
        const { id } = await p.create!(state());

        await p.delete!(id, state());

        assert.deepStrictEqual(server.calls("ModifyImageSharePermission").map((c) => c.params.IsPublic), ["true", "false"]);
        assert.strictEqual(image.IsPublic, false);
    });

    it("turns the community share off when the release is deprecated, by an update rather than a replacement", async () => {
        const p = provider();
        const { id } = await p.create!(state());

        const diff = await p.diff!(id, state(), state({ isPublic: false }));
        assert.deepStrictEqual({ changes: diff.changes, replaces: diff.replaces }, { changes: true, replaces: [] });
        const updated = await p.update!(id, state(), state({ isPublic: false }));

        assert.strictEqual(updated.outs.isPublic, false);
        assert.strictEqual(image.IsPublic, false);
    });

    it("neither updates nor replaces a share whose state still holds the former resourceKind input", async () => {
        const diff = await provider().diff!("ap-southeast-1/m-1", storedWithFormerKind(state(), "alicloud:CommunityShare"), state());

        assert.deepStrictEqual([diff.changes, diff.replaces], [false, []]);
    });

    it("replaces the share when it names another image", async () => {
        const diff = await provider().diff!("ap-southeast-1/m-1", state(), state({ imageId: "m-other" }));

        assert.deepStrictEqual(diff.replaces, ["imageId"]);
    });

    it("deletes the share of an image that is already gone without an error", async () => {
        server.images.delete(image.ImageId);

        await provider().delete!(`ap-southeast-1/${image.ImageId}`, state());

        assert.strictEqual(server.calls("ModifyImageSharePermission").length, 0);
    });

    it("refuses to share an image that does not exist", async () => {
        await assert.rejects(provider().create!(state({ imageId: "m-missing" })), /image m-missing in ap-southeast-1: the image does not exist/);
    });

    it("reports the sharing as ECS has it", async () => {
        image.IsPublic = false;

        const read = await provider().read!(`ap-southeast-1/${image.ImageId}`, state());

        assert.strictEqual(read.props.isPublic, false);
    });

    it("retries throttling and unavailability with bounded backoff, and shares once", async () => {
        server.fail("ModifyImageSharePermission", { status: 429, code: "Throttling" }, { status: 503, code: "ServiceUnavailable" });
        const clock = new FakeClock(0);
        const { sleeps } = clock;

        await communityShareProvider({ clock, retry }).create!(state());

        assert.strictEqual(server.calls("ModifyImageSharePermission").length, 3);
        assert.strictEqual(image.IsPublic, true);
        assert.ok(sleeps.length === 2 && sleeps[0] >= 800 && sleeps[0] <= 1000 && sleeps[1] >= 1600 && sleeps[1] <= 2000, `waited ${sleeps.join(", ")} ms`);
    });

    it("survives Pulumi's closure serialisation: the serialised provider shares and unshares through the real SDK", async () => {
        const p = provider();
        const loaded = await throughSerialisation(() => p);

        const { id } = await loaded.create!(state());
        assert.strictEqual(image.IsPublic, true);
        await loaded.delete!(id, state());

        assert.strictEqual(image.IsPublic, false);
        assert.deepStrictEqual(server.calls("ModifyImageSharePermission").map((c) => c.params.IsPublic), ["true", "false"]);
    });
});
