import * as assert from "assert";
import { publish } from "../stacks/program";
import { validateConfig } from "../components/config";
import { AwsImage } from "../components/aws/image";
import { ProgramError } from "../tools/mocks";
import { diffPlans } from "../tools/plan-diff";
import { PlanResource } from "../tools/plan-run";
import { baseConfig } from "./fixtures/config";
import { RecordedResource, defaultFixtures, named, ofType, runMocked } from "./mocks";
import { committedStackRun } from "./helpers/shared-runs";

const AMI = "aws:ec2/ami:Ami";
const COPY = "aws:ec2/amiCopy:AmiCopy";
const DEPRECATION = "pulumi-nodejs:dynamic/aws:ImageDeprecation";
const GRANT = "aws:ec2/amiLaunchPermission:AmiLaunchPermission";
const SNAPSHOT = "aws:ebs/snapshotImport:SnapshotImport";

function prod() {
    return baseConfig("prod");
}

describe("AwsImage", () => {
    it("copies the AMI to every configured region other than the source, once per architecture", async () => {
        const run = await runMocked(() => publish(), { stack: "prod", config: prod() });
        const copies = ofType(run, COPY);
        assert.strictEqual(copies.length, 2 * 2);
        for (const arch of ["x86_64", "arm64"]) {
            const ami = named(run, `release-1.0-aws-${arch}-ami`);
            const amiId = (run.outputs.images as any)["1.0"].aws[arch]["eu-central-1"];
            const mine = copies.filter((c) => c.parent === `release-1.0-aws-${arch}`);
            assert.deepStrictEqual(mine.map((c) => c.inputs.region).sort(), ["eu-west-1", "us-east-1"]);
            for (const copy of mine) {
                assert.strictEqual(copy.inputs.sourceAmiId, amiId);
                assert.strictEqual(copy.inputs.sourceAmiRegion, "eu-central-1");
                assert.deepStrictEqual(copy.dependsOn, [ami.name]);
            }
        }
    });

    it("grants one launch permission per region per grant, the source region included", async () => {
        const run = await runMocked(() => publish(), { stack: "prod", config: prod() });
        const grants = ofType(run, GRANT);
        assert.strictEqual(grants.length, 2 /* arch */ * 3 /* regions */ * 2 /* public + account */);
        for (const region of ["eu-central-1", "eu-west-1", "us-east-1"]) {
            const here = grants.filter((g) => g.inputs.region === region);
            assert.strictEqual(here.filter((g) => g.inputs.group === "all").length, 2);
            assert.strictEqual(here.filter((g) => g.inputs.accountId === "123456789012").length, 2);
        }
        const images = (run.outputs.images as any)["1.0"].aws;
        for (const g of grants) {
            const arch = g.parent!.endsWith("arm64") ? "arm64" : "x86_64";
            assert.strictEqual(g.inputs.imageId, images[arch][g.inputs.region as string]);
        }
    });

    it("shares with organisations and OUs, and lets accounts create volumes when asked", async () => {
        const c = prod();
        c.aws.sharing.organizations = ["arn:aws:organizations::123456789012:organization/o-abcdefghij"];
        c.aws.sharing.organizationalUnits = ["arn:aws:organizations::123456789012:ou/o-abcdefghij/ou-ab12-cdefghij"];
        c.aws.sharing.snapshotVolumePermission = true;
        const run = await runMocked(() => publish(), { stack: "prod", config: c });
        const grants = ofType(run, GRANT);
        assert.strictEqual(grants.filter((g) => g.inputs.organizationArn).length, 6);
        assert.strictEqual(grants.filter((g) => g.inputs.organizationalUnitArn).length, 6);
        const volumes = ofType(run, "aws:ec2/snapshotCreateVolumePermission:SnapshotCreateVolumePermission");
        assert.strictEqual(volumes.length, 6);
        assert.ok(volumes.every((v) => v.inputs.accountId === "123456789012"));
    });

    it("imports the artifact as an unencrypted RAW snapshot from the right bucket and key, with the vmimport role", async () => {
        const run = await runMocked(() => publish(), { stack: "prod", config: prod() });
        const snapshot = named(run, "release-1.0-aws-arm64-snapshot");
        assert.deepStrictEqual(snapshot.inputs.diskContainer, {
            format: "RAW",
            userBucket: { s3Bucket: "artifacts", s3Key: "1.0/testlinux-1.0-arm64.raw" },
        });
        assert.strictEqual(snapshot.inputs.encrypted, false);
        assert.strictEqual(snapshot.inputs.roleName, "vmimport");
        assert.strictEqual(snapshot.inputs.region, "eu-central-1");
        assert.strictEqual((snapshot.inputs.tags as Record<string, string>).Version, "1.0");
    });

    it("imports a VHD artifact as VHD", async () => {
        const c = prod();
        c.releases[0].artifacts.aws = "s3://artifacts/{arch}.vhd";
        const run = await runMocked(() => publish(), { stack: "prod", config: c });
        assert.deepStrictEqual(ofType(run, SNAPSHOT).map((s) => (s.inputs.diskContainer as any).format), ["VHD", "VHD"]);
    });

    it("uploads a local file to the upload bucket first", async () => {
        const c = prod();
        c.aws.uploadBucket = "uploads";
        c.releases[0].artifacts.aws = "file:///out/{product}-{arch}.raw";
        const run = await runMocked(() => publish(), { stack: "prod", config: c });
        const upload = named(run, "release-1.0-aws-x86_64-upload");
        assert.strictEqual(upload.type, "aws:s3/bucketObjectv2:BucketObjectv2");
        assert.strictEqual(upload.inputs.bucket, "uploads");
        assert.strictEqual(upload.inputs.source, "[file /out/testlinux-x86_64.raw]");
        const snapshot = named(run, "release-1.0-aws-x86_64-snapshot");
        assert.deepStrictEqual(snapshot.dependsOn, ["release-1.0-aws-x86_64-upload"]);
        assert.deepStrictEqual(snapshot.inputs.diskContainer, { format: "RAW", userBucket: { s3Bucket: "uploads", s3Key: "testlinux-1.0-x86_64.raw" } });
    });

    it("registers the AMI with its boot mode, IMDSv2, TPM, ENA, architecture and a gp3 root volume", async () => {
        const c = prod();
        c.aws.image = { bootMode: "uefi", tpmSupport: true, volumeSize: 12 };
        const run = await runMocked(() => publish(), { stack: "prod", config: c });
        const ami = named(run, "release-1.0-aws-arm64-ami");
        assert.strictEqual(ami.inputs.architecture, "arm64");
        assert.strictEqual(ami.inputs.bootMode, "uefi");
        assert.strictEqual(ami.inputs.imdsSupport, "v2.0");
        assert.strictEqual(ami.inputs.tpmSupport, "v2.0");
        assert.strictEqual(ami.inputs.enaSupport, true);
        assert.strictEqual(ami.inputs.sriovNetSupport, "simple");
        assert.strictEqual(ami.inputs.virtualizationType, "hvm");
        const snapshotId = (ami.inputs.ebsBlockDevices as any[])[0].snapshotId;
        assert.deepStrictEqual(ami.inputs.ebsBlockDevices, [{
            deviceName: "/dev/xvda", snapshotId, volumeType: "gp3", volumeSize: 12, deleteOnTermination: true,
        }]);
        assert.match(snapshotId, /^snap-/);
        assert.strictEqual(named(run, "release-1.0-aws-x86_64-ami").inputs.architecture, "x86_64");
    });

    it("gives every AMI a unique name within its region and every resource a unique name", async () => {
        const c = prod();
        c.releases.push({ ...c.releases[0], version: "1.1" });
        const run = await runMocked(() => publish(), { stack: "prod", config: c });
        const amis = [...ofType(run, AMI), ...ofType(run, COPY)];
        const perRegion = amis.map((a) => `${a.inputs.region}/${a.inputs.name}`);
        assert.strictEqual(new Set(perRegion).size, perRegion.length);
        assert.strictEqual(amis.length, 2 * 2 * 3);
        const names = run.resources.map((r) => `${r.type}::${r.name}`);
        assert.strictEqual(new Set(names).size, names.length);
    });

    it("never grants launch to everyone in dev, even when the component is asked to", async () => {
        const dev = baseConfig("dev");
        const run = await runMocked(() => publish(), { stack: "dev", config: dev });
        assert.ok(ofType(run, GRANT).length > 0);
        assert.ok(ofType(run, GRANT).every((g) => g.inputs.group === undefined));
        // Defence in depth: the component itself refuses, whatever config it is handed.
        const { config, releases } = validateConfig(baseConfig("prod"));
        const direct = await runMocked(() => new AwsImage("img", {
            release: releases[0], architecture: "x86_64", target: config.aws, product: "testlinux",
            imageName: "testlinux-1.0-x86_64", environment: "dev", regions: ["eu-central-1", "eu-west-1"],
        }).imageIds, { stack: "dev" });
        assert.strictEqual(ofType(direct, GRANT).filter((g) => g.inputs.group === "all").length, 0);
    });

    it("protects AMIs and copies in prod and not in dev", async () => {
        const prodRun = await runMocked(() => publish(), { stack: "prod", config: prod() });
        const published = [...ofType(prodRun, AMI), ...ofType(prodRun, COPY)];
        assert.ok(published.length > 0 && published.every((r) => r.options.protect === true));
        const devRun = await runMocked(() => publish(), { stack: "dev", config: baseConfig("dev") });
        const unprotected = [...ofType(devRun, AMI), ...ofType(devRun, COPY)];
        assert.ok(unprotected.length > 0 && unprotected.every((r) => r.options.protect === undefined));
    });

    it("deprecates the AMI and every copy through an aws:ImageDeprecation carrying the date only", async () => {
        const c = prod();
        c.releases[0].deprecated = "2027-06-30";
        const run = await runMocked(() => publish({ now: new Date("2026-11-22T10:00:00Z") }), { stack: "prod", config: c });
        const all = [...ofType(run, AMI), ...ofType(run, COPY)];
        assert.strictEqual(all.length, 6, "2 AMIs and 4 copies");
        const deprecations = ofType(run, DEPRECATION);
        assert.deepStrictEqual(deprecations.map((d) => d.name).sort(), [
            "release-1.0-aws-arm64-ami-deprecation", "release-1.0-aws-arm64-eu-west-1-deprecation", "release-1.0-aws-arm64-us-east-1-deprecation",
            "release-1.0-aws-x86_64-ami-deprecation", "release-1.0-aws-x86_64-eu-west-1-deprecation", "release-1.0-aws-x86_64-us-east-1-deprecation",
        ]);
        for (const d of deprecations) {
            assert.strictEqual(d.inputs.date, "2027-06-30", d.name);
            assert.strictEqual(d.inputs.deprecationTime, undefined, `${d.name}: the time is decided when the provider runs`);
        }
        const amiDeprecation = named(run, "release-1.0-aws-x86_64-ami-deprecation");
        assert.ok(amiDeprecation.dependsOn.includes("release-1.0-aws-x86_64-ami"), "it names the AMI");
        assert.strictEqual(amiDeprecation.inputs.region, "eu-central-1");
        const copyDeprecation = named(run, "release-1.0-aws-x86_64-us-east-1-deprecation");
        assert.ok(copyDeprecation.dependsOn.includes("release-1.0-aws-x86_64-us-east-1"), "it names the copy");
        assert.strictEqual(copyDeprecation.inputs.region, "us-east-1");
        assert.deepStrictEqual(run.outputs.deprecated, { "1.0": "2027-06-30" });
    });

    it("sends no deprecationTime on the AMI or a copy and always ignores it, so that AMIs deprecated by earlier versions keep theirs", async () => {
        for (const deprecated of [undefined, "2027-06-30", "2026-01-31"]) {
            const c = prod();
            c.releases[0].deprecated = deprecated;
            const run = await runMocked(() => publish({ now: new Date("2026-11-22T10:00:00Z") }), { stack: "prod", config: c });
            const all = [...ofType(run, AMI), ...ofType(run, COPY)];
            assert.strictEqual(all.length, 6);
            for (const image of all) {
                assert.strictEqual(image.inputs.deprecationTime, undefined, `${image.name} (${deprecated})`);
                assert.ok(image.options.ignoreChanges?.includes("deprecationTime"), `${image.name} (${deprecated})`);
            }
        }
    });

    it("registers no aws:ImageDeprecation for a release without a date", async () => {
        const run = await runMocked(() => publish(), { stack: "prod", config: prod() });
        assert.ok(ofType(run, AMI).length > 0);
        assert.deepStrictEqual(ofType(run, DEPRECATION), []);
    });

    it("resolves regions: all to the regions enabled for the account", async () => {
        const c = prod();
        c.aws.regions = "all";
        const run = await runMocked(() => publish(), { stack: "prod", config: c });
        const regions = Object.keys((run.outputs.images as any)["1.0"].aws.x86_64).sort();
        assert.deepStrictEqual(regions, defaultFixtures().awsEnabledRegions);
        assert.strictEqual(ofType(run, COPY).length, 2 * (regions.length - 1));
    });

    it("unblocks public AMIs once per region when asked, and makes the launch permissions wait for it", async () => {
        const c = prod();
        c.aws.sharing.unblockPublicAccess = true;
        const run = await runMocked(() => publish(), { stack: "prod", config: c });
        const settings = ofType(run, "aws:ec2/imageBlockPublicAccess:ImageBlockPublicAccess");
        assert.deepStrictEqual(settings.map((s) => s.inputs.region).sort(), ["eu-central-1", "eu-west-1", "us-east-1"]);
        assert.ok(settings.every((s) => s.inputs.state === "unblocked"));
        const publicGrants = ofType(run, GRANT).filter((g) => g.inputs.group === "all");
        assert.strictEqual(publicGrants.length, 6, "one public grant per region and architecture");
        for (const grant of publicGrants) {
            // Each region's grant waits for that region's setting only, not for every region's.
            assert.deepStrictEqual(grant.dependsOn.filter((d) => d.startsWith("aws-public-access")), [`aws-public-access-${grant.inputs.region}`]);
        }
    });

    it("removes only a removed region's copy and grants", async () => {
        const toPlan = (rs: RecordedResource[]): PlanResource[] => rs.map((r) => ({
            type: r.type, name: r.name, parent: r.parent ?? null, provider: r.provider ?? null, inputs: r.inputs, dependsOn: r.dependsOn,
            protect: r.options.protect === true, retainOnDelete: r.options.retainOnDelete === true,
        }));
        const before = await runMocked(() => publish(), { stack: "prod", config: prod() });
        const c = prod();
        c.aws.regions = ["eu-central-1", "eu-west-1"];
        const after = await runMocked(() => publish(), { stack: "prod", config: c });
        const diff = diffPlans(
            { stack: "prod", resources: toPlan(before.resources), outputs: {} },
            { stack: "prod", resources: toPlan(after.resources), outputs: {} },
            { environment: "prod" },
        );
        assert.deepStrictEqual(diff.resources.filter((r) => r.op !== "delete"), []);
        const removed = diff.resources.filter((r) => r.op === "delete");
        assert.ok(removed.length > 0);
        const regionOf = new Map(before.resources.map((r) => [r.name, r.inputs.region]));
        assert.ok(removed.every((r) => regionOf.get(r.name) === "us-east-1"), removed.map((r) => r.name).join(", "));
    });
});

describe("AwsImage as AWS accepts it", () => {
    const VOLUME = "aws:ec2/snapshotCreateVolumePermission:SnapshotCreateVolumePermission";

    it("lets accounts create volumes from each region's own snapshot: the copy's there, the import's in the source region", async () => {
        const c = prod();
        c.aws.sharing.snapshotVolumePermission = true;
        const run = await runMocked(() => publish(), { stack: "prod", config: c });
        const volumes = ofType(run, VOLUME).filter((v) => v.parent === "release-1.0-aws-x86_64");
        assert.strictEqual(volumes.length, 3);
        const sourceSnapshot = named(run, "release-1.0-aws-x86_64-snapshot");
        const bySnapshot = new Map(volumes.map((v) => [v.inputs.region, v.inputs.snapshotId]));
        assert.match(String(bySnapshot.get("eu-central-1")), /^snap-/);
        assert.deepStrictEqual(named(run, "release-1.0-aws-x86_64-eu-central-1-volume-123456789012").dependsOn, [sourceSnapshot.name]);
        for (const region of ["eu-west-1", "us-east-1"]) {
            const permission = named(run, `release-1.0-aws-x86_64-${region}-volume-123456789012`);
            assert.match(String(permission.inputs.snapshotId), /^snap-/);
            assert.notStrictEqual(permission.inputs.snapshotId, bySnapshot.get("eu-central-1"), `${region} points at the source region's snapshot`);
            assert.deepStrictEqual(permission.dependsOn, [`release-1.0-aws-x86_64-${region}`]);
        }
        assert.notStrictEqual(bySnapshot.get("eu-west-1"), bySnapshot.get("us-east-1"));
    });

    it("sizes the root volume as config asks, never below the imported snapshot (4 GiB in the mocks)", async () => {
        for (const [configured, expected] of [[2, 4], [4, 4], [12, 12]] as const) {
            const c = prod();
            c.aws.image = configured === undefined ? {} : { volumeSize: configured };
            const run = await runMocked(() => publish(), { stack: "prod", config: c });
            const devices = named(run, "release-1.0-aws-x86_64-ami").inputs.ebsBlockDevices as Array<{ volumeSize: number }>;
            assert.strictEqual(devices[0].volumeSize, expected, `volumeSize ${String(configured)}`);
        }
    });

    it("keeps the 8 GiB root volume of AMIs already published when config sets none, so none is replaced", async () => {
        const c = prod();
        c.aws.image = {};
        const run = await runMocked(() => publish(), { stack: "prod", config: c });
        const amis = ofType(run, AMI);
        assert.strictEqual(amis.length, 2);
        for (const ami of amis) {
            const devices = ami.inputs.ebsBlockDevices as Array<{ volumeSize: number }>;
            assert.strictEqual(devices[0].volumeSize, 8, ami.name);
        }
    });

    it("gives a passed date to the provider as it is: the plan is the same before and after the date", async () => {
        const c = prod();
        c.releases[0].deprecated = "2026-01-31";
        const before = await runMocked(() => publish({ now: new Date("2026-01-01T10:00:00Z") }), { stack: "prod", config: c });
        const after = await runMocked(() => publish({ now: new Date("2026-11-22T10:00:00Z") }), { stack: "prod", config: c });
        const inputs = (run: typeof before) => ofType(run, DEPRECATION).map((d) => [d.name, d.inputs]);
        assert.strictEqual(ofType(after, DEPRECATION).length, 6);
        assert.deepStrictEqual(inputs(after), inputs(before));
        assert.ok(ofType(after, DEPRECATION).every((d) => d.inputs.date === "2026-01-31"));
        assert.deepStrictEqual(after.outputs.deprecated, { "1.0": "2026-01-31" });
    });

    it("gives the import, the AMI and each copy the configured timeouts, 90, 30 and 60 minutes by default", async () => {
        const defaults = await runMocked(() => publish(), { stack: "prod", config: prod() });
        assert.deepStrictEqual(named(defaults, "release-1.0-aws-x86_64-snapshot").options.customTimeouts, { create: "90m" });
        assert.deepStrictEqual(named(defaults, "release-1.0-aws-x86_64-ami").options.customTimeouts, { create: "30m" });
        assert.deepStrictEqual(named(defaults, "release-1.0-aws-x86_64-us-east-1").options.customTimeouts, { create: "60m" });
        const c = prod();
        c.aws.timeouts = { importMinutes: 240, copyMinutes: 120 };
        const run = await runMocked(() => publish(), { stack: "prod", config: c });
        assert.deepStrictEqual(named(run, "release-1.0-aws-arm64-snapshot").options.customTimeouts, { create: "240m" });
        assert.deepStrictEqual(ofType(run, COPY).map((copy) => copy.options.customTimeouts), Array(4).fill({ create: "120m" }));
    });

    it("sends SR-IOV simple, the only setting AWS has, and gives the marketplace its change set timeout", async () => {
        const c = prod();
        c.aws.marketplace = {
            enabled: true, accessRoleArn: "arn:aws:iam::123456789012:role/ingest", products: { "1": { x86_64: "prod-x86", arm64: "prod-arm" } },
        };
        c.aws.timeouts = { marketplaceMinutes: 200 };
        const run = await runMocked(() => publish(), { stack: "prod", config: c });
        assert.strictEqual(named(run, "release-1.0-aws-x86_64-ami").inputs.sriovNetSupport, "simple");
        assert.strictEqual(named(run, "release-1.0-aws-x86_64-marketplace").inputs.pollTimeoutMinutes, 200);
    });
});

describe("AWS Marketplace versions in the plans", () => {
    const MARKETPLACE = "pulumi-nodejs:dynamic/aws:MarketplaceVersion";

    it("gives every version the us-east-1 image of its release and architecture, and no two versions of one product one title", async () => {
        for (const stack of ["dev", "prod"] as const) { // one at a time: the mock runtime is global
            const run = await committedStackRun(stack);
            const versions = ofType(run, MARKETPLACE);
            assert.ok(versions.length >= 2, stack);
            const images = run.outputs.images as Record<string, any>;
            for (const v of versions) {
                const [, version, arch] = /^release-(.+)-aws-(x86_64|arm64)-marketplace$/.exec(v.name)!;
                assert.strictEqual(v.inputs.amiId, images[version].aws[arch]["us-east-1"], `${stack} ${v.name}`);
            }
            const titles = versions.map((v) => `${v.inputs.productId} ${v.inputs.versionTitle}`);
            assert.strictEqual(new Set(titles).size, titles.length, `${stack}: ${titles.join(", ")}`);
        }
    });

    it("adds the architecture to the title where both architectures of a release share a product", async () => {
        const c = prod();
        c.aws.marketplace = {
            enabled: true, accessRoleArn: "arn:aws:iam::123456789012:role/ingest",
            products: { "1": { x86_64: "prod-both", arm64: "prod-both" } },
        };
        const run = await runMocked(() => publish(), { stack: "prod", config: c });
        assert.strictEqual(named(run, "release-1.0-aws-x86_64-marketplace").inputs.versionTitle, "1.0 x86_64");
        assert.strictEqual(named(run, "release-1.0-aws-arm64-marketplace").inputs.versionTitle, "1.0 arm64");
        c.aws.marketplace.products = { "1": { x86_64: "prod-x86", arm64: "prod-arm" } };
        const apart = await runMocked(() => publish(), { stack: "prod", config: c });
        assert.strictEqual(named(apart, "release-1.0-aws-arm64-marketplace").inputs.versionTitle, "1.0");
    });

    it("fills the version title and release notes from their templates, defaulting to the version and \"{product} {version}\"", async () => {
        const c = prod();
        c.aws.marketplace = {
            enabled: true, accessRoleArn: "arn:aws:iam::123456789012:role/ingest",
            products: { "1": { x86_64: "prod-x86", arm64: "prod-arm" } },
        };
        const defaults = await runMocked(() => publish(), { stack: "prod", config: c });
        assert.strictEqual(named(defaults, "release-1.0-aws-x86_64-marketplace").inputs.versionTitle, "1.0");
        assert.strictEqual(named(defaults, "release-1.0-aws-x86_64-marketplace").inputs.releaseNotes, `${c.product.name} 1.0`);

        c.aws.marketplace.versionTitle = "v{version}";
        c.aws.marketplace.releaseNotes = "https://example.com/{product}/releases/tag/v{version} (line {major}.{minor}, {arch})";
        const templated = await runMocked(() => publish(), { stack: "prod", config: c });
        const arm = named(templated, "release-1.0-aws-arm64-marketplace").inputs;
        assert.strictEqual(arm.versionTitle, "v1.0");
        assert.strictEqual(arm.releaseNotes, `https://example.com/${c.product.name}/releases/tag/v1.0 (line 1.0, arm64)`);
    });

    it("takes a release's own release notes over the stack's, as a template too", async () => {
        const c = prod();
        c.aws.marketplace = {
            enabled: true, accessRoleArn: "arn:aws:iam::123456789012:role/ingest",
            products: { "1": { x86_64: "prod-x86", arm64: "prod-arm" } }, releaseNotes: "stack notes {version}",
        };
        c.releases[0].releaseNotes = "Fixes of v{version} for {arch}";
        const run = await runMocked(() => publish(), { stack: "prod", config: c });
        assert.strictEqual(named(run, "release-1.0-aws-x86_64-marketplace").inputs.releaseNotes, "Fixes of v1.0 for x86_64");
    });

    it("adds the architecture to a templated title only when the template does not name it", async () => {
        const c = prod();
        c.aws.marketplace = {
            enabled: true, accessRoleArn: "arn:aws:iam::123456789012:role/ingest",
            products: { "1": { x86_64: "prod-both", arm64: "prod-both" } }, versionTitle: "v{version}",
        };
        const suffixed = await runMocked(() => publish(), { stack: "prod", config: c });
        assert.strictEqual(named(suffixed, "release-1.0-aws-arm64-marketplace").inputs.versionTitle, "v1.0 arm64");
        c.aws.marketplace.versionTitle = "v{version} ({arch})";
        const named_ = await runMocked(() => publish(), { stack: "prod", config: c });
        assert.strictEqual(named(named_, "release-1.0-aws-arm64-marketplace").inputs.versionTitle, "v1.0 (arm64)");
        assert.strictEqual(named(named_, "release-1.0-aws-x86_64-marketplace").inputs.versionTitle, "v1.0 (x86_64)");
    });
});

describe("AWS preflight", () => {
    it("names every configured region that is not enabled for the account, and creates nothing", async () => {
        const c = prod();
        c.aws.regions = ["eu-central-1", "ap-east-1", "af-south-1"];
        await assert.rejects(runMocked(() => publish(), { stack: "prod", config: c }), (error: ProgramError) => {
            assert.match(error.message, /aws\.regions: af-south-1, ap-east-1 are not enabled for the account/);
            assert.deepStrictEqual(error.registered, []);
            return true;
        });
    });

    it("refuses to publish publicly when EBS encryption by default is on, and creates nothing", async () => {
        const fixtures = defaultFixtures();
        fixtures.awsEncryptionByDefault["eu-central-1"] = true;
        fixtures.awsEncryptionByDefault["us-east-1"] = true;
        await assert.rejects(runMocked(() => publish(), { stack: "prod", config: prod(), fixtures }), (error: ProgramError) => {
            assert.match(error.message, /EBS encryption by default is on in eu-central-1, us-east-1/);
            assert.deepStrictEqual(error.registered, []);
            return true;
        });
    });

    it("does not mind encryption by default when nothing is public", async () => {
        const fixtures = defaultFixtures();
        fixtures.awsEncryptionByDefault["eu-central-1"] = true;
        const run = await runMocked(() => publish(), { stack: "dev", config: baseConfig("dev"), fixtures });
        assert.ok(ofType(run, AMI).length > 0);
        assert.ok(!run.invokes.some((i) => i.token.includes("getEncryptionByDefault")));
    });
    describe("the quota of public AMIs", () => {
        /** Public AMIs of the account in a region: `others` of other products, and the named ones. */
        function publicImages(region: string, others: number, names: string[] = []) {
            return [
                ...Array.from({ length: others }, (_, i) => ({ id: `ami-0other${region.length}${i}`, name: `other-${i}` })),
                ...names.map((name, i) => ({ id: `ami-0ours${i}`, name })),
            ];
        }

        it("refuses, before anything is created, a run that would pass it, naming the regions and the numbers", async () => {
            const c = prod();
            c.releases.push({ ...c.releases[0], version: "1.1" }, { ...c.releases[0], version: "1.2" });
            await assert.rejects(runMocked(() => publish(), { stack: "prod", config: c }), (error: ProgramError) => {
                assert.match(error.message, /the quota of public AMIs would be passed in eu-central-1, eu-west-1, us-east-1 \(eu-central-1: 0 public now \+ 6 new = 6, quota 5; eu-west-1: 0 public now \+ 6 new = 6, quota 5; us-east-1: 0 public now \+ 6 new = 6, quota 5\)/);
                assert.deepStrictEqual(error.registered, []);
                return true;
            });
        });

        it("counts the public AMIs already there, deprecated ones included, and reads each region's own quota", async () => {
            const fixtures = defaultFixtures();
            fixtures.awsPublicImages["eu-west-1"] = publicImages("eu-west-1", 4);
            fixtures.awsPublicImages["us-east-1"] = publicImages("us-east-1", 4);
            fixtures.awsPublicAmiQuotaIn["us-east-1"] = 6;
            await assert.rejects(runMocked(() => publish(), { stack: "prod", config: prod(), fixtures }), (error: ProgramError) => {
                assert.match(error.message, /would be passed in eu-west-1 \(eu-west-1: 4 public now \+ 2 new = 6, quota 5\)/);
                assert.deepStrictEqual(error.registered, []);
                return true;
            });
            const fine = defaultFixtures();
            fine.awsPublicImages["eu-west-1"] = publicImages("eu-west-1", 3);
            const run = await runMocked(() => publish(), { stack: "prod", config: prod(), fixtures: fine });
            const quotas = run.invokes.filter((i) => i.token === "aws:servicequotas/getServiceQuota:getServiceQuota");
            assert.deepStrictEqual(quotas.map((q) => q.args.region).sort(), ["eu-central-1", "eu-west-1", "us-east-1"]);
            assert.ok(quotas.every((q) => q.args.serviceCode === "ec2" && q.args.quotaCode === "L-0E3CBAB9"));
            const lists = run.invokes.filter((i) => i.token === "aws:ec2/getAmiIds:getAmiIds");
            assert.strictEqual(lists.length, 6);
            for (const list of lists) {
                assert.deepStrictEqual(list.args.owners, ["self"]);
                assert.strictEqual(list.args.includeDeprecated, true);
                assert.deepStrictEqual((list.args.filters as any[])[0], { name: "is-public", values: ["true"] });
            }
        });

        it("counts the stack's own AMIs that are public already as nothing new, so a repeated run passes", async () => {
            const fixtures = defaultFixtures();
            for (const region of ["eu-central-1", "eu-west-1", "us-east-1"]) {
                fixtures.awsPublicImages[region] = publicImages(region, 3, ["testlinux-1.0-x86_64", "testlinux-1.0-arm64"]);
            }
            const run = await runMocked(() => publish(), { stack: "prod", config: prod(), fixtures });
            assert.ok(ofType(run, AMI).length === 2);
        });

        it("is not read in dev, where nothing is public", async () => {
            const run = await runMocked(() => publish(), { stack: "dev", config: baseConfig("dev") });
            assert.ok(!run.invokes.some((i) => i.token.includes("getServiceQuota") || i.token.includes("getAmiIds")));
        });
    });
});
