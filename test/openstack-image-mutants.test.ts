import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { OpenStackClouds } from "../components/openstack/clouds";
import { OpenStackImage } from "../components/openstack/image";
import { OpenStackPublisher } from "../components/openstack/publisher";
import { glanceDiskFormat } from "../components/openstack/disk-format";
import { openstackSchema } from "../components/config/schema";
import { OpenStackTarget, Release, Secrets, StackConfig } from "../components/config/model";
import { recordingComponentOutputs } from "./helpers/component-outputs";
import { releaseIn } from "./helpers/release";
import { named, ofType, runMocked } from "./mocks";

const providerType = "pulumi:providers:openstack";
const secrets: Secrets["openstack"] = { northcloud: { password: "north-password" }, southcloud: { applicationCredentialSecret: "south-secret" } };

function release(): Release {
    return releaseIn("openstack", "1592.4", { x86_64: { uri: "https://artifacts.example.org/1592.4/acmelinux-1592.4-x86_64.qcow2" } });
}

function target(northcloud: Record<string, unknown> = {}): OpenStackTarget {
    return openstackSchema.parse({
        enabled: true,
        visibility: "public",
        clouds: [
            { name: "northcloud", authUrl: "https://identity.northcloud.example.net:5000/v3", regions: ["north-1", "north-2"], userName: "image-publisher", projectName: "images", ...northcloud },
            { name: "southcloud", authUrl: "https://keystone.southcloud.example.com/v3", regions: ["RegionOne"], applicationCredentialId: "0b1f9a6c2d3e4f5a" },
        ],
    });
}

describe("OpenStackClouds (registration)", () => {
    it("makes its providers its children and registers its locations as the component's outputs", async () => {
        const run = await recordingComponentOutputs((registered) => runMocked(() => {
            new OpenStackClouds("openstack", { target: target(), secrets });
            return { registered: registered.get("openstack") };
        }));
        assert.deepStrictEqual(ofType(run, providerType).map((p) => [p.name, p.parent]), [
            ["openstack-northcloud-north-1", "openstack"], ["openstack-northcloud-north-2", "openstack"], ["openstack-southcloud-RegionOne", "openstack"],
        ]);
        assert.deepStrictEqual(run.outputs.registered, {
            locations: [{ cloud: "northcloud", region: "north-1" }, { cloud: "northcloud", region: "north-2" }, { cloud: "southcloud", region: "RegionOne" }],
        });
    });

    it("names the missing user name or password of a cloud that signs in with a password", async () => {
        const advice = "config validation requires userName with secrets.openstack.northcloud.password, or applicationCredentialId with secrets.openstack.northcloud.applicationCredentialSecret";
        await assert.rejects(runMocked(() => {
            new OpenStackClouds("openstack", { target: target({ userName: undefined }), secrets });
            return {};
        }), { message: `OpenStack cloud northcloud has no userName; ${advice}` });
        await assert.rejects(runMocked(() => {
            new OpenStackClouds("openstack", { target: target(), secrets: { southcloud: secrets.southcloud } });
            return {};
        }), { message: `OpenStack cloud northcloud has no password; ${advice}` });
    });

    it("lists the clouds and regions it has when asked for a provider it does not have", async () => {
        await runMocked(() => {
            const clouds = new OpenStackClouds("openstack", { target: target(), secrets });
            assert.throws(() => clouds.providerFor("southcloud", "north-1"),
                { message: "no OpenStack provider for southcloud/north-1; the stack has: northcloud/north-1, northcloud/north-2, southcloud/RegionOne" });
            return {};
        });
    });

    it("names the extensions Glance can take when it refuses an artifact", () => {
        assert.throws(() => glanceDiskFormat("https://artifacts.example.org/acmelinux.vhd"),
            { message: "OpenStack cannot import https://artifacts.example.org/acmelinux.vhd: allowed extensions are .qcow2, .vmdk, .raw, .img" });
    });
});

describe("OpenStackImage (registration)", () => {
    it("registers its image IDs, keyed <cloud>/<region>, as the component's outputs", async () => {
        const run = await recordingComponentOutputs((registered) => runMocked(() => {
            const clouds = new OpenStackClouds("openstack", { target: target(), secrets });
            const image = new OpenStackImage("acmelinux-1592-4-x86_64-openstack", {
                release: release(), architecture: "x86_64", target: target(), product: "acmelinux", imageName: "acmelinux-1592.4-x86_64", environment: "dev", clouds,
            });
            return { ids: image.imageIds, registered: registered.get("acmelinux-1592-4-x86_64-openstack") as { imageIds: unknown } | undefined };
        }));
        assert.deepStrictEqual(Object.keys(run.outputs.ids), ["northcloud/north-1", "northcloud/north-2", "southcloud/RegionOne"]);
        assert.deepStrictEqual(run.outputs.registered, { imageIds: run.outputs.ids });
    });
});

describe("OpenStackPublisher", () => {
    it("refuses to register an image before setUp has made the providers", () => {
        const publisher = new OpenStackPublisher({} as StackConfig);
        assert.strictEqual(publisher.cloud, "openstack");
        assert.throws(() => publisher.image("release-1.0-openstack-x86_64", { release: release(), architecture: "x86_64", imageName: "x" }, undefined as unknown as pulumi.Resource),
            { message: "OpenStackPublisher.image before setUp" });
    });

    it("makes the providers once in setUp with the stack's secrets, then each image under the given parent with the stack's environment", async () => {
        const config = { product: { name: "acmelinux" }, environment: "prod", openstack: target(), secrets: { openstack: secrets } } as unknown as StackConfig;
        const run = await runMocked(() => {
            const publisher = new OpenStackPublisher(config);
            publisher.setUp();
            const parent = new pulumi.ComponentResource("test:index:Release", "release-1592.4");
            const image = publisher.image("release-1592.4-openstack-x86_64", { release: release(), architecture: "x86_64", imageName: "acmelinux-1592.4-x86_64" }, parent);
            return { ids: image.imageIds };
        }, { stack: "prod" });

        assert.deepStrictEqual(ofType(run, "image-publisher:openstack:Clouds").map((r) => r.name), ["openstack"]);
        assert.strictEqual(named(run, "openstack-northcloud-north-1").inputs.password, "[secret]");
        assert.strictEqual(named(run, "release-1592.4-openstack-x86_64").parent, "release-1592.4");
        const glance = named(run, "release-1592.4-openstack-x86_64-northcloud-north-1");
        assert.strictEqual(glance.provider, "openstack-northcloud-north-1");
        assert.strictEqual(glance.inputs.visibility, "public");
        assert.strictEqual(glance.options.protect, true);
        assert.deepStrictEqual(Object.keys(run.outputs.ids), ["northcloud/north-1", "northcloud/north-2", "southcloud/RegionOne"]);
    });
});
