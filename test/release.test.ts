import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { validateConfig } from "../components/config";
import { CloudPublisher, ImageRequest } from "../components/publisher";
import { Release } from "../components/release";
import { publish } from "../stacks/program";
import { committedStackRun, sharedRun } from "./helpers/shared-runs";
import { baseConfig, copy } from "./fixtures/config";
import { defaultFixtures, named, ofType, runMocked } from "./mocks";

const MARKETPLACE = "pulumi-nodejs:dynamic/aws:MarketplaceVersion";

/** A config with every cloud switched on, two releases, the older one deprecated. */
function everyCloud(environment: "dev" | "prod" = "prod"): Record<string, any> {
    const c = baseConfig(environment);
    const artifacts = {
        aws: "s3://artifacts/{version}/{product}-{arch}.raw",
        gcp: "gs://artifacts/{version}/{product}-{arch}-gcpimage.tar.gz",
        alicloud: "oss://artifacts/{version}/{product}-{arch}.qcow2",
        openstack: "https://artifacts.example.org/{version}/{product}-{arch}.qcow2",
        azure: "https://artifacts.example.org/{version}/{product}-{arch}.vhd",
    };
    c.releases = [
        { version: "1.0", artifacts, deprecated: "2027-01-31" },
        { version: "1.1", artifacts },
    ];
    c.aws.marketplace = {
        enabled: true,
        accessRoleArn: "arn:aws:iam::123456789012:role/ingest",
        products: { "1": { x86_64: "prod-x86", arm64: "prod-arm" } },
        devProductId: "prod-dev",
    };
    c.gcp = { enabled: true, project: "test-images", sharing: { public: environment === "prod" } };
    c.alicloud = { enabled: true, sourceRegion: "eu-central-1", regions: ["eu-central-1", "us-east-1"], sharing: { public: environment === "prod" } };
    c.openstack = {
        enabled: true, visibility: environment === "prod" ? "public" : "private",
        clouds: [{ name: "lab", authUrl: "https://keystone.example.org/v3", regions: ["RegionOne"], userName: "u" }],
    };
    c.azure = {
        enabled: true, subscriptionId: "00000000-1111-2222-3333-444444444444", resourceGroup: { name: "rg" }, storageAccount: { name: "images" },
        gallery: { name: "g", publicNamePrefix: "testlinux", publisherContact: "images@example.org", publisherUri: "https://example.org" },
        image: { publisher: "acme", offer: "testlinux" }, regions: [{ name: "westeurope" }, { name: "eastus", replicaCount: 2 }],
        sharing: { community: environment === "prod" },
        marketplace: {
            enabled: true, offerId: "testlinux", devOfferId: "testlinux-test", planId: "gen2", publish: environment === "prod",
            tenantId: "00000000-0000-0000-0000-000000000001", clientId: "00000000-0000-0000-0000-000000000002",
        },
    };
    c.secrets = { openstack: { lab: { password: "s3cr3t-pa55" } }, partnerCenterClientSecret: "pc-s3cr3t-value" };
    return c;
}

/** The prod run of {@link everyCloud}, which several tests read; made once (see helpers/shared-runs). */
/** The clock of the shared run: after release 1.0's deprecation date (2027-01-31). */
const AFTER_1_0_DEPRECATION = new Date("2027-02-01T00:00:00Z");

function everyCloudProdRun() {
    return sharedRun("release-every-cloud-prod", () => runMocked(() => publish({ now: AFTER_1_0_DEPRECATION }), { stack: "prod", config: everyCloud(), secretKeys: ["image-publisher:secrets"] }));
}

/** isPublic of each AliCloud community share whose name starts with `prefix`. */
function isPublicByName(shares: { name: string; inputs: Record<string, unknown> }[], prefix: string): unknown[] {
    return shares.filter((s) => s.name.startsWith(prefix)).map((s) => s.inputs.isPublic);
}

describe("Release", () => {
    it("publishes every enabled cloud and architecture, and exports {version: {cloud: {arch: {region: id}}}}", async () => {
        const run = await everyCloudProdRun();
        const images = run.outputs.images as any;
        assert.deepStrictEqual(Object.keys(images).sort(), ["1.0", "1.1"]);
        for (const version of ["1.0", "1.1"]) {
            assert.deepStrictEqual(Object.keys(images[version]).sort(), ["alicloud", "aws", "azure", "gcp", "openstack"]);
            for (const cloud of Object.keys(images[version])) {
                assert.deepStrictEqual(Object.keys(images[version][cloud]).sort(), ["arm64", "x86_64"]);
            }
            assert.deepStrictEqual(Object.keys(images[version].aws.x86_64).sort(), ["eu-central-1", "eu-west-1", "us-east-1"]);
            assert.deepStrictEqual(Object.keys(images[version].gcp.arm64), ["global"]);
            assert.deepStrictEqual(Object.keys(images[version].alicloud.arm64).sort(), ["eu-central-1", "us-east-1"]);
            assert.deepStrictEqual(Object.keys(images[version].openstack.x86_64), ["lab/RegionOne"]);
            assert.deepStrictEqual(Object.keys(images[version].azure.arm64).sort(), ["eastus", "westeurope"]);
            assert.match((run.outputs.community as any)[version].azure.x86_64, /^\/CommunityGalleries\/[^/]+\/Images\/[^/]+\/Versions\/1\.[01]\.0$/);
        }
    });

    it("registers nothing for a cloud that is switched off", async () => {
        const c = everyCloud();
        c.gcp.enabled = false;
        c.openstack.enabled = false;
        const run = await runMocked(() => publish(), { stack: "prod", config: c, secretKeys: ["image-publisher:secrets"] });
        assert.ok(!run.resources.some((r) => r.type.startsWith("gcp:") || r.type.startsWith("openstack:") || r.type.includes(":gcp:") || r.type.includes(":openstack:")));
        assert.deepStrictEqual(Object.keys((run.outputs.images as any)["1.1"]).sort(), ["alicloud", "aws", "azure"]);
    });

    it("deprecates a release in every cloud once its date has passed: AWS deprecation, Azure end of life, GCP DEPRECATED, both marketplaces, AliCloud private, OpenStack hidden", async () => {
        const run = await everyCloudProdRun();
        const awsDeprecations = ofType(run, "pulumi-nodejs:dynamic/aws:ImageDeprecation");
        assert.strictEqual(awsDeprecations.length, 6, "2 AMIs and 4 copies of release 1.0");
        assert.ok(awsDeprecations.every((d) => d.name.startsWith("release-1.0-") && d.inputs.date === "2027-01-31"));
        const deprecation = named(run, "release-1.0-gcp-arm64-deprecation");
        assert.strictEqual(deprecation.type, "pulumi-nodejs:dynamic/gcp:ImageDeprecation");
        assert.strictEqual(deprecation.inputs.replacement, "https://www.googleapis.com/compute/v1/projects/test-images/global/images/testlinux-1-1-arm64");
        assert.ok(!run.resources.some((r) => r.name === "release-1.1-gcp-arm64-deprecation"));
        assert.strictEqual(named(run, "release-1.0-aws-arm64-marketplace").inputs.deprecated, true);
        assert.strictEqual(named(run, "release-1.1-aws-arm64-marketplace").inputs.deprecated, false);
        const shares = ofType(run, "pulumi-nodejs:dynamic/alicloud:CommunityShare");
        assert.deepStrictEqual(isPublicByName(shares, "release-1.0"), [false, false, false, false]);
        assert.deepStrictEqual(isPublicByName(shares, "release-1.1"), [true, true, true, true]);
        const glance = ofType(run, "openstack:images/image:Image");
        assert.deepStrictEqual(glance.filter((g) => g.name.startsWith("release-1.0")).map((g) => g.inputs.hidden), [true, true]);
        assert.deepStrictEqual(glance.filter((g) => g.name.startsWith("release-1.1")).map((g) => g.inputs.hidden === true), [false, false]);
        assert.deepStrictEqual(run.outputs.deprecated, { "1.0": "2027-01-31" });
        const versions = ofType(run, "azure-native:compute:GalleryImageVersion");
        const old = versions.filter((v) => v.name.startsWith("release-1.0"));
        assert.ok(old.length > 0 && old.every((v) => (v.inputs.publishingProfile as any).excludeFromLatest === true
            && (v.inputs.publishingProfile as any).endOfLifeDate === undefined));
        const current = versions.filter((v) => v.name.startsWith("release-1.1"));
        assert.strictEqual(current.length, 2);
        assert.ok(current.every((v) => (v.inputs.publishingProfile as any).excludeFromLatest !== true));
        assert.strictEqual(named(run, "release-1.0-azure-marketplace-plan-version").inputs.deprecated, true);
        assert.strictEqual((run.outputs.marketplace as any)["1.0"].azure.x86_64.state, "deprecated");
        assert.strictEqual((run.outputs.marketplace as any)["1.1"].azure.arm64.state, "live");
    });

    /** A GCP-only prod stack of 1.0 (deprecated 2027-01-31), 1.1, and 1.2 (deprecated 2027-02-28). */
    const gcpReleasesDated = () => {
        const c = baseConfig("prod");
        c.aws.enabled = false;
        const artifacts = { gcp: "gs://artifacts/{version}/{product}-{arch}-gcpimage.tar.gz" };
        c.releases = [
            { version: "1.0", artifacts, deprecated: "2027-01-31" },
            { version: "1.1", artifacts },
            { version: "1.2", artifacts, deprecated: "2027-02-28" },
        ];
        c.gcp = { enabled: true, project: "test-images", sharing: { public: true } };
        return c;
    };

    it("gives a deprecated GCP image the newest live release as replacement, never a newer deprecated one", async () => {
        const c = gcpReleasesDated();
        const run = await runMocked(() => publish({ now: new Date("2027-03-01T00:00:00Z") }), { stack: "prod", config: c });
        assert.strictEqual(named(run, "release-1.0-gcp-x86_64-deprecation").inputs.replacement,
            "https://www.googleapis.com/compute/v1/projects/test-images/global/images/testlinux-1-1-x86-64");
        assert.strictEqual(named(run, "release-1.2-gcp-x86_64-deprecation").inputs.replacement, undefined);
    });

    it("takes as GCP replacement the newest release not deprecated as of the clock, even one dated for later", async () => {
        const c = gcpReleasesDated();
        const run = await runMocked(() => publish({ now: new Date("2027-02-01T00:00:00Z") }), { stack: "prod", config: c });
        assert.strictEqual(named(run, "release-1.0-gcp-x86_64-deprecation").inputs.replacement,
            "https://www.googleapis.com/compute/v1/projects/test-images/global/images/testlinux-1-2-x86-64");
        assert.ok(!run.resources.some((r) => r.name.startsWith("release-1.2-") && r.name.endsWith("-deprecation")), "1.2 is not deprecated before its date");
    });

    it("lets one Partner Center update wait for the previous release's", async () => {
        const run = await everyCloudProdRun();
        assert.ok(named(run, "release-1.1-azure-marketplace").dependsOn.includes("release-1.0-azure-marketplace"));
    });

    it("keeps the OpenStack passwords and the Partner Center secret out of every output and shows them as [secret] in inputs", async () => {
        const run = await everyCloudProdRun();
        assert.ok(!JSON.stringify(run).includes("s3cr3t-pa55"));
        assert.ok(!JSON.stringify(run).includes("pc-s3cr3t-value"));
        assert.strictEqual(named(run, "release-1.1-azure-marketplace-plan-version").inputs.clientSecret, "[secret]");
        const provider = ofType(run, "pulumi:providers:openstack")[0];
        assert.strictEqual(provider.inputs.password, "[secret]");
    });
});

describe("AWS Marketplace in the stack", () => {
    it("adds one marketplace version per release and architecture that has a product, from the us-east-1 AMI", async () => {
        const run = await everyCloudProdRun();
        const versions = ofType(run, MARKETPLACE);
        assert.strictEqual(versions.length, 4);
        const v = named(run, "release-1.1-aws-arm64-marketplace");
        assert.strictEqual(v.inputs.productId, "prod-arm");
        // The Catalog API runs in us-east-1 and takes an AMI of that region: the copy, not the eu-central-1 source.
        assert.strictEqual(v.inputs.amiId, (run.outputs.images as any)["1.1"].aws.arm64["us-east-1"]);
        assert.deepStrictEqual(v.dependsOn.filter((d) => d.startsWith("release-1.1-aws-arm64-")), ["release-1.1-aws-arm64-us-east-1"]);
        assert.strictEqual(v.inputs.architecture, "arm64");
        assert.strictEqual(v.inputs.versionTitle, "1.1");
        assert.strictEqual(v.options.protect, true);
        assert.deepStrictEqual((run.outputs.marketplace as any)["1.1"].aws.arm64.productId, "prod-arm");
    });

    it("skips a release that says it is not listed on AWS Marketplace", async () => {
        const c = everyCloud();
        c.releases.push({ ...copy(c.releases[1]), version: "2.0", awsMarketplace: false });
        const fixtures = { ...defaultFixtures(), awsPublicAmiQuota: 10 }; // three releases public: a raised quota
        const run = await runMocked(() => publish(), { stack: "prod", config: c, secretKeys: ["image-publisher:secrets"], fixtures });
        assert.ok(!ofType(run, MARKETPLACE).some((r) => r.name.startsWith("release-2.0")));
        assert.strictEqual(ofType(run, MARKETPLACE).length, 4);
        assert.strictEqual((run.outputs.marketplace as any)["2.0"]?.aws, undefined);
    });

    it("uses only the dev/test product in a dev stack", async () => {
        const run = await runMocked(() => publish(), { stack: "dev", config: everyCloud("dev"), secretKeys: ["image-publisher:secrets"] });
        const versions = ofType(run, MARKETPLACE);
        assert.strictEqual(versions.length, 4);
        assert.ok(versions.every((v) => v.inputs.productId === "prod-dev"));
        assert.ok(versions.every((v) => v.options.protect === undefined));
    });

    it("shows only the dev product in the dev plan and one version per (release, arch) in the prod plan", async () => {
        const plans = [await committedStackRun("dev"), await committedStackRun("prod")]; // one at a time: the mock runtime is global
        const [dev, prod] = plans.map((p) => ofType(p, MARKETPLACE));
        assert.ok(dev.length > 0 && dev.every((v) => v.inputs.productId === "prod-devtest0000001"));
        assert.strictEqual(prod.length, 4);
        assert.strictEqual(new Set(prod.map((v) => v.inputs.productId)).size, 4);
    });
});

describe("Release (the component) with a recording publisher", () => {
    /** A publisher for AWS that registers nothing and records what each image was asked for. */
    function recordingPublisher(requests: ImageRequest[], names: string[] = []): CloudPublisher {
        return {
            cloud: "aws",
            preflight: async () => undefined,
            setUp: () => undefined,
            image: (name, request) => {
                requests.push(request);
                names.push(name);
                return { imageIds: pulumi.output<Record<string, string>>({ "us-east-1": `ami-${request.variant?.name ?? "none"}-${request.architecture}` }) };
            },
        };
    }

    /** The base prod config (x86_64 and arm64) validated with two variants. */
    function withVariants() {
        const c = baseConfig("prod");
        c.naming.image = "{product}-{version}-{variant}-{arch}";
        c.variants = [{ name: "plain" }, { name: "tpm" }];
        return validateConfig(c);
    }

    it("names each image after the release, cloud, variant and architecture, and gives a variant without artifacts of its own the release's artifacts", async () => {
        const { config, releases } = withVariants();
        const { variantArtifacts, ...release } = releases[0];
        assert.ok(variantArtifacts, "validation renders artifacts per variant");
        const requests: ImageRequest[] = [];
        const names: string[] = [];
        await runMocked(() => {
            new Release("r", { release, config, publishers: [recordingPublisher(requests, names)] });
        }, { stack: "prod" });
        assert.deepStrictEqual(names, ["r-aws-plain-x86_64", "r-aws-plain-arm64", "r-aws-tpm-x86_64", "r-aws-tpm-arm64"]);
        assert.ok(requests.length > 0);
        assert.deepStrictEqual([...new Set(requests.map((r) => r.variant?.name))], ["plain", "tpm"]);
        for (const request of requests) {
            assert.deepStrictEqual(request.release.artifacts, release.artifacts);
        }
    });

    it("registers its images, marketplace listings and community IDs as the component's outputs", async () => {
        const { config, releases } = withVariants();
        // What the component tells the engine its outputs are (the state's outputs of the component).
        const runtime = require("@pulumi/pulumi/runtime/resource") as { registerResourceOutputs: (res: pulumi.Resource, outputs: pulumi.Inputs) => void };
        const original = runtime.registerResourceOutputs;
        const registered: Record<string, unknown>[] = [];
        runtime.registerResourceOutputs = (res, outputs) => {
            if (res instanceof Release) {
                registered.push(outputs as Record<string, unknown>);
            }
            original(res, outputs);
        };
        try {
            await runMocked(() => {
                new Release("r", { release: releases[0], config, publishers: [recordingPublisher([])] });
            }, { stack: "prod" });
        } finally {
            runtime.registerResourceOutputs = original;
        }
        assert.strictEqual(registered.length, 1);
        assert.deepStrictEqual(Object.keys(registered[0]).sort(), ["community", "images", "marketplace"]);
        const value = (key: string) => new Promise((resolve) => (registered[0][key] as pulumi.Output<unknown>).apply(resolve));
        // The recording publisher lists nothing and shares nothing with a community.
        assert.deepStrictEqual(await value("marketplace"), {});
        assert.deepStrictEqual(await value("community"), {});
        const images = await value("images");
        assert.deepStrictEqual(images, {
            aws: {
                plain: { x86_64: { "us-east-1": "ami-plain-x86_64" }, arm64: { "us-east-1": "ami-plain-arm64" } },
                tpm: { x86_64: { "us-east-1": "ami-tpm-x86_64" }, arm64: { "us-east-1": "ami-tpm-arm64" } },
            },
        });
    });
});
