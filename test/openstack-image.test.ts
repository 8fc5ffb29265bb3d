import * as assert from "assert";
import { OpenStackClouds } from "../components/openstack/clouds";
import { OpenStackImage } from "../components/openstack/image";
import { glanceDiskFormat } from "../components/openstack/disk-format";
import { openstackSchema } from "../components/config/schema";
import { OpenStackTarget, Release, Secrets } from "../components/config/model";
import { Publish, publishAcmelinux } from "./helpers/publish";
import { releaseIn } from "./helpers/release";
import { MockRun, named, ofType, runMocked } from "./mocks";

const imageType = "openstack:images/image:Image";
const providerType = "pulumi:providers:openstack";
const password = "north-password-do-not-leak";
const applicationCredentialSecret = "south-app-secret-do-not-leak";
const secrets: Secrets["openstack"] = { northcloud: { password }, southcloud: { applicationCredentialSecret } };

function release(overrides: Partial<Release> = {}): Release {
    const base = "https://acmelinux-artifacts.s3.eu-central-1.amazonaws.com/1592.4";
    return releaseIn("openstack", "1592.4", {
        x86_64: { uri: `${base}/acmelinux-1592.4-x86_64.qcow2` },
        arm64: { uri: `${base}/acmelinux-1592.4-arm64.img` },
    }, overrides);
}

function target(overrides: Record<string, unknown> = {}): OpenStackTarget {
    return openstackSchema.parse({
        enabled: true,
        visibility: "public",
        clouds: [
            {
                name: "northcloud", authUrl: "https://identity.northcloud.example.net:5000/v3", regions: ["north-1", "north-2"],
                userName: "image-publisher", projectName: "public-images", userDomainName: "Users",
            },
            {
                name: "southcloud", authUrl: "https://keystone.southcloud.example.com/v3", regions: ["RegionOne"],
                applicationCredentialId: "0b1f9a6c2d3e4f5a6b7c8d9e0f1a2b3c",
            },
        ],
        properties: { os_distro: "acmelinux", hw_firmware_type: "uefi" },
        minDiskGb: 8,
        tags: ["acmelinux", "lts"],
        ...overrides,
    });
}

/** What a publish run outputs, resolved. */
type Resolved = { ids: Record<string, string>; locations: unknown };

function publish(options: Publish<OpenStackTarget> = {}): Promise<MockRun<Resolved>> {
    return publishAcmelinux(options, { release, target }, (args) => {
        const clouds = new OpenStackClouds("openstack", { target: args.target, secrets });
        const image = new OpenStackImage(`acmelinux-1592-4-${args.architecture}-openstack`, { ...args, clouds });
        return { ids: image.imageIds, locations: clouds.locations };
    });
}

describe("OpenStackImage", () => {
    it("makes one Glance image per cloud and region, each through that cloud and region's provider", async () => {
        const run = await publish();

        assert.deepStrictEqual(ofType(run, imageType).map((i) => [i.name, i.provider, i.inputs.region]), [
            ["acmelinux-1592-4-x86_64-openstack-northcloud-north-1", "openstack-northcloud-north-1", "north-1"],
            ["acmelinux-1592-4-x86_64-openstack-northcloud-north-2", "openstack-northcloud-north-2", "north-2"],
            ["acmelinux-1592-4-x86_64-openstack-southcloud-RegionOne", "openstack-southcloud-RegionOne", "RegionOne"],
        ]);
    });

    it("lets Glance fetch the artifact by web-download, as a bare image in the artifact's disk format", async () => {
        const run = await publish();

        const image = named(run, "acmelinux-1592-4-x86_64-openstack-northcloud-north-2");
        assert.deepStrictEqual(image.inputs, {
            name: "acmelinux-1592.4-x86_64",
            region: "north-2",
            containerFormat: "bare",
            diskFormat: "qcow2",
            imageSourceUrl: "https://acmelinux-artifacts.s3.eu-central-1.amazonaws.com/1592.4/acmelinux-1592.4-x86_64.qcow2",
            webDownload: true,
            visibility: "public",
            properties: { os_distro: "acmelinux", hw_firmware_type: "uefi", architecture: "x86_64", hw_architecture: "x86_64", os_version: "1592.4" },
            minDiskGb: 8,
            tags: ["acmelinux", "lts"],
            hidden: false,
        });
    });

    it("with a sha256, has the provider download the artifact and fail the image when Glance stored other bytes", async () => {
        const pinned = release();
        pinned.artifacts.openstack.x86_64 = { ...pinned.artifacts.openstack.x86_64!, sha256: "ab".repeat(32) };
        const run = await publish({ release: pinned });

        const images = ofType(run, imageType);
        assert.strictEqual(images.length, 3);
        for (const image of images) {
            assert.strictEqual(image.inputs.webDownload, false, image.name);
            assert.strictEqual(image.inputs.verifyChecksum, true, image.name);
            assert.strictEqual(image.inputs.imageSourceUrl, pinned.artifacts.openstack.x86_64!.uri);
        }
        const unpinned = ofType(await publish(), imageType);
        assert.strictEqual(unpinned.length, 3);
        assert.ok(unpinned.every((i) => i.inputs.webDownload === true && i.inputs.verifyChecksum === undefined));
    });

    it("gives each image an hour to be created, so that a stalled import fails instead of waiting for ever", async () => {
        const timeouts: [string, unknown][] = [];
        await runMocked(() => {
            const clouds = new OpenStackClouds("openstack", { target: target(), secrets });
            new OpenStackImage("acmelinux-1592-4-x86_64-openstack", {
                release: release(), architecture: "x86_64", target: target(), product: "acmelinux",
                imageName: "acmelinux-1592.4-x86_64", environment: "prod", clouds,
            }, {
                transformations: [(a) => {
                    if (a.type === imageType) {
                        timeouts.push([a.name, a.opts.customTimeouts]);
                    }
                    return undefined;
                }],
            });
            return {};
        });
        assert.deepStrictEqual(timeouts, [
            ["acmelinux-1592-4-x86_64-openstack-northcloud-north-1", { create: "1h" }],
            ["acmelinux-1592-4-x86_64-openstack-northcloud-north-2", { create: "1h" }],
            ["acmelinux-1592-4-x86_64-openstack-southcloud-RegionOne", { create: "1h" }],
        ]);
    });

    it("names arm64 aarch64 as Glance and Nova do, and imports a .img artifact as raw", async () => {
        const run = await publish({ architecture: "arm64" });

        for (const image of ofType(run, imageType)) {
            assert.strictEqual(image.inputs.diskFormat, "raw");
            assert.deepStrictEqual(
                [(image.inputs.properties as Record<string, string>).architecture, (image.inputs.properties as Record<string, string>).hw_architecture],
                ["aarch64", "aarch64"],
            );
        }
    });

    it("reads the disk format from the artifact's extension and refuses one Glance cannot take", () => {
        assert.deepStrictEqual(["a.qcow2", "a.vmdk", "a.raw", "a.img"].map((f) => glanceDiskFormat(`https://host/${f}?sig=1`)), ["qcow2", "vmdk", "raw", "raw"]);
        assert.throws(() => glanceDiskFormat("https://host/a.vhd"), /OpenStack cannot import https:\/\/host\/a\.vhd/);
    });

    it("never makes an image public or community in dev, whatever config says", async () => {
        for (const visibility of ["public", "community", "shared"]) {
            const run = await publish({ environment: "dev", target: target({ visibility }) });

            assert.deepStrictEqual(ofType(run, imageType).map((i) => i.inputs.visibility), ["private", "private", "private"], visibility);
        }
    });

    it("uses the configured visibility in prod", async () => {
        const run = await publish({ environment: "prod", target: target({ visibility: "community" }) });

        assert.deepStrictEqual(ofType(run, imageType).map((i) => i.inputs.visibility), ["community", "community", "community"]);
    });

    it("hides a release's images from image lists (os_hidden) once its deprecation date has passed", async () => {
        const run = await publish({ release: release({ deprecation: { time: "2027-03-31T00:00:00Z", date: "2027-03-31", passed: true } }) });

        assert.deepStrictEqual(ofType(run, imageType).map((i) => i.inputs.hidden), [true, true, true]);
    });

    it("keeps a release's images listed until its deprecation date", async () => {
        const run = await publish({ release: release({ deprecation: { time: "2027-03-31T00:00:00Z", date: "2027-03-31", passed: false } }) });

        assert.deepStrictEqual(ofType(run, imageType).map((i) => i.inputs.hidden), [false, false, false]);
    });

    it("protects the images in prod and not in dev", async () => {
        const prod = await publish({ environment: "prod" });
        const dev = await publish({ environment: "dev" });

        assert.deepStrictEqual(ofType(prod, imageType).map((i) => i.options.protect), [true, true, true]);
        assert.deepStrictEqual(ofType(dev, imageType).map((i) => i.options.protect), [undefined, undefined, undefined]);
    });

    it("outputs the image ID of each cloud and region, keyed <cloud>/<region>", async () => {
        const run = await publish();

        assert.deepStrictEqual(Object.keys(run.outputs.ids), ["northcloud/north-1", "northcloud/north-2", "southcloud/RegionOne"]);
        assert.strictEqual(new Set(Object.values(run.outputs.ids)).size, 3);
    });

    it("refuses a release without an OpenStack artifact for the architecture", async () => {
        const missing = release();
        delete missing.artifacts.openstack.arm64;

        await assert.rejects(publish({ release: missing, architecture: "arm64" }), /release 1592\.4 has no OpenStack artifact for arm64/);
    });
});

describe("OpenStackClouds", () => {
    it("makes one provider per cloud and region, named <name>-<cloud>-<region>", async () => {
        const run = await publish();

        assert.deepStrictEqual(ofType(run, providerType).map((p) => [p.name, p.inputs.region, p.inputs.authUrl]), [
            ["openstack-northcloud-north-1", "north-1", "https://identity.northcloud.example.net:5000/v3"],
            ["openstack-northcloud-north-2", "north-2", "https://identity.northcloud.example.net:5000/v3"],
            ["openstack-southcloud-RegionOne", "RegionOne", "https://keystone.southcloud.example.com/v3"],
        ]);
        assert.deepStrictEqual(run.outputs.locations, [
            { cloud: "northcloud", region: "north-1" }, { cloud: "northcloud", region: "north-2" }, { cloud: "southcloud", region: "RegionOne" },
        ]);
    });

    it("signs in with user, password, project and domains, or with an application credential", async () => {
        const run = await publish();

        const north = named(run, "openstack-northcloud-north-1").inputs;
        assert.deepStrictEqual(
            [north.userName, north.password, north.tenantName, north.userDomainName, north.projectDomainName, north.applicationCredentialId],
            ["image-publisher", "[secret]", "public-images", "Users", "Default", undefined],
        );
        const south = named(run, "openstack-southcloud-RegionOne").inputs;
        assert.deepStrictEqual(
            [south.applicationCredentialId, south.applicationCredentialSecret, south.userName, south.password],
            ["0b1f9a6c2d3e4f5a6b7c8d9e0f1a2b3c", "[secret]", undefined, undefined],
        );
    });

    it("keeps passwords and application credential secrets out of every input and output", async () => {
        const run = await publish();

        const everything = JSON.stringify(run);
        assert.ok(!everything.includes(password), "the password shows");
        assert.ok(!everything.includes(applicationCredentialSecret), "the application credential secret shows");
    });

    it("refuses a cloud whose secret is missing", async () => {
        await assert.rejects(runMocked(() => {
            new OpenStackClouds("openstack", { target: target(), secrets: { northcloud: { password } } });
            return {};
        }), /OpenStack cloud southcloud has no applicationCredentialSecret/);
    });

    it("refuses to hand out a provider for a cloud or region it does not have", async () => {
        await runMocked(() => {
            const clouds = new OpenStackClouds("openstack", { target: target(), secrets });
            assert.throws(() => clouds.providerFor("southcloud", "north-1"), /no OpenStack provider for southcloud\/north-1/);
            return {};
        });
    });
});
