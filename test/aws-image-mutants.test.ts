/**
 * What the AWS image components register that test/aws-image.test.ts leaves open: the components'
 * own options when no parent passes them on, the refusals of the component itself, the exact
 * names and messages, and which settings turn the Marketplace version, the public-access
 * settings and the volume permissions on and off.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { publish } from "../stacks/program";
import { validateConfig } from "../components/config";
import { AwsImage, AwsImageArgs } from "../components/aws/image";
import { PreflightError, awsPreflight } from "../components/aws/preflight";
import { awsMarketplaceVersion, marketplaceProduct } from "../components/aws/release-marketplace";
import { AwsPublisher } from "../components/aws/publisher";
import { shareImage } from "../components/aws/sharing";
import { ProgramError } from "../tools/mocks";
import { baseConfig } from "./fixtures/config";
import { defaultFixtures, named, ofType, runMocked } from "./mocks";

const AMI = "aws:ec2/ami:Ami";
const GRANT = "aws:ec2/amiLaunchPermission:AmiLaunchPermission";
const VOLUME = "aws:ec2/snapshotCreateVolumePermission:SnapshotCreateVolumePermission";
const DEPRECATION = "pulumi-nodejs:dynamic/aws:ImageDeprecation";
const MARKETPLACE = "pulumi-nodejs:dynamic/aws:MarketplaceVersion";
const PUBLIC_ACCESS = "aws:ec2/imageBlockPublicAccess:ImageBlockPublicAccess";
const ROLE = "arn:aws:iam::123456789012:role/ingest";

function prod() {
    return baseConfig("prod");
}

/** A prod config whose Marketplace maps major version 1 to one product per architecture. */
function listed() {
    const c = prod();
    c.aws.marketplace = { enabled: true, accessRoleArn: ROLE, products: { "1": { x86_64: "prod-x86", arm64: "prod-arm" } } };
    return c;
}

/** The AwsImage arguments of the base config's first release, validated, with overrides. */
function imageArgs(overrides: Partial<AwsImageArgs> = {}, config: Record<string, any> = prod()): AwsImageArgs {
    const { config: valid, releases } = validateConfig(config);
    return {
        release: releases[0], architecture: "x86_64", target: valid.aws, product: "testlinux",
        imageName: "testlinux-1.0-x86_64", environment: "prod", regions: ["eu-central-1", "us-east-1"], ...overrides,
    };
}

async function failure(promise: Promise<unknown>): Promise<ProgramError> {
    try {
        await promise;
    } catch (error) {
        return error as ProgramError;
    }
    throw new Error("expected a failure");
}

describe("AwsImage, on its own", () => {
    it("protects the AMI and its copies in prod even without a protected parent, and sets its children's parent", async () => {
        const run = await runMocked(() => new AwsImage("img", imageArgs()).imageIds, { stack: "prod" });
        const published = [named(run, "img-ami"), named(run, "img-us-east-1")];
        for (const image of published) {
            assert.strictEqual(image.options.protect, true, image.name);
            assert.strictEqual(image.parent, "img", image.name);
        }
        assert.strictEqual(named(run, "img-snapshot").options.protect, undefined);
        const dev = await runMocked(() => new AwsImage("img", imageArgs({ environment: "dev" })).imageIds, { stack: "dev" });
        assert.strictEqual(named(dev, "img-ami").options.protect, undefined);
        assert.strictEqual(named(dev, "img-ami").parent, "img");
    });

    it("describes the image as product, version and architecture, the variant named when there is one, unless config says otherwise", async () => {
        const plain = await runMocked(() => new AwsImage("img", imageArgs()).imageIds, { stack: "prod" });
        assert.strictEqual(named(plain, "img-ami").inputs.description, "testlinux 1.0 x86_64");
        assert.strictEqual(named(plain, "img-us-east-1").inputs.description, "testlinux 1.0 x86_64");
        assert.strictEqual(named(plain, "img-snapshot").inputs.description, "testlinux 1.0 x86_64");
        assert.strictEqual((named(plain, "img-ami").inputs.tags as Record<string, string>).Variant, undefined);

        const variant = await runMocked(() => new AwsImage("img", imageArgs({ variant: { name: "minimal" } as AwsImageArgs["variant"] })).imageIds, { stack: "prod" });
        assert.strictEqual(named(variant, "img-ami").inputs.description, "testlinux 1.0 minimal x86_64");
        assert.deepStrictEqual(named(variant, "img-ami").inputs.tags, {
            Name: "testlinux-1.0-x86_64", Product: "testlinux", Version: "1.0", Architecture: "x86_64", Variant: "minimal",
        });

        const c = prod();
        c.aws.image = { description: "Test Linux, hardened" };
        const described = await runMocked(() => new AwsImage("img", imageArgs({}, c)).imageIds, { stack: "prod" });
        assert.strictEqual(named(described, "img-ami").inputs.description, "Test Linux, hardened");
    });

    it("registers the UEFI variable store only when config gives one", async () => {
        const c = prod();
        c.aws.image = { bootMode: "uefi", uefiData: "QUJDRA==" };
        const run = await runMocked(() => new AwsImage("img", imageArgs({}, c)).imageIds, { stack: "prod" });
        assert.strictEqual(named(run, "img-ami").inputs.uefiData, "QUJDRA==");
        const none = await runMocked(() => new AwsImage("img", imageArgs()).imageIds, { stack: "prod" });
        assert.ok(!("uefiData" in named(none, "img-ami").inputs));
    });

    it("refuses an architecture the release has no AWS artifact for, naming both", async () => {
        const args = imageArgs();
        delete (args.release.artifacts.aws as Record<string, unknown>).arm64;
        const error = await failure(runMocked(() => new AwsImage("img", { ...args, architecture: "arm64" }).imageIds, { stack: "prod" }));
        assert.strictEqual(error.message, "release 1.0 has no AWS artifact for arm64");
    });

    it("refuses an artifact whose extension EC2 cannot import, naming it and what is allowed", async () => {
        const args = imageArgs();
        args.release.artifacts.aws.x86_64 = { ...args.release.artifacts.aws.x86_64!, uri: "s3://artifacts/disk.qcow2" };
        const error = await failure(runMocked(() => new AwsImage("img", args).imageIds, { stack: "prod" }));
        assert.strictEqual(error.message, "AWS artifact s3://artifacts/disk.qcow2 has extension .qcow2; allowed: .raw, .img, .vhd or .vmdk");
    });

    it("refuses a local artifact without an upload bucket, and uploads it as its own child when there is one", async () => {
        const args = imageArgs();
        args.release.artifacts.aws.x86_64 = { ...args.release.artifacts.aws.x86_64!, uri: "file:///out/disk.raw" };
        const error = await failure(runMocked(() => new AwsImage("img", { ...args, target: { ...args.target, uploadBucket: undefined } }).imageIds, { stack: "prod" }));
        assert.strictEqual(error.message, "artifact file:///out/disk.raw is a local file and aws.uploadBucket is not set");
        const run = await runMocked(() => new AwsImage("img", { ...args, target: { ...args.target, uploadBucket: "uploads" } }).imageIds, { stack: "prod" });
        assert.strictEqual(named(run, "img-upload").parent, "img");
        assert.strictEqual(named(run, "img-upload").inputs.key, "testlinux-1.0-x86_64.raw");
    });

    it("makes each deprecation a child of the image, deleted with the AMI or copy it deprecates", async () => {
        const c = prod();
        c.releases[0].deprecated = "2027-06-30";
        const run = await runMocked(() => new AwsImage("img", imageArgs({}, c)).imageIds, { stack: "prod" });
        const deprecations = ofType(run, DEPRECATION);
        assert.deepStrictEqual(deprecations.map((d) => [d.name, d.parent, d.options.deletedWith]), [
            ["img-ami-deprecation", "img", "img-ami"],
            ["img-us-east-1-deprecation", "img", "img-us-east-1"],
        ]);
    });
});

describe("AWS sharing", () => {
    it("names organisation and OU grants by the ARN's last part and a short hash of the whole ARN", async () => {
        const c = prod();
        c.aws.sharing.organizations = ["arn:aws:organizations::123456789012:organization/o-abcdefghij"];
        c.aws.sharing.organizationalUnits = ["arn:aws:organizations::123456789012:ou/o-abcdefghij/ou-ab12-cdefghij"];
        const run = await runMocked(() => publish(), { stack: "prod", config: c });
        const names = ofType(run, GRANT).filter((g) => g.parent === "release-1.0-aws-x86_64" && g.inputs.region === "eu-west-1").map((g) => g.name).sort();
        assert.deepStrictEqual(names, [
            "release-1.0-aws-x86_64-eu-west-1-account-123456789012",
            "release-1.0-aws-x86_64-eu-west-1-org-o-abcdefghij-53c952",
            "release-1.0-aws-x86_64-eu-west-1-ou-ou-ab12-cdefghij-a7a8bb",
            "release-1.0-aws-x86_64-eu-west-1-public",
        ]);
    });

    it("lets no account create volumes unless config asks", async () => {
        const run = await runMocked(() => publish(), { stack: "prod", config: prod() });
        assert.ok(ofType(run, GRANT).length > 0);
        assert.deepStrictEqual(ofType(run, VOLUME), []);
    });

    it("returns every grant it makes", async () => {
        const { config } = validateConfig(prod());
        const run = await runMocked(() => shareImage("share", {
            region: "eu-west-1", imageId: "ami-0123456789abcdef0", snapshotId: "snap-0123456789abcdef0", sharing: config.aws.sharing, environment: "prod",
        }, {}).length, { stack: "prod" });
        assert.strictEqual(run.outputs, 2);
        assert.deepStrictEqual(ofType(run, GRANT).map((g) => g.name), ["share-public", "share-account-123456789012"]);
    });
});

describe("AWS publisher", () => {
    it("unblocks public AMIs only for prod with public sharing, and makes each setting a child of the component", async () => {
        const c = prod();
        c.aws.sharing.unblockPublicAccess = true;
        const run = await runMocked(() => publish(), { stack: "prod", config: c });
        assert.deepStrictEqual(ofType(run, PUBLIC_ACCESS).map((s) => s.parent), ["aws-public-access", "aws-public-access", "aws-public-access"]);

        // Validation refuses public sharing in dev; the publisher itself does not unblock there either.
        const { config, releases } = validateConfig(c);
        const devRun = await runMocked(() => new AwsPublisher({ ...config, environment: "dev" }, releases).setUp(), { stack: "dev" });
        assert.deepStrictEqual(devRun.resources, []);
        const prodRun = await runMocked(() => new AwsPublisher(config, releases).setUp(), { stack: "prod" });
        assert.deepStrictEqual(prodRun.resources.map((r) => r.type), ["image-publisher:aws:PublicAccess"]);

        const c2 = prod();
        c2.aws.sharing = { public: false, accounts: ["123456789012"], unblockPublicAccess: true };
        const privateRun = await runMocked(() => publish(), { stack: "prod", config: c2 });
        assert.deepStrictEqual(ofType(privateRun, PUBLIC_ACCESS), []);
    });

    it("makes each image a child of its release", async () => {
        const run = await runMocked(() => publish(), { stack: "prod", config: prod() });
        assert.strictEqual(named(run, "release-1.0-aws-x86_64").parent, "release-1.0");
        assert.strictEqual(named(run, "release-1.0-aws-arm64").parent, "release-1.0");
    });

    it("names the AMIs for the preflight by the naming template, {cloud} as aws, so that its own public AMIs count as nothing new", async () => {
        const c = prod();
        c.naming.image = "{product}-{version}-{arch}-{cloud}";
        const fixtures = defaultFixtures();
        for (const region of ["eu-central-1", "eu-west-1", "us-east-1"]) {
            fixtures.awsPublicImages[region] = [
                ...["a", "b", "c", "d"].map((x) => ({ id: `ami-0other${x}`, name: `other-${x}` })),
                { id: "ami-0ours1", name: "testlinux-1.0-x86_64-aws" }, { id: "ami-0ours2", name: "testlinux-1.0-arm64-aws" },
            ];
            fixtures.awsPublicAmiQuotaIn[region] = 6;
        }
        const run = await runMocked(() => publish(), { stack: "prod", config: c, fixtures });
        assert.strictEqual(ofType(run, AMI).length, 2);
    });
});

describe("AWS preflight, in detail", () => {
    it("lists every problem on its own line under one heading, as a PreflightError", async () => {
        const c = prod();
        c.aws.regions = ["eu-central-1", "ap-east-1"];
        const fixtures = defaultFixtures();
        fixtures.awsEncryptionByDefault["eu-central-1"] = true;
        fixtures.awsEncryptionByDefault["ap-east-1"] = true;
        const error = await failure(runMocked(() => publish(), { stack: "prod", config: c, fixtures }));
        assert.strictEqual(error.name, "PreflightError");
        assert.strictEqual(error.message, "AWS preflight failed; nothing was created:\n" +
            "  - aws.regions: ap-east-1 is not enabled for the account; enable them in the account's Regions settings, or remove them from aws.regions\n" +
            "  - aws.sharing.public: EBS encryption by default is on in eu-central-1; snapshots there would be encrypted and a public AMI " +
            "cannot have an encrypted snapshot; turn it off (aws ec2 disable-ebs-encryption-by-default --region REGION) or publish privately");
    });

    it("says what to do when the quota of public AMIs would be passed", async () => {
        const c = prod();
        c.aws.regions = ["eu-central-1"];
        c.releases.push({ ...c.releases[0], version: "1.1" }, { ...c.releases[0], version: "1.2" });
        const error = await failure(runMocked(() => publish(), { stack: "prod", config: c }));
        assert.strictEqual(error.message, "AWS preflight failed; nothing was created:\n" +
            "  - aws.sharing.public: the quota of public AMIs would be passed in eu-central-1 (eu-central-1: 0 public now + 6 new = 6, quota 5); " +
            "deprecated public AMIs count too; raise the quota (Service Quotas, Amazon EC2, Public AMIs), " +
            "or remove old releases, or leave regions out of aws.regions");
    });

    it("asks for the regions enabled for the account, not every region", async () => {
        const run = await runMocked(() => publish(), { stack: "prod", config: prod() });
        const asked = run.invokes.filter((i) => i.token === "aws:index/getRegions:getRegions");
        assert.deepStrictEqual(asked.map((i) => i.args.allRegions), [false]);
    });

    it("checks neither encryption nor the quota for a prod stack that publishes privately", async () => {
        const c = prod();
        c.aws.sharing = { public: false, accounts: ["123456789012"] };
        const fixtures = defaultFixtures();
        fixtures.awsEncryptionByDefault["eu-central-1"] = true;
        const run = await runMocked(() => publish(), { stack: "prod", config: c, fixtures });
        assert.strictEqual(ofType(run, AMI).length, 2);
        assert.ok(!run.invokes.some((i) => i.token.includes("getEncryptionByDefault") || i.token.includes("getServiceQuota")));
    });

    it("checks encryption only in the regions that are enabled", async () => {
        const { config } = validateConfig({ ...prod(), aws: { ...prod().aws, regions: ["eu-central-1", "ap-east-1"] } });
        const run = await runMocked(async () => {
            try {
                await awsPreflight(config.aws, "prod", []);
                return "passed";
            } catch (error) {
                return (error as PreflightError).problems;
            }
        }, { stack: "prod" });
        assert.deepStrictEqual(run.outputs, [
            "aws.regions: ap-east-1 is not enabled for the account; enable them in the account's Regions settings, or remove them from aws.regions",
        ]);
        assert.deepStrictEqual(run.invokes.filter((i) => i.token.includes("getEncryptionByDefault")).map((i) => i.args.region), ["eu-central-1"]);
    });

    it("checks neither encryption nor the quota for a dev stack, even with public sharing asked for", async () => {
        // Validation refuses public sharing in dev; the preflight itself does not check for it there either.
        const { config } = validateConfig(prod());
        const fixtures = defaultFixtures();
        fixtures.awsEncryptionByDefault["eu-central-1"] = true;
        const run = await runMocked(() => awsPreflight(config.aws, "dev", ["testlinux-1.0-x86_64"]), { stack: "dev", fixtures });
        assert.deepStrictEqual(run.outputs, { regions: ["eu-central-1", "eu-west-1", "us-east-1"] });
        assert.deepStrictEqual(run.invokes.map((i) => i.token), ["aws:index/getRegions:getRegions"]);
    });

    it("adds nothing to the public AMIs when it is given no image names, and lists the public AMIs by name only for names", async () => {
        const { config } = validateConfig({ ...prod(), aws: { ...prod().aws, regions: ["eu-central-1"] } });
        const fixtures = defaultFixtures();
        fixtures.awsPublicImages["eu-central-1"] = ["a", "b", "c", "d", "e"].map((x) => ({ id: `ami-0other${x}`, name: `other-${x}` }));
        const run = await runMocked(() => awsPreflight(config.aws, "prod"), { stack: "prod", fixtures });
        assert.deepStrictEqual(run.outputs, { regions: ["eu-central-1"] });
        assert.strictEqual(run.invokes.filter((i) => i.token === "aws:ec2/getAmiIds:getAmiIds").length, 1);
    });
});

describe("AWS Marketplace version of a release", () => {
    it("lists nothing for a release that opts out, nor when the Marketplace is disabled", async () => {
        const c = listed();
        c.releases[0].awsMarketplace = false;
        const optedOut = await runMocked(() => publish(), { stack: "prod", config: c });
        assert.deepStrictEqual(ofType(optedOut, MARKETPLACE), []);

        const off = listed();
        off.aws.marketplace.enabled = false;
        const disabled = await runMocked(() => publish(), { stack: "prod", config: off });
        assert.deepStrictEqual(ofType(disabled, MARKETPLACE), []);

        const opted = listed();
        opted.releases[0].awsMarketplace = true;
        const optedIn = await runMocked(() => publish(), { stack: "prod", config: opted });
        assert.strictEqual(ofType(optedIn, MARKETPLACE).length, 2);
    });

    it("lists nothing for a release whose major version maps to no product", async () => {
        // Validation refuses such a release unless it opts out; the component does not list it either.
        const { config, releases } = validateConfig(listed());
        const unmapped = { ...releases[0], version: "2.0", major: "2" };
        assert.strictEqual(marketplaceProduct(config, unmapped, "x86_64"), undefined);
        const run = await runMocked(() => awsMarketplaceVersion("mp", unmapped, "x86_64", {}, config, {}) ?? "none", { stack: "prod" });
        assert.strictEqual(run.outputs, "none");
        assert.deepStrictEqual(run.resources, []);
    });

    it("sends the version as the OS version by default, and the release's passed deprecation as a restriction", async () => {
        const c = listed();
        c.releases[0].deprecated = "2026-01-31";
        const run = await runMocked(() => publish({ now: new Date("2026-11-22T10:00:00Z") }), { stack: "prod", config: c });
        const version = named(run, "release-1.0-aws-x86_64-marketplace");
        assert.strictEqual(version.inputs.osVersion, "1.0");
        assert.strictEqual(version.inputs.deprecated, true);

        const ahead = listed();
        ahead.releases[0].deprecated = "2027-06-30";
        const later = await runMocked(() => publish({ now: new Date("2026-11-22T10:00:00Z") }), { stack: "prod", config: ahead });
        assert.strictEqual(named(later, "release-1.0-aws-x86_64-marketplace").inputs.deprecated, false);
        const none = await runMocked(() => publish(), { stack: "prod", config: listed() });
        assert.strictEqual(named(none, "release-1.0-aws-x86_64-marketplace").inputs.deprecated, false);
    });

    it("protects the version in prod only, under the parent it is given", async () => {
        const { config, releases } = validateConfig(listed());
        const amiId = { "us-east-1": "ami-0123456789abcdef0" };
        const version = (environment: "dev" | "prod") => runMocked(() => {
            const ids = Object.fromEntries(Object.entries(amiId).map(([k, v]) => [k, pulumi.output(v)]));
            return awsMarketplaceVersion("mp", releases[0], "x86_64", ids, { ...config, environment, aws: { ...config.aws, marketplace: { ...config.aws.marketplace, devProductId: "dev-product" } } }, {});
        }, { stack: environment });
        const inProd = await version("prod");
        assert.strictEqual(named(inProd, "mp").options.protect, true);
        assert.strictEqual(named(inProd, "mp").inputs.productId, "prod-x86");
        const inDev = await version("dev");
        assert.strictEqual(named(inDev, "mp").options.protect, undefined);
        assert.strictEqual(named(inDev, "mp").inputs.productId, "dev-product");
        const run = await runMocked(() => publish(), { stack: "prod", config: listed() });
        assert.strictEqual(named(run, "release-1.0-aws-x86_64-marketplace").parent, "release-1.0");
    });

    it("reports the product, change set, status and delivery option of each listing, without a delivery option while it is applying", async () => {
        const run = await runMocked(() => publish(), { stack: "prod", config: listed() });
        const listing = (run.outputs.marketplace as any)["1.0"].aws.x86_64;
        assert.deepStrictEqual(Object.keys(listing).sort(), ["changeSetId", "deliveryOptionId", "productId", "status"]);
        assert.strictEqual(listing.productId, "prod-x86");
        assert.strictEqual(listing.status, "SUCCEEDED");
        assert.match(listing.deliveryOptionId, /^do-[0-9a-f]{12}$/);
        assert.match(listing.changeSetId, /^[0-9a-f]{25}$/);

        const c = listed();
        c.aws.marketplace.waitForCompletion = false;
        const applying = await runMocked(() => publish(), { stack: "prod", config: c });
        const pending = (applying.outputs.marketplace as any)["1.0"].aws.arm64;
        assert.deepStrictEqual(Object.keys(pending).sort(), ["changeSetId", "productId", "status"]);
        assert.strictEqual(pending.status, "APPLYING");
    });

    it("refuses a version without a us-east-1 AMI, where the Marketplace reads it", () => {
        const { config, releases } = validateConfig(listed());
        assert.throws(() => awsMarketplaceVersion("mp", releases[0], "x86_64", {}, config, {}),
            { message: "release 1.0 has no AMI in us-east-1, where AWS Marketplace reads it; add us-east-1 to aws.regions" });
    });
});

describe("AWS images with variants", () => {
    /** The base prod config with two AWS variants, listing "tpm" on the Marketplace. */
    function twoVariants(): Record<string, any> {
        const c = listed();
        c.naming.image = "{product}-{version}-{variant}-{arch}";
        c.releases[0].artifacts.aws = "s3://artifacts/{version}/{variant}/{product}-{version}-{arch}.raw";
        c.variants = [{ name: "plain", aws: { tpmSupport: false } }, { name: "tpm", aws: { tpmSupport: true, bootMode: "uefi" } }];
        c.aws.marketplace.variant = "tpm";
        c.aws.marketplace.versionTitle = "{version} ({variant})";
        return c;
    }

    it("counts every AWS variant's AMIs against the quota of public AMIs", async () => {
        const c = twoVariants();
        c.aws.regions = ["eu-central-1", "us-east-1"];
        c.aws.marketplace.enabled = false;
        const fixtures = defaultFixtures();
        fixtures.awsPublicImages["eu-central-1"] = ["a", "b"].map((x) => ({ id: `ami-0other${x}`, name: `other-${x}` }));
        const error = await failure(runMocked(() => publish(), { stack: "prod", config: c, fixtures }));
        assert.match(error.message, /would be passed in eu-central-1 \(eu-central-1: 2 public now \+ 4 new = 6, quota 5\)/);
    });

    it("lists only the Marketplace variant, its title naming the variant", async () => {
        const run = await runMocked(() => publish(), { stack: "prod", config: twoVariants() });
        const versions = ofType(run, MARKETPLACE);
        assert.deepStrictEqual(versions.map((v) => [v.name, v.inputs.versionTitle]).sort(), [
            ["release-1.0-aws-tpm-arm64-marketplace", "1.0 (tpm)"],
            ["release-1.0-aws-tpm-x86_64-marketplace", "1.0 (tpm)"],
        ]);
    });
});
