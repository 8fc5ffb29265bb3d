import * as assert from "assert";
import { AliCloudImage } from "../components/alicloud/image";
import { AliCloudRegions } from "../components/alicloud/regions";
import { ossDiskImage } from "../components/alicloud/artifact";
import { alicloudSchema } from "../components/config/schema";
import { AliCloudTarget } from "../components/config/model";
import { Publish, publishAcmelinux } from "./helpers/publish";
import { alicloudRelease } from "./helpers/release";
import { MockRun, named, ofType, runMocked } from "./mocks";

const importImageType = "pulumi-nodejs:dynamic/alicloud:ImportImage";
const communityShareType = "pulumi-nodejs:dynamic/alicloud:CommunityShare";
const importType = "alicloud:ecs/imageImport:ImageImport";
const copyType = "alicloud:ecs/imageCopy:ImageCopy";
const accountShareType = "alicloud:ecs/imageSharePermission:ImageSharePermission";

const release = alicloudRelease;

function target(overrides: Record<string, unknown> = {}): AliCloudTarget {
    return alicloudSchema.parse({
        enabled: true,
        sourceRegion: "eu-central-1",
        regions: ["eu-central-1", "eu-west-1", "ap-southeast-1"],
        sharing: { public: true, accounts: ["1234567890123", "9876543210987"] },
        tags: { product: "acmelinux" },
        ...overrides,
    });
}

/** What a publish run outputs, resolved. */
type Resolved = { ids: Record<string, string> };

function publish(options: Publish<AliCloudTarget> = {}): Promise<MockRun<Resolved>> {
    return publishAcmelinux(options, { release, target }, (args) => {
        const regions = new AliCloudRegions("alicloud", { target: args.target });
        const image = new AliCloudImage(`acmelinux-1592-4-${args.architecture}-alicloud`, { ...args, regions });
        return { ids: image.imageIds };
    });
}

const imports = (run: MockRun<unknown>) => ofType(run, importImageType);
const communityShares = (run: MockRun<unknown>) => ofType(run, communityShareType);

describe("AliCloudImage", () => {
    it("imports x86_64 with ecs.ImageImport in the source region, through the source region's provider, as the private <name>-source", async () => {
        const run = await publish({ architecture: "x86_64" });

        const imported = named(run, "acmelinux-1592-4-x86_64-alicloud-import");
        assert.strictEqual(imported.type, importType);
        assert.strictEqual(ofType(run, importType).length, 2);
        assert.strictEqual(imports(run).length, 0);
        assert.strictEqual(imported.provider, "alicloud-eu-central-1");
        assert.deepStrictEqual(imported.inputs, {
            diskDeviceMappings: [{
                ossBucket: "acmelinux-artifacts-eu-central-1",
                ossObject: "1592.4/acmelinux-1592.4-x86_64.qcow2",
                format: "qcow2",
                diskImageSize: 20,
            }],
            architecture: "x86_64",
            osType: "linux",
            platform: "Others Linux",
            bootMode: "UEFI",
            imageName: "acmelinux-1592.4-x86_64-source",
            description: "acmelinux 1592.4 x86_64",
        });
    });

    it("imports arm64 through the ImportImage dynamic resource, never through ecs.ImageImport", async () => {
        const run = await publish({ architecture: "arm64" });

        assert.strictEqual(ofType(run, importType).length, 0);
        assert.strictEqual(imports(run).length, 2);
        const imported = named(run, "acmelinux-1592-4-arm64-alicloud-import");
        assert.deepStrictEqual(imported.inputs, {
            regionId: "eu-central-1",
            ossBucket: "acmelinux-artifacts-eu-central-1",
            ossObject: "1592.4/acmelinux-1592.4-arm64.raw",
            format: "RAW",
            diskImageSize: 20,
            architecture: "arm64",
            osType: "linux",
            platform: "Others Linux",
            bootMode: "UEFI",
            imageName: "acmelinux-1592.4-arm64-source",
            description: "acmelinux 1592.4 arm64",
        });
        // The copies start from the imported image's ID, which only the dynamic resource knows.
        const copies = ofType(run, copyType);
        assert.strictEqual(copies.length, 2);
        for (const copy of copies) {
            assert.strictEqual(copy.inputs.sourceImageId, copies[0].inputs.sourceImageId);
            assert.match(String(copy.inputs.sourceImageId), /^m-[0-9a-f]{20}$/);
            assert.ok(copy.dependsOn.includes("acmelinux-1592-4-arm64-alicloud-import"));
        }
    });

    it("copies the imported image to every other configured region, each through that region's provider, never within the source region", async () => {
        const run = await publish();

        const copies = ofType(run, copyType);
        assert.deepStrictEqual(copies.map((c) => [c.name, c.provider]), [
            ["acmelinux-1592-4-x86_64-alicloud-eu-west-1", "alicloud-eu-west-1"],
            ["acmelinux-1592-4-x86_64-alicloud-ap-southeast-1", "alicloud-ap-southeast-1"],
        ]);
        const imported = named(run, "acmelinux-1592-4-x86_64-alicloud-import");
        for (const copy of copies) {
            assert.ok(copy.dependsOn.includes(imported.name), `${copy.name} depends on ${copy.dependsOn.join(", ")}`);
            assert.deepStrictEqual(copy.inputs, {
                sourceImageId: copies[0].inputs.sourceImageId,
                sourceRegionId: "eu-central-1",
                imageName: "acmelinux-1592.4-x86_64",
                description: "acmelinux 1592.4 x86_64",
                tags: { product: "acmelinux" },
            });
        }
    });

    it("publishes in the source region a second import under the image name, since CopyImage does not copy within a region", async () => {
        for (const architecture of ["x86_64", "arm64"] as const) {
            const run = await publish({ environment: "prod", architecture });

            const published = named(run, `acmelinux-1592-4-${architecture}-alicloud-eu-central-1`);
            assert.notStrictEqual(published.type, copyType);
            assert.strictEqual(published.inputs.imageName, `acmelinux-1592.4-${architecture}`);
            assert.strictEqual(published.options.protect, true);
            const source = named(run, `acmelinux-1592-4-${architecture}-alicloud-import`);
            assert.strictEqual(source.inputs.imageName, `acmelinux-1592.4-${architecture}-source`);
            assert.notStrictEqual(run.outputs.ids["eu-central-1"], ofType(run, copyType)[0].inputs.sourceImageId);
        }
    });

    it("publishes the same set of resources in every region: one image, one share per account, one community share", async () => {
        const run = await publish();

        const perRegion = (region: string) => run.resources
            .filter((r) => r.custom && r.parent === "acmelinux-1592-4-x86_64-alicloud")
            .filter((r) => r.provider === `alicloud-${region}` || r.inputs.regionId === region)
            .map((r) => (r.type === communityShareType ? "alicloud:CommunityShare" : r.type))
            .sort();
        assert.deepStrictEqual(perRegion("eu-central-1"), ["alicloud:CommunityShare", accountShareType, accountShareType, importType, importType].sort());
        for (const region of ["eu-west-1", "ap-southeast-1"]) {
            assert.deepStrictEqual(perRegion(region), ["alicloud:CommunityShare", accountShareType, accountShareType, copyType].sort());
        }
        assert.strictEqual(run.resources.filter((r) => r.custom && r.parent === "acmelinux-1592-4-x86_64-alicloud").length, 13);
    });

    it("keeps the imported image private: it is neither shared nor made public, only copied", async () => {
        for (const architecture of ["x86_64", "arm64"] as const) {
            const run = await publish({ environment: "prod", architecture });
            const copies = ofType(run, copyType);
            const importId = copies[0].inputs.sourceImageId;
            assert.strictEqual(copies.length, 2);
            assert.ok(!Object.values(run.outputs.ids).includes(String(importId)), `${architecture}: the import is not a published image`);
            const shared = [...ofType(run, accountShareType), ...communityShares(run)].map((r) => r.inputs.imageId);
            assert.strictEqual(shared.length, 9);
            assert.ok(!shared.includes(importId), `${architecture}: nothing shares the import`);
        }
    });

    it("makes each region's image public only after its copy is done and its accounts are shared", async () => {
        const run = await publish({ environment: "prod" });

        const shares = communityShares(run);
        assert.strictEqual(shares.length, 3);
        for (const region of ["eu-central-1", "eu-west-1", "ap-southeast-1"]) {
            const share = named(run, `acmelinux-1592-4-x86_64-alicloud-${region}-community`);
            assert.deepStrictEqual([...share.dependsOn].sort(), [
                `acmelinux-1592-4-x86_64-alicloud-${region}`,
                `acmelinux-1592-4-x86_64-alicloud-${region}-account-1234567890123`,
                `acmelinux-1592-4-x86_64-alicloud-${region}-account-9876543210987`,
            ].sort());
        }
    });

    it("adds a region to a published release with one more copy from the private import, changing nothing else", async () => {
        const before = await publish({ environment: "prod" });
        const after = await publish({ environment: "prod", target: target({ regions: ["eu-central-1", "eu-west-1", "ap-southeast-1", "us-east-1"] }) });

        const added = named(after, "acmelinux-1592-4-x86_64-alicloud-us-east-1");
        assert.strictEqual(added.type, copyType);
        assert.strictEqual(added.inputs.sourceImageId, ofType(before, copyType)[0].inputs.sourceImageId);
        const names = (run: MockRun<unknown>) => run.resources.map((r) => r.name);
        assert.deepStrictEqual(names(after).filter((n) => !names(before).includes(n)).sort(), [
            "acmelinux-1592-4-x86_64-alicloud-us-east-1",
            "acmelinux-1592-4-x86_64-alicloud-us-east-1-account-1234567890123",
            "acmelinux-1592-4-x86_64-alicloud-us-east-1-account-9876543210987",
            "acmelinux-1592-4-x86_64-alicloud-us-east-1-community",
            "alicloud-us-east-1",
        ]);
    });

    it("shares each region's image with each configured account through that region's provider", async () => {
        const run = await publish();

        const share = named(run, "acmelinux-1592-4-x86_64-alicloud-eu-west-1-account-9876543210987");
        assert.strictEqual(share.provider, "alicloud-eu-west-1");
        assert.deepStrictEqual(share.inputs, { imageId: run.outputs.ids["eu-west-1"], accountId: "9876543210987" });
    });

    it("makes a community image of the published image in every region, the source region included, in prod with sharing.public", async () => {
        const run = await publish({ environment: "prod" });

        assert.deepStrictEqual(communityShares(run).map((s) => [s.inputs.regionId, s.inputs.imageId, s.inputs.isPublic]), [
            ["eu-central-1", run.outputs.ids["eu-central-1"], true],
            ["eu-west-1", run.outputs.ids["eu-west-1"], true],
            ["ap-southeast-1", run.outputs.ids["ap-southeast-1"], true],
        ]);
    });

    it("makes nothing public in dev, even when config asks for it", async () => {
        const run = await publish({ environment: "dev", target: target({ sharing: { public: true, accounts: [] } }) });

        assert.strictEqual(communityShares(run).length, 0);
        assert.ok(!JSON.stringify(run.resources).includes("isPublic"));
    });

    it("makes no community image in prod without sharing.public", async () => {
        const run = await publish({ environment: "prod", target: target({ sharing: { public: false, accounts: [] } }) });

        assert.strictEqual(communityShares(run).length, 0);
        assert.strictEqual(ofType(run, accountShareType).length, 0);
    });

    it("turns the community share off once the release's deprecation date has passed, and keeps its images", async () => {
        const deprecated = release({ deprecation: { time: "2027-03-31T00:00:00Z", date: "2027-03-31", passed: true } });
        const run = await publish({ release: deprecated });

        assert.deepStrictEqual(communityShares(run).map((s) => s.inputs.isPublic), [false, false, false]);
        assert.strictEqual(ofType(run, copyType).length, 2);
        assert.strictEqual(ofType(run, importType).length, 2);
    });

    it("keeps a release public on the community until its deprecation date", async () => {
        const dated = release({ deprecation: { time: "2027-03-31T00:00:00Z", date: "2027-03-31", passed: false } });
        const run = await publish({ release: dated });

        assert.deepStrictEqual(communityShares(run).map((s) => s.inputs.isPublic), [true, true, true]);
    });

    it("protects the image and its copies in prod", async () => {
        const run = await publish({ environment: "prod", architecture: "arm64" });

        const images = [...imports(run), ...ofType(run, copyType)];
        assert.strictEqual(images.length, 4);
        assert.strictEqual(imports(run).length, 2);
        assert.ok(images.every((r) => r.options.protect === true));
    });

    it("leaves dev images unprotected, so that a dev stack can be torn down", async () => {
        const run = await publish({ environment: "dev" });

        // Per release and architecture: the private import, the source region's published import, and a copy in each other region.
        const images = [...ofType(run, importType), ...ofType(run, copyType)];
        assert.strictEqual(images.length, 4);
        assert.ok(images.every((r) => r.options.protect === undefined));
    });

    it("outputs the image ID of every region, the source region first", async () => {
        const run = await publish();

        assert.deepStrictEqual(Object.keys(run.outputs.ids), ["eu-central-1", "eu-west-1", "ap-southeast-1"]);
        assert.strictEqual(new Set(Object.values(run.outputs.ids)).size, 3);
        assert.ok(Object.values(run.outputs.ids).every((id) => /^m-[0-9a-f]{20}$/.test(id)));
    });

    it("refuses an artifact that is neither qcow2, raw nor vhd", async () => {
        const tarball = release();
        tarball.artifacts.alicloud.x86_64 = { uri: "oss://bucket/acmelinux-1592.4-x86_64.tar.gz" };

        await assert.rejects(publish({ release: tarball }), /AliCloud cannot import oss:\/\/bucket\/acmelinux-1592\.4-x86_64\.tar\.gz/);
    });

    it("reads the ECS import format from the artifact's extension", () => {
        assert.deepStrictEqual(
            ["a.qcow2", "a.raw", "a.img", "a.VHD"].map((f) => ossDiskImage(`oss://bucket/dir/${f}`).format),
            ["qcow2", "RAW", "RAW", "VHD"],
        );
        assert.deepStrictEqual(ossDiskImage("oss://bucket/dir/a.qcow2"), { ossBucket: "bucket", ossObject: "dir/a.qcow2", format: "qcow2" });
    });
});

describe("AliCloudRegions", () => {
    it("makes one provider per region, the source region included, with no credentials in config", async () => {
        const t = target({ sourceRegion: "cn-hangzhou", regions: ["eu-central-1", "cn-hangzhou", "us-east-1"] });
        const run = await runMocked(() => {
            new AliCloudRegions("alicloud", { target: t });
            return {};
        });

        const providers = ofType(run, "pulumi:providers:alicloud");
        assert.deepStrictEqual(providers.map((p) => [p.name, p.inputs.region, p.parent]), [
            ["alicloud-cn-hangzhou", "cn-hangzhou", "alicloud"],
            ["alicloud-eu-central-1", "eu-central-1", "alicloud"],
            ["alicloud-us-east-1", "us-east-1", "alicloud"],
        ]);
        for (const p of providers) {
            assert.strictEqual(p.inputs.accessKey, undefined);
            assert.strictEqual(p.inputs.secretKey, undefined);
        }
    });

    it("refuses to hand out a provider for a region the stack does not publish to", async () => {
        await runMocked(() => {
            const regions = new AliCloudRegions("alicloud", { target: target() });
            assert.throws(() => regions.providerFor("me-east-1"), /no AliCloud provider for region me-east-1; the stack has: eu-central-1, eu-west-1, ap-southeast-1/);
            return {};
        });
    });
});
