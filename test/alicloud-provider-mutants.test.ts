/**
 * The AliCloud import-image and community-share providers' rules that alicloud-import-image.test.ts
 * and alicloud-community-share.test.ts leave open: finding an earlier image past the first page,
 * which settings tell an image apart, what is refused and passed on, where credentials come from,
 * and how the two resources register. Written against the mutants Stryker found alive (README, "Mutation testing").
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { AliCloudCommunityShare, CommunityShareState, communityShareProvider } from "../components/alicloud/community-share";
import { ecsCredentials, ecsErrorCode, isRetryableEcsError } from "../components/alicloud/ecs-client";
import { AliCloudImportImage, ImportImageState, importImageProvider } from "../components/alicloud/import-image";
import { FakeClock } from "./helpers/clock";
import { communityShareState, importImageInputs, useLocalEcs } from "./helpers/alicloud";
import { runMocked } from "./mocks";
import { EcsImage, EcsServer } from "./servers/ecs";

const retry = { attempts: 3, baseDelayMs: 1000, maxDelayMs: 8000 };
const poll = { initialDelayMs: 10000, maxDelayMs: 60000, timeoutMs: 30 * 60 * 1000 };

describe("AliCloud providers against the local ECS API", () => {
    const local = useLocalEcs();
    let server: EcsServer;
    beforeEach(() => {
        server = local();
    });

    describe("AliCloudImportImage", () => {
        const inputs = (overrides: Partial<ImportImageState> = {}): ImportImageState => importImageInputs(server, overrides);
        const provider = () => importImageProvider({ clock: new FakeClock(0), retry, poll });

        /** An image of the sample's name and settings, as an earlier run would have imported it. */
        const earlier = (overrides: Partial<EcsImage> = {}) => server.addImage({
            ImageName: "acmelinux-1592.4-arm64", RegionId: "eu-central-1", Architecture: "arm64", OSType: "linux", Platform: "Others Linux",
            BootMode: "UEFI", Description: "acmelinux 1592.4 arm64", ...overrides,
        });

        it("finds an earlier image of the name on a later page of DescribeImages, and imports nothing", async () => {
            for (let i = 0; i < 100; i++) {
                server.addImage({ ImageName: `acmelinux-1592.4-arm64-rc${i}`, RegionId: "eu-central-1" });
            }
            const existing = earlier();

            const result = await provider().create!(inputs());

            assert.strictEqual(result.id, existing.ImageId);
            assert.deepStrictEqual(server.calls("ImportImage"), []);
            assert.deepStrictEqual(server.calls("DescribeImages").slice(0, 2).map((call) => [call.params.PageNumber, call.params.PageSize]), [["1", "100"], ["2", "100"]]);
        });

        it("takes an earlier image found on a full first page without reading the next", async () => {
            const existing = earlier();
            for (let i = 0; i < 100; i++) {
                server.addImage({ ImageName: `acmelinux-1592.4-arm64-rc${i}`, RegionId: "eu-central-1" });
            }

            const result = await provider().create!(inputs());

            assert.strictEqual(result.id, existing.ImageId);
            assert.deepStrictEqual(server.calls("DescribeImages").filter((call) => call.params.ImageName !== undefined).map((call) => call.params.PageNumber), ["1"]);
        });

        it("adopts an earlier image whose DescribeImages entry leaves a setting out", async () => {
            const existing = earlier({ Platform: undefined as unknown as string });

            const result = await provider().create!(inputs());

            assert.strictEqual(result.id, existing.ImageId);
            assert.deepStrictEqual(server.calls("ImportImage"), []);
        });

        it("stops looking once it has seen as many images as the answer counts, even on a full page", async () => {
            for (let i = 0; i < 100; i++) {
                server.addImage({ ImageName: `acmelinux-1592.4-arm64-rc${i}`, RegionId: "eu-central-1" });
            }

            await provider().create!(inputs());

            const lookups = server.calls("DescribeImages").filter((call) => call.params.ImageName !== undefined);
            assert.deepStrictEqual(lookups.map((call) => call.params.PageNumber), ["1"]);
        });

        /** Adds `count` images whose names only begin with the sample's, so that the name lookup lists them first. */
        const longerNames = (count: number) => {
            for (let i = 0; i < count; i++) {
                server.addImage({ ImageName: `acmelinux-1592.4-arm64-rc${i}`, RegionId: "eu-central-1" });
            }
        };
        /** The pages of the name lookup that create read. */
        const lookupPages = () => server.calls("DescribeImages").filter((call) => call.params.ImageName !== undefined).map((call) => call.params.PageNumber);

        it("reads up to the 50th page of DescribeImages to find an earlier image", async () => {
            longerNames(4_900);
            const existing = earlier();

            const result = await provider().create!(inputs());

            assert.strictEqual(result.id, existing.ImageId);
            assert.deepStrictEqual(server.calls("ImportImage"), []);
            assert.strictEqual(lookupPages().length, 50);
        });

        it("reads no more than 50 pages, so that an earlier image past 5,000 of longer names is not seen and ECS refuses its name", async () => {
            longerNames(5_000);
            earlier();

            await assert.rejects(provider().create!(inputs()), (error: unknown) => ecsErrorCode(error) === "InvalidImageName.Duplicated");
            assert.deepStrictEqual(lookupPages(), Array.from({ length: 50 }, (_, i) => String(i + 1)));
        });

        it("does not reuse an earlier import that became UnAvailable", async () => {
            const broken = earlier({ FinalStatus: "UnAvailable" });

            const result = await provider().create!(inputs());

            assert.notStrictEqual(result.id, broken.ImageId);
            assert.strictEqual(server.calls("ImportImage").length, 1);
        });

        it("adopts an earlier image with the same settings, written without a description when the inputs have none", async () => {
            const existing = earlier({ Description: "" });

            const result = await provider().create!(inputs({ description: undefined }));

            assert.strictEqual(result.id, existing.ImageId);
            assert.deepStrictEqual(result.outs, { ...inputs({ description: undefined }), imageId: existing.ImageId, status: "Available" });
        });

        it("names every setting in which an earlier image of the name differs", async () => {
            const existing = earlier({ Architecture: "x86_64", OSType: "windows", Platform: "Ubuntu", BootMode: "BIOS" });

            await assert.rejects(provider().create!(inputs()), (error: Error) => {
                assert.strictEqual(error.message, `image ${existing.ImageId} in eu-central-1 is already named acmelinux-1592.4-arm64 but has `
                    + "architecture \"x86_64\" instead of \"arm64\", osType \"windows\" instead of \"linux\", platform \"Ubuntu\" instead of \"Others Linux\", "
                    + "bootMode \"BIOS\" instead of \"UEFI\"; it is left alone, and ECS takes each image name once in a region: delete or rename it, "
                    + "or give this image another name");
                return true;
            });
            assert.deepStrictEqual(server.calls("ImportImage"), []);
        });

        it("reports an import that ends UnAvailable as an error", async () => {
            server.importBehaviour = { unlistedDescribes: 0, creatingDescribes: 1, finalStatus: "UnAvailable" as "CreateFailed" };

            await assert.rejects(provider().create!(inputs()), /^Error: import of acmelinux-1592\.4-arm64 into eu-central-1 failed: image m-\d+ is UnAvailable$/);
        });

        it("fails, naming image, region and request, when ImportImage answers without an image ID", async () => {
            // A 200 answer whose body is not an ImportImage answer: it carries a RequestId but no ImageId.
            server.fail("ImportImage", { status: 200, code: "Unexpected" });

            await assert.rejects(provider().create!(inputs()),
                /^Error: ImportImage of acmelinux-1592\.4-arm64 in eu-central-1 answered without an image ID \(request req-\d+\)$/);
        });

        it("passes on a refusal of DeleteImage other than an image that is gone", async () => {
            const existing = earlier();
            server.fail("DeleteImage", { status: 403, code: "IncorrectImageStatus" });

            await assert.rejects(provider().delete!(existing.ImageId, inputs()), (error: unknown) => ecsErrorCode(error) === "IncorrectImageStatus");
            assert.ok(server.images.has(existing.ImageId));
        });

        it("diffs no change for the same inputs, and replaces in place when the region changes", async () => {
            assert.deepStrictEqual(await provider().diff!("m-1", inputs(), inputs()), { changes: false, replaces: [], deleteBeforeReplace: false });
            const moved = await provider().diff!("m-1", inputs(), inputs({ regionId: "eu-west-1" }));
            assert.deepStrictEqual(moved, { changes: true, replaces: ["regionId"], deleteBeforeReplace: false });
        });
    });

    describe("AliCloudCommunityShare", () => {
        let image: EcsImage;

        beforeEach(() => {
            image = server.addImage({ ImageName: "acmelinux-1592.4-x86_64", RegionId: "ap-southeast-1" });
        });

        const state = (overrides: Partial<CommunityShareState> = {}): CommunityShareState => communityShareState(server, image.ImageId, overrides);
        const provider = () => communityShareProvider({ clock: new FakeClock(0), retry });

        it("asks for the sharing of the image in its region, 100 entries a page", async () => {
            await provider().create!(state());

            assert.deepStrictEqual(server.calls("DescribeImageSharePermission").map((call) => call.params),
                [{ RegionId: "ap-southeast-1", ImageId: image.ImageId, PageSize: "100" }]);
        });

        it("counts only the group all as public: an image shared with accounts alone is private", async () => {
            image.SharedAccounts = ["1234567890123456"];

            const read = await provider().read!(`ap-southeast-1/${image.ImageId}`, state());

            assert.strictEqual(read.props.isPublic, false);
        });

        it("refuses, naming image and region, to change the sharing of an image that does not exist", async () => {
            await assert.rejects(provider().update!("id", state(), state({ imageId: "m-missing", isPublic: false })),
                /^Error: cannot change the sharing of image m-missing in ap-southeast-1: the image does not exist$/);
            await assert.rejects(provider().create!(state({ imageId: "m-missing" })),
                /^Error: cannot share image m-missing in ap-southeast-1: the image does not exist$/);
        });

        it("passes on any other refusal of DescribeImageSharePermission", async () => {
            server.fail("DescribeImageSharePermission", { status: 403, code: "Forbidden.RAM" });

            await assert.rejects(provider().create!(state()), (error: unknown) => ecsErrorCode(error) === "Forbidden.RAM");
            assert.deepStrictEqual(server.calls("ModifyImageSharePermission"), []);
        });

        it("reads the share of an image that is gone as gone", async () => {
            assert.deepStrictEqual(await provider().read!("ap-southeast-1/m-missing", state({ imageId: "m-missing" })), {});
        });

        it("update returns the new state", async () => {
            const updated = await provider().update!("id", state(), state({ isPublic: false }));

            assert.deepStrictEqual(updated, { outs: state({ isPublic: false }) });
        });

        it("diffs no change for the same share, in place for isPublic, and replaces (deleting first) for another region", async () => {
            assert.deepStrictEqual(await provider().diff!("id", state(), state()), { changes: false, replaces: [], deleteBeforeReplace: true });
            assert.deepStrictEqual(await provider().diff!("id", state(), state({ isPublic: false })), { changes: true, replaces: [], deleteBeforeReplace: true });
            assert.deepStrictEqual(await provider().diff!("id", state(), state({ regionId: "eu-central-1" })), { changes: true, replaces: ["regionId"], deleteBeforeReplace: true });
        });
    });
});

describe("AliCloud ECS client", () => {
    it("takes the SDK's variables first, then the ones the Pulumi provider reads, with a security token when there is one", () => {
        assert.deepStrictEqual(ecsCredentials({ ALIBABA_CLOUD_ACCESS_KEY_ID: "a", ALIBABA_CLOUD_ACCESS_KEY_SECRET: "s", ALICLOUD_ACCESS_KEY: "b", ALICLOUD_SECRET_KEY: "t" }),
            { accessKeyId: "a", accessKeySecret: "s" });
        assert.deepStrictEqual(ecsCredentials({ ALICLOUD_ACCESS_KEY: "b", ALICLOUD_SECRET_KEY: "t", ALICLOUD_SECURITY_TOKEN: "x" }),
            { accessKeyId: "b", accessKeySecret: "t", securityToken: "x" });
        assert.deepStrictEqual(ecsCredentials({ ALIBABA_CLOUD_ACCESS_KEY_ID: "a", ALIBABA_CLOUD_ACCESS_KEY_SECRET: "s", ALIBABA_CLOUD_SECURITY_TOKEN: "y", ALICLOUD_SECURITY_TOKEN: "x" }),
            { accessKeyId: "a", accessKeySecret: "s", securityToken: "y" });
    });

    it("refuses a key without its secret, naming both pairs of variables", () => {
        assert.throws(() => ecsCredentials({ ALIBABA_CLOUD_ACCESS_KEY_ID: "a" }),
            /^Error: no AliCloud credentials: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET \(or ALICLOUD_ACCESS_KEY and ALICLOUD_SECRET_KEY\)$/);
        assert.throws(() => ecsCredentials({ ALIBABA_CLOUD_ACCESS_KEY_SECRET: "s" }), /no AliCloud credentials/);
    });

    it("retries throttling of any kind and a token still in progress, and nothing else without an HTTP status", () => {
        for (const code of ["Throttling", "Throttling.User", "Throttling.Api", "LastTokenProcessing"]) {
            assert.strictEqual(isRetryableEcsError({ code }), true, code);
        }
        for (const code of ["InvalidImageId.NotFound", "Forbidden.RAM", "LastToken", "UserThrottling"]) {
            assert.strictEqual(isRetryableEcsError({ code }), false, code);
        }
        assert.strictEqual(ecsErrorCode({ code: 14 }), "");
        assert.strictEqual(ecsErrorCode(undefined), "");
    });
});

describe("AliCloud dynamic resources", () => {
    it("registers an import as alicloud:ImportImage with its inputs, and imageId and status as outputs to come", async () => {
        const args = {
            regionId: "eu-central-1", imageName: "acmelinux-1592.4-arm64", ossBucket: "acmelinux-artifacts-eu-central-1",
            ossObject: "1592.4/acmelinux-1592.4-arm64.qcow2", format: "qcow2", diskImageSize: 20, architecture: "arm64",
            osType: "linux", platform: "Others Linux", bootMode: "UEFI",
        };
        let image: AliCloudImportImage | undefined;

        const run = await runMocked(() => {
            image = new AliCloudImportImage("acmelinux-1592-4-arm64", args);
        });

        assert.deepStrictEqual(run.resources.map((r) => [r.type, r.inputs]), [["pulumi-nodejs:dynamic/alicloud:ImportImage", args]]);
        assert.ok(pulumi.Output.isInstance(image!.imageId) && pulumi.Output.isInstance(image!.status));
    });

    it("registers a community share as alicloud:CommunityShare with its inputs", async () => {
        const args = { regionId: "ap-southeast-1", imageId: "m-000001", isPublic: true };

        const run = await runMocked(() => new AliCloudCommunityShare("acmelinux-1592-4-arm64-share", args));

        assert.deepStrictEqual(run.resources.map((r) => [r.type, r.inputs]), [["pulumi-nodejs:dynamic/alicloud:CommunityShare", args]]);
    });
});
