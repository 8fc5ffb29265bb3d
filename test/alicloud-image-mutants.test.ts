import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { AliCloudImage } from "../components/alicloud/image";
import { AliCloudPublisher } from "../components/alicloud/publisher";
import { AliCloudRegions } from "../components/alicloud/regions";
import { ossDiskImage } from "../components/alicloud/artifact";
import { alicloudSchema } from "../components/config/schema";
import { AliCloudTarget, StackConfig } from "../components/config/model";
import { recordingComponentOutputs } from "./helpers/component-outputs";
import { Publish, publishAcmelinux } from "./helpers/publish";
import { alicloudRelease } from "./helpers/release";
import { MockRun, named, ofType, runMocked } from "./mocks";

const importType = "alicloud:ecs/imageImport:ImageImport";
const copyType = "alicloud:ecs/imageCopy:ImageCopy";

const release = alicloudRelease;

function target(overrides: Record<string, unknown> = {}): AliCloudTarget {
    return alicloudSchema.parse({ enabled: true, sourceRegion: "eu-central-1", regions: ["eu-central-1", "eu-west-1"], ...overrides });
}

/** What a publish run outputs, resolved: the image IDs and what the image and regions components registered as outputs. */
type Resolved = { ids: Record<string, string>; image: unknown; regions: unknown };

const imageName = (architecture: string) => `acmelinux-1592-4-${architecture}-alicloud`;

function publish(options: Publish<AliCloudTarget> = {}): Promise<MockRun<Resolved>> {
    return recordingComponentOutputs((registered) => publishAcmelinux(options, { release, target }, (args) => {
        const regions = new AliCloudRegions("alicloud", { target: args.target });
        const image = new AliCloudImage(imageName(args.architecture), { ...args, regions });
        return { ids: image.imageIds, image: registered.get(imageName(args.architecture)), regions: registered.get("alicloud") };
    }));
}

describe("AliCloudImage (registration)", () => {
    it("refuses a release without an AliCloud artifact for the architecture", async () => {
        const missing = release();
        delete missing.artifacts.alicloud.arm64;
        await assert.rejects(publish({ release: missing, architecture: "arm64" }), { message: "release 1592.4 has no AliCloud artifact for arm64" });
    });

    it("stages an artifact outside OSS into the source region's staging bucket, under the image, and imports only after the copy", async () => {
        const staged = release();
        staged.artifacts.alicloud.x86_64 = { uri: "s3://acmelinux-artifacts/1592.4/acmelinux-1592.4-x86_64.qcow2" };
        const run = await publish({ release: staged, target: target({ stagingBucket: { "eu-central-1": "acmelinux-staging" } }) });

        const staging = named(run, `${imageName("x86_64")}-staging`);
        assert.strictEqual(staging.parent, imageName("x86_64"));
        assert.strictEqual(staging.inputs.region, "eu-central-1");
        assert.strictEqual(staging.inputs.store, "oss");
        assert.strictEqual(staging.inputs.bucket, "acmelinux-staging");
        for (const name of [`${imageName("x86_64")}-import`, `${imageName("x86_64")}-eu-central-1`]) {
            const imported = named(run, name);
            assert.deepStrictEqual(imported.dependsOn, [`${imageName("x86_64")}-staging`], name);
            assert.deepStrictEqual(imported.inputs.diskDeviceMappings, [{
                ossBucket: "acmelinux-staging", ossObject: "1592.4/acmelinux-1592.4-x86_64.qcow2", format: "qcow2", diskImageSize: 20,
            }]);
        }
    });

    it("refuses an artifact outside OSS when the source region has no staging bucket, naming AliCloud", async () => {
        const staged = release();
        staged.artifacts.alicloud.x86_64 = { uri: "s3://acmelinux-artifacts/1592.4/acmelinux-1592.4-x86_64.qcow2" };
        await assert.rejects(publish({ release: staged, target: target({ stagingBucket: { "eu-west-1": "acmelinux-staging-west" } }) }),
            { message: "s3://acmelinux-artifacts/1592.4/acmelinux-1592.4-x86_64.qcow2 must be staged for alicloud, but no staging bucket is set" });
    });

    it("makes an import of an OSS artifact wait for nothing", async () => {
        const run = await publish();
        assert.deepStrictEqual(named(run, `${imageName("x86_64")}-import`).dependsOn, []);
    });

    it("gives an x86_64 import three hours and a copy two hours to be created", async () => {
        const run = await publish();
        for (const imported of ofType(run, importType)) {
            assert.deepStrictEqual(imported.options.customTimeouts, { create: "3h" }, imported.name);
        }
        const copies = ofType(run, copyType);
        assert.deepStrictEqual(copies.map((c) => c.name), [`${imageName("x86_64")}-eu-west-1`]);
        assert.deepStrictEqual(copies[0].options.customTimeouts, { create: "2h" });
    });

    it("registers its image IDs as the component's outputs, and the regions component its regions", async () => {
        const run = await publish();
        assert.deepStrictEqual(Object.keys(run.outputs.ids), ["eu-central-1", "eu-west-1"]);
        assert.deepStrictEqual(run.outputs.image, { imageIds: run.outputs.ids });
        assert.deepStrictEqual(run.outputs.regions, { regions: ["eu-central-1", "eu-west-1"] });
    });

    it("names the extensions it can import when it refuses an artifact", () => {
        assert.throws(() => ossDiskImage("oss://bucket/acmelinux.iso"),
            { message: "AliCloud cannot import oss://bucket/acmelinux.iso: allowed extensions are .qcow2, .raw, .img, .vhd" });
    });
});

describe("AliCloudPublisher", () => {
    it("refuses to register an image before setUp has made the region providers", () => {
        const publisher = new AliCloudPublisher({} as StackConfig);
        assert.strictEqual(publisher.cloud, "alicloud");
        assert.throws(() => publisher.image("release-1.0-alicloud-x86_64", { release: release(), architecture: "x86_64", imageName: "x" }, undefined as unknown as pulumi.Resource),
            { message: "AliCloudPublisher.image before setUp" });
    });

    it("makes the providers once in setUp, then each image under the given parent with the stack's product, environment and the variant's boot mode", async () => {
        const config = {
            product: { name: "acmelinux" }, environment: "prod",
            alicloud: target({ sharing: { public: true } }),
        } as unknown as StackConfig;
        const run = await runMocked(() => {
            const publisher = new AliCloudPublisher(config);
            publisher.setUp();
            const parent = new pulumi.ComponentResource("test:index:Release", "release-1592.4");
            const x86 = publisher.image("release-1592.4-alicloud-x86_64", { release: release(), architecture: "x86_64", imageName: "acmelinux-1592.4-x86_64" }, parent);
            const bios = publisher.image("release-1592.4-alicloud-x86_64-bios", {
                release: release(), architecture: "x86_64", imageName: "acmelinux-1592.4-x86_64-bios", variant: { name: "bios", alicloud: { bootMode: "BIOS" } },
            }, parent);
            return { x86: x86.imageIds, bios: bios.imageIds };
        }, { stack: "prod" });

        assert.deepStrictEqual(ofType(run, "image-publisher:alicloud:Regions").map((r) => r.name), ["alicloud"]);
        const image = named(run, "release-1592.4-alicloud-x86_64");
        assert.strictEqual(image.type, "image-publisher:alicloud:Image");
        assert.strictEqual(image.parent, "release-1592.4");
        const imported = named(run, "release-1592.4-alicloud-x86_64-import");
        assert.strictEqual(imported.provider, "alicloud-eu-central-1");
        assert.strictEqual(imported.inputs.description, "acmelinux 1592.4 x86_64");
        assert.strictEqual(imported.inputs.bootMode, "UEFI");
        assert.strictEqual(imported.options.protect, true);
        assert.strictEqual(named(run, "release-1592.4-alicloud-x86_64-bios-import").inputs.bootMode, "BIOS");
        assert.strictEqual(ofType(run, "pulumi-nodejs:dynamic/alicloud:CommunityShare").length, 4);
        assert.deepStrictEqual(Object.keys(run.outputs.x86), ["eu-central-1", "eu-west-1"]);
        assert.deepStrictEqual(Object.keys(run.outputs.bios), ["eu-central-1", "eu-west-1"]);
    });
});
