import * as assert from "assert";
import { validateConfig } from "../components/config";
import { publish } from "../stacks/program";
import { ProgramError } from "../tools/mocks";
import { readStackConfig } from "../tools/stack-config";
import { baseConfig } from "./fixtures/config";
import { problems, refuses } from "./helpers/config-problems";
import { committedStackRun, sharedRun } from "./helpers/shared-runs";
import { validateOutputs } from "../components/outputs";
import { defaultFixtures, named, ofType, runMocked } from "./mocks";
import { runUnderMocks } from "../tools/mocks";
import { main } from "../tools/plan";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { s3Head } from "../tools/release-store-s3";
import { httpsHead } from "../tools/release-store-https";
import { ArtifactStores } from "../tools/release-artifacts";
import { S3Objects, startS3Objects } from "./servers/s3-objects";
import { HttpObjects, startHttpObjects } from "./servers/http-objects";
import { recordingPlan, release } from "./helpers/release-command";

const EXAMPLE = "examples/Pulumi.constellation.yaml";

/** The Constellation-shaped example stack's config values, without the namespace, parsed. */
function example(): Record<string, any> {
    return stackValues(EXAMPLE);
}

/** A stack file's config values, without the namespace, parsed. */
function stackValues(file: string): Record<string, any> {
    const values = readStackConfig(file).values;
    return Object.fromEntries(Object.entries(values).map(([k, v]) => {
        const key = k.replace(/^image-publisher:/, "");
        try {
            return [key, JSON.parse(v)];
        } catch {
            return [key, v];
        }
    }));
}

/** The example planned under mocks once, shared by the tests that read it. */
function exampleRun() {
    return sharedRun("constellation-example", () => {
        const cfg = readStackConfig(EXAMPLE);
        return runUnderMocks(() => publish({ now: new Date("2026-12-02T00:00:00Z") }), { stack: "prod", config: cfg.values, secretKeys: cfg.secretKeys });
    });
}

/** The base prod config with two AWS variants, telling them apart in names and artifacts. */
function twoAwsVariants(): Record<string, any> {
    const c = baseConfig("prod");
    c.naming.image = "{product}-{version}-{variant}-{arch}";
    c.releases[0].artifacts.aws = "s3://artifacts/{version}/{variant}/{product}-{version}-{arch}.raw";
    c.variants = [
        { name: "plain", aws: { tpmSupport: false } },
        { name: "tpm", aws: { tpmSupport: true, bootMode: "uefi" } },
    ];
    return c;
}

describe("Image variants", () => {
    describe("config", () => {
        it("resolves each variant's artifacts with {variant} filled in, and keeps a stack without variants as it was", () => {
            const { releases } = validateConfig(twoAwsVariants());
            assert.deepStrictEqual(releases[0].variantArtifacts?.tpm.aws.arm64, { uri: "s3://artifacts/1.0/tpm/testlinux-1.0-arm64.raw" });
            assert.deepStrictEqual(releases[0].variantArtifacts?.plain.aws.x86_64, { uri: "s3://artifacts/1.0/plain/testlinux-1.0-x86_64.raw" });
            assert.strictEqual(validateConfig(baseConfig("prod")).releases[0].variantArtifacts, undefined);
        });

        it("refuses {variant} where no variants are configured, at each template that uses it", () => {
            const c = baseConfig("prod");
            c.naming.image = "{product}-{version}-{variant}-{arch}";
            c.releases[0].artifacts.aws = "s3://artifacts/{variant}/{product}-{version}-{arch}.raw";
            const found = problems(c);
            for (const path of ["image-publisher:naming.image", "image-publisher:releases[0].artifacts.aws"]) {
                assert.ok(found.some((p) => p.path === path && /uses \{variant\}, but no variants are configured/.test(p.message)), path);
            }
        });

        it("refuses a marketplace variant where no variants are configured", () => {
            const c = baseConfig("prod");
            c.aws.marketplace = { variant: "sev-snp" };
            refuses(c, "image-publisher:aws.marketplace.variant", /no variants are configured/);
        });

        it("refuses two variants of one name, and a variant named like an architecture", () => {
            const c = twoAwsVariants();
            c.variants[1].name = "plain";
            refuses(c, "image-publisher:variants[1].name", /is also variants\[0\]\.name/);
            const arch = twoAwsVariants();
            arch.variants[0].name = "arm64";
            refuses(arch, "image-publisher:variants[0].name", /names an architecture/);
            const bad = twoAwsVariants();
            bad.variants[0].name = "SEV_SNP";
            refuses(bad, "image-publisher:variants[0].name", /is not a variant name; allowed: 1-24 lower-case letters/);
        });

        it("refuses a variant for a cloud that is off, and an enabled cloud that no variant goes to", () => {
            const off = twoAwsVariants();
            off.variants[1].clouds = ["azure"];
            refuses(off, "image-publisher:variants[1].clouds[0]", /is not enabled; allowed: aws/);
            const none = twoAwsVariants();
            none.gcp = { enabled: true, project: "test-project" };
            none.releases[0].artifacts.gcp = "gs://artifacts/{variant}/{product}-{version}-{arch}-gcpimage.tar.gz";
            none.variants.forEach((v: Record<string, unknown>) => { v.clouds = ["aws"]; });
            refuses(none, "image-publisher:variants", /has no variant for gcp, which is enabled/);
        });

        it("refuses settings of a cloud the variant does not go to", () => {
            const c = twoAwsVariants();
            c.gcp = { enabled: true, project: "test-project" };
            c.releases[0].artifacts.gcp = "gs://artifacts/{variant}/{product}-{version}-{arch}-gcpimage.tar.gz";
            c.variants[0].clouds = ["gcp"];
            refuses(c, "image-publisher:variants[0].aws", /does not go to aws/);
        });

        it("refuses a naming template that gives two variants of one cloud the same image name", () => {
            const c = twoAwsVariants();
            c.naming.image = "{product}-{version}-{arch}";
            refuses(c, "image-publisher:naming.image", /renders "testlinux-1\.0-x86_64" for aws for both releases\[0\] x86_64 variant plain and releases\[0\] x86_64 variant tpm; allowed: .*\{variant\}/);
        });

        it("refuses a GCP family and an Azure SKU that two variants would share", () => {
            const c = twoAwsVariants();
            c.gcp = { enabled: true, project: "test-project", family: "{product}-{arch}" };
            c.releases[0].artifacts.gcp = "gs://artifacts/{variant}/{product}-{version}-{arch}-gcpimage.tar.gz";
            refuses(c, "image-publisher:gcp.family", /renders family "testlinux-arm64" for both plain and tpm, whose newest image would be either/);
            const constellation = example();
            constellation.variants[0].clouds = ["aws", "azure"];
            constellation.azure.image.sku = "{product}";
            refuses(constellation, "image-publisher:azure.image.sku", /renders image definition "constellation" for both sev-snp x86_64 V2 and cvm x86_64 V2/);
        });

        it("refuses Azure definitions that two variants share once -arm64 is added", () => {
            const c = example();
            c.variants = [{ name: "cvm", clouds: ["azure"] }, { name: "cvm-arm64", clouds: ["azure"] }, { name: "sev-snp", clouds: ["aws"] }];
            c.releases[0].architectures = ["x86_64", "arm64"];
            refuses(c, "image-publisher:azure.image.sku", /renders image definition "constellation-cvm-arm64" for both cvm arm64 V2 and cvm-arm64 x86_64 V2/);
        });

        it("refuses one sha256 for a URI that names a file per variant", () => {
            const c = twoAwsVariants();
            c.releases[0].artifacts.aws = { uri: c.releases[0].artifacts.aws, sha256: "3f786850e387550fdab836ed7e6dc881de23001b3f786850e387550fdab836ed" };
            refuses(c, "image-publisher:releases[0].artifacts.aws", /gives one sha256 for a URI with \{variant\}/);
        });

        it("refuses a confidential Azure variant of generation 1, and a confidential GCP variant without UEFI", () => {
            const c = example();
            c.variants[2].azure.hyperVGenerations = ["V1", "V2"];
            refuses(c, "image-publisher:variants[2].azure", /confidential VMs run generation 2 x64 images only/);
            const gcp = twoAwsVariants();
            gcp.gcp = { enabled: true, project: "test-project", family: "{product}-{variant}-{arch}" };
            gcp.releases[0].artifacts.gcp = "gs://artifacts/{variant}/{product}-{version}-{arch}-gcpimage.tar.gz";
            gcp.variants[1].gcp = { guestOsFeatures: ["SEV_SNP_CAPABLE", "GVNIC", "GVNIC"] };
            refuses(gcp, "image-publisher:variants[1].gcp.guestOsFeatures", /without UEFI_COMPATIBLE/);
            refuses(gcp, "image-publisher:variants[1].gcp.guestOsFeatures[2]", /is listed twice/);
        });

        it("refuses legacy BIOS for arm64 AMIs, in the stack and in a variant", () => {
            const c = twoAwsVariants();
            c.variants[0].aws = { bootMode: "legacy-bios" };
            refuses(c, "image-publisher:variants[0].aws.bootMode", /Graviton instances boot UEFI only/);
            const stack = baseConfig("prod");
            stack.aws.image = { bootMode: "legacy-bios" };
            refuses(stack, "image-publisher:aws.image.bootMode", /Graviton instances boot UEFI only/);
        });

        it("needs aws.marketplace.variant when two variants go to AWS, and refuses one that does not exist or does not go there", () => {
            const c = twoAwsVariants();
            c.aws.marketplace = { enabled: true, accessRoleArn: "arn:aws:iam::111122223333:role/ingest", products: { "1": { x86_64: "prod-a", arm64: "prod-b" } } };
            refuses(c, "image-publisher:aws.marketplace.variant", /is missing: 2 variants go to aws \(plain, tpm\) and its marketplace lists one/);
            c.aws.marketplace.variant = "nitro";
            refuses(c, "image-publisher:aws.marketplace.variant", /is not a variant; allowed: plain, tpm/);
            const cfg = example();
            cfg.aws.marketplace.variant = "cvm";
            refuses(cfg, "image-publisher:aws.marketplace.variant", /is a variant that does not go to aws; allowed: sev-snp, nitro-tpm/);
        });

        it("checks each variant's settings as it checks the stack's: NitroTPM needs UEFI", () => {
            const c = twoAwsVariants();
            c.variants[1].aws = { tpmSupport: true, bootMode: "legacy-bios" };
            refuses(c, "image-publisher:variants[1].aws", /NitroTPM with legacy-bios boot/);
        });

        it("refuses an artifact that two variants would stage into one object", () => {
            const c = twoAwsVariants();
            c.gcp = { enabled: true, project: "test-project", stagingBucket: "test-staging" };
            c.releases[0].artifacts.gcp = "s3://artifacts/{version}/{product}-{version}-{arch}-gcpimage.tar.gz";
            refuses(c, "image-publisher:releases[0].artifacts.gcp", /is staged once per variant of gcp into one object/);
        });

        it("refuses a release's variants that are not configured, or where none are", () => {
            const c = twoAwsVariants();
            c.releases[0].variants = ["tpm", "sev-snp", "tpm"];
            refuses(c, "image-publisher:releases[0].variants[1]", /^is not a variant; allowed: plain, tpm$/);
            refuses(c, "image-publisher:releases[0].variants[2]", /is listed twice/);
            const plain = baseConfig("prod");
            plain.releases[0].variants = ["tpm"];
            refuses(plain, "image-publisher:releases[0].variants", /no variants are configured/);
        });

        it("registers nothing when the variants are invalid", async () => {
            const c = twoAwsVariants();
            c.variants[1].name = "plain";
            await assert.rejects(runMocked(() => publish(), { stack: "prod", config: c }), (error: ProgramError) => {
                assert.match(error.message, /image-publisher:variants\[1\]\.name: "plain" is also variants\[0\]\.name/);
                assert.deepStrictEqual(error.registered, []);
                return true;
            });
        });
    });

    describe("a published stack that adds variants", () => {
        /** The committed prod stack with two variants from 1592.5 on; its two published releases keep theirs. */
        function prodWithVariants(): Record<string, any> {
            const c = stackValues("Pulumi.prod.yaml");
            c.naming.image = "{product}-{version}-{variant}-{arch}";
            c.gcp.family = "{product}-{variant}-{arch}";
            c.azure.image.sku = "{product}-{variant}";
            c.aws.marketplace.variant = "generic";
            c.variants = [
                { name: "generic" },
                { name: "trusted", clouds: ["aws", "gcp"], gcp: { guestOsFeatures: ["UEFI_COMPATIBLE", "GVNIC", "SECURE_BOOT"] } },
            ];
            for (const r of c.releases) {
                r.withoutVariants = true;
            }
            const next = JSON.parse(JSON.stringify(c.releases[1]).split("/{version}/").join("/{version}/{variant}/"));
            delete next.withoutVariants;
            c.releases.push({ ...next, version: "1592.5", releaseNotes: "Acme Linux 1592.5." });
            return c;
        }

        it("keeps every resource of the releases marked withoutVariants, and the gallery's definitions, as they were", async () => {
            const before = await committedStackRun("prod");
            const cfg = prodWithVariants();
            const after = await runMocked(() => publish({ now: new Date("2026-11-22T00:00:00Z") }), {
                // Four more public AMIs per region than the committed prod plans: a raised quota.
                stack: "prod", config: cfg, secretKeys: readStackConfig("Pulumi.prod.yaml").secretKeys, fixtures: { ...defaultFixtures(), awsPublicAmiQuota: 20 },
            });
            const kept = (run: { resources: { name: string; type: string; inputs: unknown }[] }) => run.resources
                .filter((r) => /^(release-(1577\.2|1592\.4)|azure-(x86_64|arm64))/.test(r.name))
                .map((r) => JSON.stringify([r.name, r.type, r.inputs])).sort();
            const was = kept(before);
            assert.ok(was.length > 300, `expected the published releases' resources, got ${was.length}`);
            assert.deepStrictEqual(kept(after), was);
            const added = after.resources.filter((r) => r.name.startsWith("release-1592.5-") && /:Image$/.test(r.type) && r.type.startsWith("image-publisher")).map((r) => r.name);
            assert.ok(added.includes("release-1592.5-aws-trusted-arm64") && added.includes("release-1592.5-azure-generic-x86_64"), added.join(", "));
            assert.ok(after.resources.some((r) => r.name === "azure-generic-x86_64-v2"), "the generic variant's own definition");
            const images = after.outputs.images as unknown as Record<string, Record<string, Record<string, unknown>>>;
            assert.deepStrictEqual(Object.keys(images["1592.4"].aws).sort(), ["arm64", "x86_64"]);
            assert.deepStrictEqual(Object.keys(images["1592.5"].aws).sort(), ["generic", "trusted"]);
            validateOutputs(JSON.parse(JSON.stringify(after.outputs)), "prod with variants");
        });

        it("refuses withoutVariants where no variants are configured, beside a release's variants, and with a {variant} artifact", () => {
            const plain = baseConfig("prod");
            plain.releases[0].withoutVariants = true;
            refuses(plain, "image-publisher:releases[0].withoutVariants", /none are configured/);
            const both = twoAwsVariants();
            both.releases[0].withoutVariants = true;
            both.releases[0].variants = ["tpm"];
            refuses(both, "image-publisher:releases[0].withoutVariants", /is set beside releases\[\]\.variants/);
            refuses(both, "image-publisher:releases[0].artifacts.aws", /uses \{variant\} in a release without variants/);
        });

        it("refuses an Azure SKU without {variant} where releases without variants share Azure with one", () => {
            const c = prodWithVariants();
            c.azure.image.sku = "{product}";
            refuses(c, "image-publisher:azure.image.sku", /renders image definition "acmelinux-arm64" for both the releases without variants arm64 V2 and generic arm64 V2/);
        });
    });

    describe("image settings", () => {
        it("registers each variant's AMI with the variant's settings over the stack's", async () => {
            const run = await runMocked(() => publish(), { stack: "prod", config: twoAwsVariants() });
            const plain = named(run, "release-1.0-aws-plain-arm64-ami").inputs;
            const tpm = named(run, "release-1.0-aws-tpm-arm64-ami").inputs;
            assert.deepStrictEqual([plain.bootMode, plain.tpmSupport], ["uefi-preferred", undefined]);
            assert.deepStrictEqual([tpm.bootMode, tpm.tpmSupport], ["uefi", "v2.0"]);
        });

        it("registers an AMI with the UEFI variable store (Secure Boot keys) of its variant, and none where config gives none", async () => {
            const c = twoAwsVariants();
            c.variants[1].aws.uefiData = "QUJDRA==";
            const run = await runMocked(() => publish(), { stack: "prod", config: c });
            assert.strictEqual(named(run, "release-1.0-aws-tpm-x86_64-ami").inputs.uefiData, "QUJDRA==");
            assert.strictEqual("uefiData" in named(run, "release-1.0-aws-plain-x86_64-ami").inputs, false);
        });

        it("refuses a UEFI variable store that is not base64, or for an AMI that boots legacy BIOS", () => {
            const c = baseConfig("prod");
            c.releases[0].architectures = ["x86_64"];
            c.aws.image = { uefiData: "not base64!" };
            refuses(c, "image-publisher:aws.image.uefiData", /is not base64/);
            c.aws.image = { uefiData: "QUJDRA==", bootMode: "legacy-bios" };
            refuses(c, "image-publisher:aws.image.uefiData", /legacy-bios, which has no UEFI variables/);
            const v = twoAwsVariants();
            v.releases[0].architectures = ["x86_64"];
            v.variants[0].aws = { bootMode: "legacy-bios", uefiData: "QUJDRA==" };
            refuses(v, "image-publisher:variants[0].aws", /UEFI variable store with legacy-bios boot/);
        });
    });

    describe("the Constellation-shaped example stack", () => {
        it("publishes each variant to its own clouds, named release-<version>-<cloud>-<variant>-<arch>", async () => {
            const run = await exampleRun();
            const images = run.resources.filter((r) => /^image-publisher:(aws|azure):Image$/.test(r.type)).map((r) => r.name).sort();
            assert.deepStrictEqual(images, [
                "release-2.20.0-aws-nitro-tpm-x86_64",
                "release-2.20.0-aws-sev-snp-x86_64",
                "release-2.20.0-azure-cvm-x86_64",
            ]);
        });

        it("publishes a release only in the variants it names", async () => {
            const c = example();
            c.releases.push({ ...c.releases[0], version: "2.21.0", variants: ["sev-snp", "cvm"] });
            const run = await runMocked(() => publish({ now: new Date("2026-12-02T00:00:00Z") }), { stack: "prod", config: c });
            const images = run.resources.filter((r) => /^image-publisher:(aws|azure):Image$/.test(r.type) && r.name.startsWith("release-2.21.0")).map((r) => r.name).sort();
            assert.deepStrictEqual(images, ["release-2.21.0-aws-sev-snp-x86_64", "release-2.21.0-azure-cvm-x86_64"]);
            const outputs = run.outputs.images as unknown as Record<string, Record<string, Record<string, unknown>>>;
            assert.deepStrictEqual(Object.keys(outputs["2.21.0"].aws), ["sev-snp"]);
        });

        it("gives each AMI its variant's name and artifact", async () => {
            const run = await exampleRun();
            const snp = named(run, "release-2.20.0-aws-sev-snp-x86_64-ami").inputs;
            const tpm = named(run, "release-2.20.0-aws-nitro-tpm-x86_64-ami").inputs;
            assert.deepStrictEqual([snp.name, tpm.name], ["constellation-v2.20.0-sev-snp-x86_64", "constellation-v2.20.0-nitro-tpm-x86_64"]);
            assert.deepStrictEqual([snp.description, (snp.tags as Record<string, string>).Variant], ["constellation 2.20.0 sev-snp x86_64", "sev-snp"]);
            const imports = ofType(run, "aws:ebs/snapshotImport:SnapshotImport").map((r) => (r.inputs as any).diskContainer.userBucket.s3Key).sort();
            assert.deepStrictEqual(imports, ["v2.20.0/aws-nitro-tpm/constellation.raw", "v2.20.0/aws-sev-snp/constellation.raw"]);
        });

        it("makes the CVM variant its own confidential image definition", async () => {
            const run = await exampleRun();
            const definitions = ofType(run, "azure-native:compute:GalleryImage") as { name: string; inputs: any }[];
            assert.deepStrictEqual(definitions.map((d) => d.name), ["azure-cvm-x86_64-v2"]);
            assert.strictEqual(definitions[0].inputs.identifier.sku, "constellation-cvm");
            assert.deepStrictEqual(definitions[0].inputs.features[0], { name: "SecurityType", value: "ConfidentialVMSupported" });
        });

        it("lists only the marketplace variants: SEV-SNP on AWS Marketplace titled v<version>, CVM in Partner Center", async () => {
            const run = await exampleRun();
            const aws = ofType(run, "pulumi-nodejs:dynamic/aws:MarketplaceVersion") as { name: string; inputs: any }[];
            assert.deepStrictEqual(aws.map((r) => r.name), ["release-2.20.0-aws-sev-snp-x86_64-marketplace"]);
            assert.strictEqual(aws[0].inputs.versionTitle, "v2.20.0");
            assert.match(aws[0].inputs.releaseNotes, /releases\/tag\/v2\.20\.0$/);
            const azure = ofType(run, "image-publisher:azure:MarketplaceVersion");
            assert.deepStrictEqual(azure.map((r) => r.name), ["release-2.20.0-azure-cvm-marketplace"]);
            // The plan's x64Gen2 SKU must offer "confidential" for the CVM image.
            assert.deepStrictEqual(named(run, "release-2.20.0-azure-cvm-marketplace-plan-version").inputs.securityType, ["confidential"]);
        });

        it("plans with npm run plan, its outputs meeting their contract with the variant level", async () => {
            let out = "";
            let err = "";
            const code = await main(["--stack", "prod", "--config", EXAMPLE, "--format", "json", "--now", "2026-12-02"], { out: (t) => { out += t; }, err: (t) => { err += t; } });
            assert.strictEqual(code, 0, err);
            const plan = JSON.parse(out) as { outputs: { images: Record<string, Record<string, Record<string, unknown>>> } };
            assert.deepStrictEqual(Object.keys(plan.outputs.images["2.20.0"].aws).sort(), ["nitro-tpm", "sev-snp"]);
        });

        it("outputs every variant's image IDs under a variant level", async () => {
            const run = await exampleRun();
            const images = run.outputs.images as unknown as Record<string, Record<string, Record<string, Record<string, Record<string, string>>>>>;
            const release = images["2.20.0"];
            assert.deepStrictEqual(Object.keys(release).sort(), ["aws", "azure"]);
            assert.deepStrictEqual(Object.keys(release.aws).sort(), ["nitro-tpm", "sev-snp"]);
            assert.deepStrictEqual(Object.keys(release.aws["sev-snp"].x86_64).sort(), ["eu-central-1", "eu-west-1", "us-east-1", "us-east-2"]);
            assert.deepStrictEqual(Object.keys(release.azure), ["cvm"]);
            const community = run.outputs.community as unknown as Record<string, Record<string, Record<string, Record<string, string>>>>;
            assert.match(community["2.20.0"].azure.cvm.x86_64, /^\/CommunityGalleries\/.+\/Images\/constellation-cvm\/Versions\/2\.20\.0$/);
            const marketplace = run.outputs.marketplace as unknown as Record<string, Record<string, Record<string, unknown>>>;
            assert.deepStrictEqual(Object.keys(marketplace["2.20.0"].aws), ["sev-snp"]);
            assert.deepStrictEqual(Object.keys(marketplace["2.20.0"].azure), ["cvm"]);
        });
    });

    describe("release add", () => {
        let s3: S3Objects;
        let http: HttpObjects;
        before(async () => {
            s3 = await startS3Objects(["constellation-images"]);
            await s3.put("constellation-images", "v2.21.0/aws-sev-snp/constellation.raw", 1024);
            http = await startHttpObjects({ "/v2.21.0/azure-cvm/constellation.vhd": { size: 4096 } }, { tls: true });
        });
        after(async () => {
            await Promise.all([s3.close(), http.close()]);
        });

        const unused = async (): Promise<never> => assert.fail("no artifact of the example is in this store");
        const stores = (): ArtifactStores => ({ s3: s3Head(s3.client), https: httpsHead({ attempts: 1, baseDelayMs: 1 }), gcs: unused, oss: unused });

        /** The example stack file, its artifact host moved to the local HTTPS server, in a fresh directory. */
        function exampleCopy(): string {
            const text = fs.readFileSync(EXAMPLE, "utf8").split("https://cdn.confidential.example.com").join(http.url);
            const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "variants-")), "Pulumi.constellation.yaml");
            fs.writeFileSync(file, text);
            return file;
        }

        it("checks each variant's artifact in its store and names the variant of one that is missing", async () => {
            const file = exampleCopy();
            const before = fs.readFileSync(file, "utf8");
            const run = await release(["add", "2.21.0", "--stack", "prod", "--config", file, "--now", "2026-12-02"], { stores, planEdit: recordingPlan().planEdit });
            assert.strictEqual(run.code, 1, run.err);
            assert.match(run.err, /release 2\.21\.0: 1 artifact missing or unreadable/);
            assert.ok(run.err.includes("  - aws nitro-tpm x86_64: s3://constellation-images/v2.21.0/aws-nitro-tpm/constellation.raw does not exist\n"), run.err);
            assert.strictEqual(fs.readFileSync(file, "utf8"), before);
        });

        it("with every variant's artifact there, adds the release and keeps {variant} templates as named, since one sha256 cannot stand for each file", async () => {
            await s3.put("constellation-images", "v2.21.0/aws-nitro-tpm/constellation.raw", 2048);
            const file = exampleCopy();
            const run = await release(["add", "2.21.0", "--stack", "prod", "--config", file, "--now", "2026-12-02"], { stores, planEdit: recordingPlan().planEdit });
            assert.strictEqual(run.code, 0, run.err);
            assert.match(run.err, /release 2\.21\.0: 3 artifacts checked:\n {2}- aws nitro-tpm x86_64: .*\(2048 bytes\)\n {2}- aws sev-snp x86_64: .*\(1024 bytes\)\n {2}- azure cvm x86_64: .*\(4096 bytes\)\n/);
            const entry = parse(fs.readFileSync(file, "utf8")).config["image-publisher:releases"].find((r: { version: string }) => r.version === "2.21.0");
            assert.strictEqual(entry.artifacts.aws, "s3://constellation-images/v{version}/aws-{variant}/constellation.raw");
        });
    });
});
