import * as assert from "assert";
import { ecsClient, ecsErrorCode } from "../components/alicloud/ecs-client";
import { withEnv } from "./helpers/env";
import { accessKeyId } from "./helpers/alicloud";
import { EcsServer, startEcsServer } from "./servers/ecs";

/** The ECS error code a call fails with, or "" when it succeeds. */
async function codeOf(call: () => Promise<unknown>): Promise<string> {
    try {
        await call();
        return "";
    } catch (error) {
        return ecsErrorCode(error);
    }
}

describe("The local ECS API, as the real one, through the official SDK", () => {
    let server: EcsServer;

    withEnv({ ALIBABA_CLOUD_ACCESS_KEY_ID: accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: "test-secret" });
    beforeEach(async () => {
        server = await startEcsServer({ accessKeyId });
    });
    afterEach(async () => {
        await server.close();
    });

    const ecs = () => ecsClient({ regionId: "eu-central-1", endpoint: server.endpoint, protocol: "http" });
    const copy = (imageId: string, destinationRegionId: string) => {
        const { sdk, client } = ecs();
        return client.copyImage(new sdk.CopyImageRequest({ regionId: "eu-central-1", imageId, destinationRegionId, destinationImageName: "acmelinux-copy" }));
    };
    const share = (imageId: string, request: { isPublic?: boolean; addAccount?: string[] }) => {
        const { sdk, client } = ecs();
        return client.modifyImageSharePermission(new sdk.ModifyImageSharePermissionRequest({ regionId: "eu-central-1", imageId, ...request }));
    };

    it("copies a private image to another region", async () => {
        const image = server.addImage({ ImageName: "acmelinux-1592.4-x86_64", RegionId: "eu-central-1", Size: 20 });

        const across = await copy(image.ImageId, "eu-west-1");

        assert.strictEqual(server.images.get(String(across.body?.imageId))?.RegionId, "eu-west-1");
        assert.strictEqual(server.images.get(String(across.body?.imageId))?.Size, 20);
    });

    it("refuses an unencrypted copy within the image's own region", async () => {
        const image = server.addImage({ ImageName: "acmelinux-1592.4-x86_64", RegionId: "eu-central-1" });

        assert.strictEqual(await codeOf(() => copy(image.ImageId, "eu-central-1")), "IncorrectDestinationRegion");
        assert.strictEqual(server.images.size, 1);
    });

    it("refuses a copy named like an image of the destination region", async () => {
        const image = server.addImage({ ImageName: "acmelinux-1592.4-x86_64", RegionId: "eu-central-1" });
        server.addImage({ ImageName: "acmelinux-copy", RegionId: "eu-west-1" });

        assert.strictEqual(await codeOf(() => copy(image.ImageId, "eu-west-1")), "InvalidImageName.Duplicated");
        assert.strictEqual(server.images.size, 2);
    });

    it("refuses to copy a community image", async () => {
        const image = server.addImage({ ImageName: "acmelinux-1592.4-x86_64", RegionId: "eu-central-1" });
        await share(image.ImageId, { isPublic: true });

        assert.strictEqual(await codeOf(() => copy(image.ImageId, "eu-west-1")), "OperationDenied.CommunityImage");
        assert.strictEqual(server.images.size, 1);
    });

    it("refuses to copy an image that is not Available yet", async () => {
        const image = server.addImage({ ImageName: "acmelinux-1592.4-x86_64", RegionId: "eu-central-1", UnlistedDescribes: 0, CreatingDescribes: Infinity });
        assert.strictEqual(await codeOf(() => copy(image.ImageId, "eu-west-1")), "IncorrectImageStatus");
    });

    it("refuses to share a community image with an account, and keeps an account shared before publishing", async () => {
        const image = server.addImage({ ImageName: "acmelinux-1592.4-x86_64", RegionId: "eu-central-1" });
        await share(image.ImageId, { addAccount: ["1234567890123"] });
        await share(image.ImageId, { isPublic: true });

        assert.strictEqual(await codeOf(() => share(image.ImageId, { addAccount: ["9876543210987"] })), "Image.Public");
        assert.strictEqual(await codeOf(() => share(image.ImageId, { isPublic: true, addAccount: ["9876543210987"] })), "InvalidParameter.IsPublic");
        assert.deepStrictEqual(server.images.get(image.ImageId)?.SharedAccounts, ["1234567890123"]);
        await share(image.ImageId, { isPublic: false });
        assert.deepStrictEqual(server.images.get(image.ImageId)?.SharedAccounts, ["1234567890123"]);
    });
});
