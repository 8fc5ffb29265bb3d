import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { ConfigError, renderTemplate, validateConfig } from "../components/config";
import { publish } from "../stacks/program";
import { main } from "../tools/plan";
import { ProgramError } from "../tools/mocks";
import { baseConfig, copy } from "./fixtures/config";
import { named, runMocked } from "./mocks";

const NOW = new Date("2026-11-22T15:00:00Z");

/** The problems validation reports for this config; fails when it accepts it. */
function problems(config: Record<string, unknown>): ConfigError["problems"] {
    try {
        validateConfig(config, { now: NOW });
    } catch (error) {
        assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
        return error.problems;
    }
    return assert.fail("the config was accepted");
}

/** Asserts a problem at `key` (without the namespace) whose message matches. */
function refuses(config: Record<string, unknown>, key: string, pattern: RegExp): void {
    const found = problems(config);
    const match = found.find((p) => p.path === `image-publisher:${key}`);
    assert.ok(match, `no problem at ${key}; got:\n${found.map((p) => `${p.path}: ${p.message}`).join("\n")}`);
    assert.match(match.message, pattern);
}

/** A prod config with the marketplace on, products for major 1. */
function withMarketplace(environment: "dev" | "prod" = "prod"): Record<string, any> {
    const c = baseConfig(environment);
    c.aws.marketplace = {
        enabled: true,
        accessRoleArn: "arn:aws:iam::123456789012:role/ingest",
        products: { "1": { x86_64: "prod-x86", arm64: "prod-arm" } },
        devProductId: "prod-dev",
    };
    return c;
}

/** The configs that AWS would refuse, each with the key validation must name. */
const badConfigs: Array<{ what: string; key: string; message: RegExp; config: () => Record<string, any> }> = [
    {
        what: "a KMS key without encryption",
        key: "aws.image.kmsKeyId",
        message: /is set while aws\.image\.encrypted is false, which AWS refuses; allowed: /,
        config: () => { const c = baseConfig("dev"); c.aws.image = { kmsKeyId: "alias/images" }; return c; },
    },
    {
        what: "NitroTPM with legacy BIOS boot",
        key: "aws.image.tpmSupport",
        message: /needs UEFI boot and aws\.image\.bootMode is legacy-bios; allowed: /,
        config: () => { const c = baseConfig(); c.aws.image = { bootMode: "legacy-bios", tpmSupport: true }; return c; },
    },
    {
        what: "the marketplace without us-east-1 among the regions",
        key: "aws.regions",
        message: /leaves out us-east-1, where AWS Marketplace reads the AMI of each version; allowed: /,
        config: () => { const c = withMarketplace(); c.aws.regions = ["eu-central-1", "eu-west-1"]; return c; },
    },
    {
        what: "a prod release whose major version has no product",
        key: "aws.marketplace.products.2",
        message: /is missing: release 2\.0 \(releases\[1\]\) has major version 2 and the marketplace is enabled; allowed: .*awsMarketplace: false on releases\[1\]/,
        config: () => { const c = withMarketplace(); c.releases.push({ ...copy(c.releases[0]), version: "2.0" }); return c; },
    },
    {
        what: "an unknown placeholder in the OS version",
        key: "aws.marketplace.osVersion",
        message: /uses the unknown placeholder \{minr\}; allowed: \{product\}, \{version\}, \{major\}, \{minor\}, \{arch\}, \{cloud\}/,
        config: () => { const c = withMarketplace(); c.aws.marketplace.osVersion = "{major}.{minr}"; return c; },
    },
    {
        what: "a deprecation date more than 10 years ahead",
        key: "releases[0].deprecated",
        message: /is more than 10 years ahead, which AWS refuses for an AMI; allowed: a date up to 2036-11-22/,
        config: () => { const c = baseConfig("dev"); c.releases[0].deprecated = "2036-11-23"; return c; },
    },
    {
        what: "a Marketplace version title that does not name the version",
        key: "aws.marketplace.versionTitle",
        message: /must contain \{version\}: a version title is unique within a product/,
        config: () => { const c = baseConfig(); c.aws.marketplace = { versionTitle: "{product} {major}.{minor}" }; return c; },
    },
    {
        what: "an unknown placeholder in the Marketplace version title",
        key: "aws.marketplace.versionTitle",
        message: /uses the unknown placeholder \{tag\}; allowed: \{product\}, \{version\}, \{major\}, \{minor\}, \{arch\}, \{variant\}$/,
        config: () => { const c = baseConfig(); c.aws.marketplace = { versionTitle: "{tag} {version}" }; return c; },
    },
    {
        what: "the cloud in the Marketplace release notes, which name the release only",
        key: "aws.marketplace.releaseNotes",
        message: /uses the unknown placeholder \{cloud\}; allowed: \{product\}, \{version\}/,
        config: () => { const c = baseConfig(); c.aws.marketplace = { releaseNotes: "{product} {version} on {cloud}" }; return c; },
    },
    {
        what: "an unknown placeholder in a release's own release notes",
        key: "releases[0].releaseNotes",
        message: /uses the unknown placeholders \{tag\}, \{date\}; allowed: \{product\}/,
        config: () => { const c = baseConfig(); c.releases[0].releaseNotes = "See {tag} of {date}"; return c; },
    },
    {
        what: "SR-IOV switched off",
        key: "aws.image.sriovNetSupport",
        message: /cannot be switched off: AWS registers every AMI with SR-IOV "simple"/,
        config: () => { const c = baseConfig(); c.aws.image = { sriovNetSupport: false }; return c; },
    },
];

describe("AWS config", () => {
    for (const bad of badConfigs) {
        it(`refuses ${bad.what}, naming ${bad.key}`, () => {
            refuses(bad.config(), bad.key, bad.message);
        });
    }

    it("accepts what each rule allows: an encrypted image with a key, TPM with UEFI, us-east-1 as source or copy, an unlisted release", () => {
        const encrypted = baseConfig("dev");
        encrypted.aws.image = { encrypted: true, kmsKeyId: "alias/images", bootMode: "uefi", tpmSupport: true };
        validateConfig(encrypted, { now: NOW });
        const source = withMarketplace();
        source.aws.sourceRegion = "us-east-1";
        source.aws.regions = ["eu-west-1"];
        validateConfig(source, { now: NOW });
        const unlisted = withMarketplace();
        unlisted.releases.push({ ...copy(unlisted.releases[0]), version: "2.0", awsMarketplace: false });
        const { releases } = validateConfig(unlisted, { now: NOW });
        assert.strictEqual(releases[1].awsMarketplace, false);
        assert.strictEqual(releases[0].awsMarketplace, undefined);
    });

    it("names the missing architecture when a major version maps only one of a release's", () => {
        const c = withMarketplace();
        c.aws.marketplace.products = { "1": { x86_64: "prod-x86" } };
        refuses(c, "aws.marketplace.products.1.arm64", /is missing: release 1\.0 \(releases\[0\]\) ships arm64/);
    });

    it("does not ask a dev stack for products: it publishes to the dev product only", () => {
        const c = withMarketplace("dev");
        c.releases.push({ ...copy(c.releases[0]), version: "2.0" });
        validateConfig(c, { now: NOW });
    });

    it("refuses a deprecation date more than 2 years ahead for public prod AMIs, and keeps a date that has passed as passed", () => {
        const c = baseConfig("prod");
        c.releases[0].deprecated = "2028-11-23";
        refuses(c, "releases[0].deprecated", /is more than 2 years ahead, which AWS refuses for a public AMI; allowed: a date up to 2028-11-22/);
        c.releases[0].deprecated = "2028-11-22";
        validateConfig(c, { now: NOW });
        c.releases[0].deprecated = "2025-06-30";
        const { releases } = validateConfig(c, { now: NOW });
        assert.deepStrictEqual(releases[0].deprecation, { time: "2025-06-30T00:00:00Z", date: "2025-06-30", passed: true });
    });

    it("refuses an AWS account ID of 13 digits, and of 11", () => {
        for (const account of ["1234567890123", "12345678901"]) {
            const c = baseConfig();
            c.aws.sharing.accounts = [account];
            refuses(c, "aws.sharing.accounts[0]", /is not an AWS account ID; allowed: 12 digits/);
        }
    });

    it("refuses an unknown placeholder in every template, naming it: the image name and an artifact URI", () => {
        const c = baseConfig();
        c.naming.image = "{product}-{verison}";
        c.releases[0].artifacts.aws = "s3://artifacts/{version}/{arch}.{format}";
        const found = problems(c);
        assert.match(found.find((p) => p.path === "image-publisher:naming.image")!.message, /unknown placeholder \{verison\}/);
        assert.match(found.find((p) => p.path === "image-publisher:releases[0].artifacts.aws")!.message, /unknown placeholder \{format\}/);
    });

    it("renders {minor}: 9.6.20250522 gives {major}.{minor} = 9.6", () => {
        assert.strictEqual(renderTemplate("{major}.{minor}", { product: "alma", version: "9.6.20250522" }), "9.6");
        assert.strictEqual(renderTemplate("{product}-{minor}-{arch}", { product: "alma", version: "10.0", arch: "arm64" }), "alma-0-arm64");
    });

    it("keeps {minor} out of the Azure definition SKU, which outlives releases like {version} and {major}", () => {
        const c = baseConfig();
        c.azure = {
            enabled: true, subscriptionId: "00000000-1111-2222-3333-444444444444", resourceGroup: { name: "rg" }, storageAccount: { name: "images" },
            gallery: { name: "g" }, image: { publisher: "acme", offer: "testlinux", sku: "{product}-{minor}" }, regions: [{ name: "westeurope" }],
        };
        c.releases[0].artifacts.azure = "https://artifacts.example.org/{version}/{arch}.vhd";
        refuses(c, "azure.image.sku", /names the release/);
    });

    it("sends the OS version {major}.{minor} as 9.6 to the Marketplace", async () => {
        const c = withMarketplace();
        c.releases[0].version = "9.6.20250522";
        c.aws.marketplace.products = { "9": { x86_64: "prod-x86", arm64: "prod-arm" } };
        c.aws.marketplace.osVersion = "{major}.{minor}";
        const run = await runMocked(() => publish({ now: NOW }), { stack: "prod", config: c });
        assert.strictEqual(named(run, "release-9.6.20250522-aws-x86_64-marketplace").inputs.osVersion, "9.6");
    });

    it("defaults the timeouts of import, copies and change set wait to 90, 60 and 150 minutes", () => {
        const { config } = validateConfig(baseConfig(), { now: NOW });
        assert.deepStrictEqual(config.aws.timeouts, { importMinutes: 90, copyMinutes: 60, marketplaceMinutes: 150 });
    });

    it("keeps the publish workflow's job limit above the longest default wait: import, AMI, one copy and the change set", () => {
        const { config } = validateConfig(baseConfig(), { now: NOW });
        const t = config.aws.timeouts;
        const amiMinutes = 30; // AwsImage's fixed create timeout of the AMI
        const longest = t.importMinutes + amiMinutes + t.copyMinutes + t.marketplaceMinutes;
        const workflow = parse(fs.readFileSync(".github/workflows/publish.yml", "utf8")) as { jobs: { publish: { "timeout-minutes": number } } };
        const limit = workflow.jobs.publish["timeout-minutes"];
        assert.strictEqual(longest, 330);
        assert.ok(limit > longest, `job limit ${limit} min is not above the default waits of ${longest} min`);
        // GitHub-hosted runners stop every job at 360 minutes, whatever the workflow says.
        assert.ok(limit <= 360);
    });

    it("registers nothing when AWS config is bad", async () => {
        await assert.rejects(runMocked(() => publish({ now: NOW }), { stack: "prod", config: badConfigs[1].config() }), (error: ProgramError) => {
            assert.match(error.message, /image-publisher:aws\.image\.tpmSupport: true needs UEFI boot/);
            assert.deepStrictEqual(error.registered, []);
            return true;
        });
    });

    it("makes the offline plan refuse each bad combination, naming the key and printing no plan", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aws-plan-"));
        for (const [i, bad] of badConfigs.entries()) {
            const file = path.join(dir, `Pulumi.bad${i}.yaml`);
            fs.writeFileSync(file, stringify({ config: Object.fromEntries(Object.entries(bad.config()).map(([k, v]) => [`image-publisher:${k}`, v])) }));
            let out = "";
            let err = "";
            const code = await main(["--stack", bad.config().environment, "--config", file, "--now", "2026-11-22"],
                { out: (t) => { out += t; }, err: (t) => { err += t; } });
            assert.strictEqual(code, 1, bad.what);
            assert.strictEqual(out, "", bad.what);
            assert.ok(err.includes(`image-publisher:${bad.key}:`), `${bad.what}: ${err}`);
        }
    });
});
