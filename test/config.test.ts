import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, artifactExtension, bucketAndKey, loadConfig, validateConfig } from "../components/config";
import { closest } from "../components/config/checks";
import { publish } from "../stacks/program";
import { ProgramError } from "../tools/mocks";
import { baseConfig, copy } from "./fixtures/config";
import { cliConfig, runMocked } from "./mocks";
import { problems, refuses } from "./helpers/config-problems";


describe("Stack config", () => {
    it("accepts a complete config and fills in the defaults", () => {
        const { config, releases } = validateConfig(baseConfig());
        assert.strictEqual(config.aws.importRoleName, "vmimport");
        assert.strictEqual(config.aws.image.bootMode, "uefi-preferred");
        assert.deepStrictEqual(releases[0].artifacts.aws.arm64, { uri: "s3://artifacts/1.0/testlinux-1.0-arm64.raw" });
        assert.strictEqual(releases[0].major, "1");
    });

    it("refuses a duplicate version", () => {
        const c = baseConfig();
        c.releases.push(copy(c.releases[0]));
        refuses(c, "image-publisher:releases[1].version", /duplicates releases\[0\]\.version/);
    });

    it("refuses an enabled cloud with an architecture that has no artifact", () => {
        const c = baseConfig();
        c.releases[0].artifacts.aws = { x86_64: "s3://artifacts/a.raw" };
        refuses(c, "image-publisher:releases[0].artifacts.aws.arm64", /aws is enabled and release 1\.0 ships arm64/);
    });

    it("refuses a region that is not in the committed catalogue, and suggests the nearest", () => {
        const c = baseConfig();
        c.aws.regions = ["eu-central-1", "eu-wset-1"];
        refuses(c, "image-publisher:aws.regions[1]", /is not a known region \(did you mean eu-west-1\?\)/);
    });

    it("refuses public sharing in a dev stack, on every cloud", () => {
        const c = baseConfig("dev");
        c.aws.sharing.public = true;
        c.gcp = { enabled: true, project: "test-project", sharing: { public: true } };
        c.alicloud = { enabled: true, sharing: { public: true } };
        c.openstack = { enabled: true, visibility: "community", clouds: [] };
        c.releases[0].artifacts.gcp = "gs://b/{arch}-gcpimage.tar.gz";
        c.releases[0].artifacts.alicloud = "oss://b/{arch}.qcow2";
        c.releases[0].artifacts.openstack = "https://h/{arch}.qcow2";
        const found = problems(c).map((p) => p.path);
        for (const path of ["aws.sharing.public", "gcp.sharing.public", "alicloud.sharing.public", "openstack.visibility"]) {
            assert.ok(found.includes(`image-publisher:${path}`), `${path} not refused; got ${found.join(", ")}`);
        }
    });

    it("refuses a public AWS image together with encrypted snapshots", () => {
        const c = baseConfig("prod");
        c.aws.image = { encrypted: true };
        refuses(c, "image-publisher:aws.image.encrypted", /cannot share/);
    });

    it("refuses a malformed version, naming the value and what is allowed", () => {
        const c = baseConfig();
        c.releases[0].version = "v1.0";
        const p = problems(c).find((x) => x.path === "image-publisher:releases[0].version");
        assert.ok(p);
        assert.strictEqual(p.value, "v1.0");
        assert.match(p.message, /allowed: MAJOR\.MINOR/);
    });

    it("refuses a malformed artifact URI", () => {
        const c = baseConfig();
        c.releases[0].artifacts.aws = "https://example.com/a.raw";
        refuses(c, "image-publisher:releases[0].artifacts.aws", /allowed: s3:\/\/ or file:\/\//);
    });

    it("refuses a malformed account ID", () => {
        const c = baseConfig();
        c.aws.sharing.accounts = ["12345"];
        refuses(c, "image-publisher:aws.sharing.accounts[0]", /allowed: 12 digits/);
    });

    it("refuses a misspelt key of the project's namespace, and one inside a block", () => {
        const c = baseConfig();
        c.relases = c.releases;
        c.aws.regoins = ["eu-west-1"];
        const found = problems(c);
        assert.ok(found.some((p) => p.path === "image-publisher:relases" && /did you mean image-publisher:releases/.test(p.message)));
        assert.ok(found.some((p) => p.path === "image-publisher:aws" && /unknown key "regoins"/.test(p.message)));
    });

    it("reports every problem at once, in one message", () => {
        const c = baseConfig();
        c.releases[0].version = "1";
        c.aws.sharing.accounts = ["x"];
        c.environment = "staging";
        const error = (() => { try { validateConfig(c); } catch (e) { return e as ConfigError; } return undefined; })();
        assert.ok(error instanceof ConfigError);
        assert.strictEqual(error.problems.length, 3);
        assert.match(error.message, /3 problems/);
        assert.match(error.message, /image-publisher:environment: "staging" Invalid option: expected one of "dev"\|"prod"/);
    });

    it("turns keepLast into a warning that names the releases it would retire", () => {
        const c = baseConfig();
        c.retention = { keepLast: 1 };
        c.releases.push({ ...copy(c.releases[0]), version: "1.1" }, { ...copy(c.releases[0]), version: "1.10" });
        const { warnings } = validateConfig(c);
        assert.strictEqual(warnings.length, 1);
        assert.match(warnings[0], /retire these .*: 1\.0, 1\.1$/);
    });

    it("resolves a deprecation date to its midnight UTC, passed from that instant on by the clock it is given", () => {
        const c = baseConfig();
        c.releases[0].deprecated = "2027-01-31";
        const at = (now: string) => validateConfig(c, { now: new Date(now) }).releases[0].deprecation;
        assert.deepStrictEqual(at("2026-11-22T15:00:00Z"), { time: "2027-01-31T00:00:00Z", date: "2027-01-31", passed: false });
        assert.deepStrictEqual(at("2027-01-30T23:59:59.999Z"), { time: "2027-01-31T00:00:00Z", date: "2027-01-31", passed: false });
        assert.deepStrictEqual(at("2027-01-31T00:00:00Z"), { time: "2027-01-31T00:00:00Z", date: "2027-01-31", passed: true });
        assert.deepStrictEqual(at("2027-06-01T12:00:00Z"), { time: "2027-01-31T00:00:00Z", date: "2027-01-31", passed: true });
    });

    it("gives a release without a date no deprecation", () => {
        const { releases } = validateConfig(baseConfig(), { now: new Date("2026-11-22T15:00:00Z") });
        assert.strictEqual(releases[0].deprecation, undefined);
    });

    it("refuses deprecated: true and false, naming the key, the value, the date it takes and the command that writes it", () => {
        for (const value of [true, false]) {
            const c = baseConfig();
            c.releases[0].deprecated = value;
            assert.throws(() => validateConfig(c), (error: Error) => {
                assert.match(error.message, new RegExp(`image-publisher:releases\\[0\\]\\.deprecated: ${value} is not a date; allowed: YYYY-MM-DD, the UTC day the release is deprecated from, or no key while it is current; \`npm run release -- deprecate VERSION\` writes today's date \\(UTC\\)`));
                return true;
            });
        }
    });

    it("refuses a deprecation that is not a calendar date", () => {
        const c = baseConfig();
        c.releases[0].deprecated = "2027-02-30";
        assert.throws(() => validateConfig(c), /image-publisher:releases\[0\]\.deprecated: "2027-02-30" is not a date; allowed: YYYY-MM-DD/);
    });
});

describe("The stack program with bad config", () => {
    it("fails with the validation message and registers nothing", async () => {
        const c = baseConfig("dev");
        c.aws.sharing.public = true;
        c.releases[0].version = "one";
        await assert.rejects(runMocked(() => publish(), { stack: "dev", config: c }), (error: ProgramError) => {
            assert.match(error.message, /image-publisher:aws\.sharing\.public: true makes images public in a dev stack/);
            assert.match(error.message, /image-publisher:releases\[0\]\.version: "one" is not a valid version/);
            assert.deepStrictEqual(error.registered, []);
            return true;
        });
    });

    it("refuses deprecated: true before anything is registered", async () => {
        const c = baseConfig("dev");
        c.releases[0].deprecated = true;
        await assert.rejects(runMocked(() => publish(), { stack: "dev", config: c }), (error: ProgramError) => {
            assert.match(error.message, /image-publisher:releases\[0\]\.deprecated: true is not a date; allowed: YYYY-MM-DD/);
            assert.match(error.message, /npm run release -- deprecate VERSION/);
            assert.deepStrictEqual(error.registered, []);
            return true;
        });
    });
});

describe("Stack config for Azure", () => {
    const azure = () => {
        const c = baseConfig("prod");
        c.releases[0].artifacts.azure = "https://artifacts.example.org/{version}/{arch}.vhd";
        c.azure = {
            enabled: true, resourceGroup: { name: "rg" }, storageAccount: { name: "images" }, gallery: { name: "g" },
            image: { publisher: "acme", offer: "testlinux" }, regions: [{ name: "westeurope" }],
        };
        return c;
    };

    it("accepts a complete Azure block", () => {
        assert.strictEqual(validateConfig(azure()).config.azure?.transferMode, "server-side");
    });

    it("refuses Group as the deployer type: the signed-in identity that gets the blob data role is a user or a service principal", () => {
        const c = azure();
        c.azure.storageAccount = { name: "images", deployerType: "Group" };
        refuses(c, "image-publisher:azure.storageAccount.deployerType", /allowed: ServicePrincipal, User/);
        c.azure.storageAccount = { name: "images", deployerType: "User" };
        assert.strictEqual(validateConfig(c).config.azure?.storageAccount.deployerType, "User");
    });

    it("refuses arm64 without Hyper-V generation 2", () => {
        const c = azure();
        c.azure.image.hyperVGenerations = ["V1"];
        refuses(c, "image-publisher:azure.image.hyperVGenerations", /arm64 images only as Hyper-V generation 2/);
    });

    it("refuses a definition SKU that names the release", () => {
        const c = azure();
        c.azure.image.sku = "{product}-{version}";
        refuses(c, "image-publisher:azure.image.sku", /outlives releases/);
    });

    it("refuses community sharing in dev and an unknown Azure region", () => {
        const c = azure();
        c.environment = "dev";
        c.aws.sharing.public = false;
        c.azure.sharing = { community: true };
        c.azure.regions = [{ name: "westeurop" }];
        const found = problems(c).map((p) => p.path);
        assert.ok(found.includes("image-publisher:azure.sharing.community"));
        assert.ok(found.includes("image-publisher:azure.regions[0].name"));
    });

    it("asks for the Partner Center secret when the offer is enabled", () => {
        const c = azure();
        c.azure.marketplace = {
            enabled: true, offerId: "o", planId: "p",
            tenantId: "00000000-0000-0000-0000-000000000001", clientId: "00000000-0000-0000-0000-000000000002",
        };
        refuses(c, "image-publisher:secrets.partnerCenterClientSecret", /pulumi config set --secret/);
    });
});

describe("Stack config cross-checks", () => {
    /** The paths of every problem, or [] when the config is accepted. */
    const pathsOf = (config: Record<string, unknown>): string[] => {
        try {
            validateConfig(config);
            return [];
        } catch (error) {
            assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
            return error.problems.map((p) => p.path);
        }
    };

    it("refuses unblockPublicAccess in a dev stack, and allows it in prod", () => {
        const dev = baseConfig("dev");
        dev.aws.sharing.unblockPublicAccess = true;
        refuses(dev, "image-publisher:aws.sharing.unblockPublicAccess", /unblocks public AMIs in a dev stack; allowed: false in dev/);
        const prod = baseConfig("prod");
        prod.aws.sharing.unblockPublicAccess = true;
        assert.deepStrictEqual(pathsOf(prod), []);
    });

    describe("the AWS Marketplace", () => {
        const roleArn = "arn:aws:iam::123456789012:role/marketplace-ami-ingestion";
        const marketplace = (environment: "dev" | "prod", block: Record<string, unknown>) => {
            const c = baseConfig(environment);
            c.aws.sharing.public = false;
            c.aws.marketplace = { enabled: true, ...block };
            return c;
        };

        it("accepts a prod block with the access role and products, and a dev block with the role and the dev product", () => {
            assert.deepStrictEqual(pathsOf(marketplace("prod", { accessRoleArn: roleArn, products: { 1: { x86_64: "prod-x86", arm64: "prod-arm" } } })), []);
            assert.deepStrictEqual(pathsOf(marketplace("dev", { accessRoleArn: roleArn, devProductId: "prod-test" })), []);
        });

        it("refuses an enabled marketplace without accessRoleArn", () => {
            refuses(marketplace("prod", { products: { 1: { x86_64: "prod-x86" } } }), "image-publisher:aws.marketplace.accessRoleArn",
                /is missing: the marketplace is enabled; allowed: the ARN of the role/);
        });

        it("refuses a dev stack without devProductId, which prod does not need", () => {
            refuses(marketplace("dev", { accessRoleArn: roleArn }), "image-publisher:aws.marketplace.devProductId",
                /is missing: a dev stack only ever publishes to the dev\/test product/);
            assert.ok(!pathsOf(marketplace("prod", { accessRoleArn: roleArn })).includes("image-publisher:aws.marketplace.devProductId"));
        });

        it("refuses empty products in prod, naming the value", () => {
            const found = problems(marketplace("prod", { accessRoleArn: roleArn })).find((p) => p.path === "image-publisher:aws.marketplace.products");
            assert.ok(found, "empty products accepted");
            assert.deepStrictEqual(found.value, {});
            assert.match(found.message, /is empty: the marketplace is enabled in prod; allowed: a map of major version/);
        });

        it("asks nothing of a marketplace that is switched off", () => {
            assert.deepStrictEqual(pathsOf(marketplace("dev", { enabled: false })), []);
        });
    });

    describe("Partner Center", () => {
        const offer = {
            enabled: true, offerId: "testlinux-offer", planId: "testlinux-plan",
            tenantId: "00000000-0000-0000-0000-000000000001", clientId: "00000000-0000-0000-0000-000000000002",
        };
        const azure = (environment: "dev" | "prod", marketplace: Record<string, unknown>) => {
            const c = baseConfig(environment);
            c.aws.enabled = false;
            c.releases[0].artifacts.azure = "https://artifacts.example.org/{version}/{arch}.vhd";
            c.azure = {
                enabled: true, resourceGroup: { name: "rg" }, storageAccount: { name: "images" }, gallery: { name: "g" },
                image: { publisher: "acme", offer: "testlinux" }, regions: [{ name: "westeurope" }], marketplace,
            };
            c.secrets = { partnerCenterClientSecret: "s3cret" };
            return c;
        };

        it("accepts a complete offer in prod, and in dev with its test offer", () => {
            assert.deepStrictEqual(pathsOf(azure("prod", offer)), []);
            assert.deepStrictEqual(pathsOf(azure("dev", { ...offer, devOfferId: "testlinux-test" })), []);
        });

        for (const field of ["offerId", "planId", "tenantId", "clientId"]) {
            it(`refuses an enabled offer without ${field}`, () => {
                const { [field]: _dropped, ...rest } = offer as Record<string, unknown>;
                assert.deepStrictEqual(pathsOf(azure("prod", rest)), [`image-publisher:azure.marketplace.${field}`]);
                refuses(azure("prod", rest), `image-publisher:azure.marketplace.${field}`, /is missing: the Partner Center offer is enabled/);
            });
        }

        it("refuses a dev stack without devOfferId", () => {
            assert.deepStrictEqual(pathsOf(azure("dev", offer)), ["image-publisher:azure.marketplace.devOfferId"]);
            refuses(azure("dev", offer), "image-publisher:azure.marketplace.devOfferId", /a dev stack only ever uses a test offer/);
        });
    });

    describe("GCP", () => {
        const gcp = (block: Record<string, unknown>) => {
            const c = baseConfig("prod");
            c.releases[0].artifacts.gcp = "gs://b/{arch}-gcpimage.tar.gz";
            c.gcp = { enabled: true, ...block };
            return c;
        };

        it("refuses an enabled GCP without project, and accepts one with it", () => {
            assert.deepStrictEqual(pathsOf(gcp({})), ["image-publisher:gcp.project"]);
            refuses(gcp({}), "image-publisher:gcp.project", /is missing: GCP is enabled; allowed: a project ID/);
            assert.deepStrictEqual(pathsOf(gcp({ project: "test-project" })), []);
        });
    });

    describe("OpenStack", () => {
        const cloud = (name: string, extra: Record<string, unknown> = { userName: "publisher" }) =>
            ({ name, authUrl: "https://keystone.example.org/v3", regions: ["r1"], ...extra });
        const openstack = (clouds: unknown[], secrets: Record<string, unknown> = {}) => {
            const c = baseConfig("prod");
            c.releases[0].artifacts.openstack = "https://h/{arch}.qcow2";
            c.openstack = { enabled: true, clouds };
            c.secrets = { openstack: secrets };
            return c;
        };

        it("accepts clouds with a password or an application credential", () => {
            assert.deepStrictEqual(pathsOf(openstack(
                [cloud("north"), cloud("south", { applicationCredentialId: "abc123" })],
                { north: { password: "pw" }, south: { applicationCredentialSecret: "cs" } },
            )), []);
        });

        it("refuses an enabled OpenStack with no cloud", () => {
            assert.deepStrictEqual(pathsOf(openstack([])), ["image-publisher:openstack.clouds"]);
            refuses(openstack([]), "image-publisher:openstack.clouds", /is empty: OpenStack is enabled; allowed: at least one cloud/);
        });

        it("refuses a cloud name given twice, at the second one", () => {
            const c = openstack([cloud("north"), cloud("north")], { north: { password: "pw" } });
            assert.deepStrictEqual(pathsOf(c), ["image-publisher:openstack.clouds[1].name"]);
            refuses(c, "image-publisher:openstack.clouds[1].name", /names a cloud twice; allowed: each name once/);
        });

        it("refuses a cloud whose credentials are missing, whichever kind it uses", () => {
            const noPassword = openstack([cloud("north")]);
            refuses(noPassword, "image-publisher:openstack.clouds[0]", /has no credentials; allowed: userName with secrets\.openstack\.north\.password/);
            const noUser = openstack([cloud("north", {})], { north: { password: "pw" } });
            assert.deepStrictEqual(pathsOf(noUser), ["image-publisher:openstack.clouds[0]"]);
            const noCredentialSecret = openstack([cloud("north", { applicationCredentialId: "abc123" })], { north: { password: "pw" } });
            assert.deepStrictEqual(pathsOf(noCredentialSecret), ["image-publisher:openstack.clouds[0]"]);
        });
    });
});

describe("Stack config messages and resolution", () => {
    it("says 1 problem, in the singular, and cuts a long value to 80 characters", () => {
        const c = baseConfig();
        c.releases[0].releaseNotes = 42;
        c.product.description = "x".repeat(100);
        c.naming = { image: `{product}-${"y".repeat(100)}-{nope}` };
        const error = (() => { try { validateConfig(c); } catch (e) { return e as ConfigError; } return undefined; })();
        assert.ok(error instanceof ConfigError);
        assert.strictEqual(error.problems.length, 2);
        assert.match(error.message, /^Invalid stack configuration \(2 problems\):\n/);
        const one = baseConfig();
        one.naming = { image: `{product}-${"y".repeat(100)}-{nope}` };
        const single = (() => { try { validateConfig(one); } catch (e) { return e as ConfigError; } return undefined; })();
        assert.ok(single instanceof ConfigError);
        assert.match(single.message, /^Invalid stack configuration \(1 problem\):\n {2}- image-publisher:naming\.image: "\{product\}-y{66}\.\.\. /);
    });

    it("puts each problem on its own line", () => {
        const c = baseConfig();
        c.environment = "staging";
        c.releases[0].version = "1";
        const error = (() => { try { validateConfig(c); } catch (e) { return e as ConfigError; } return undefined; })();
        assert.ok(error instanceof ConfigError);
        assert.deepStrictEqual(error.message.split("\n").map((line) => line.slice(0, 41)), [
            "Invalid stack configuration (2 problems):",
            "  - image-publisher:environment: \"staging",
            "  - image-publisher:releases[0].version: ",
        ]);
    });

    it("names a required key that is missing", () => {
        const c = baseConfig();
        delete c.product;
        const found = problems(c).find((p) => p.path === "image-publisher:product");
        assert.ok(found);
        assert.strictEqual(found.message, "is missing; it is required");
        assert.strictEqual(found.value, undefined);
    });

    it("suggests nothing for an unknown key that is close to none, and lists the keys allowed", () => {
        const c = baseConfig();
        c.zzzzzzzzzzzz = 1;
        refuses(c, "image-publisher:zzzzzzzzzzzz", /^is not a config key of this project; allowed: product, naming, environment, releases, /);
    });

    it("lists every unknown key of a block", () => {
        const c = baseConfig();
        c.aws.colour = "blue";
        c.aws.flavour = "mint";
        refuses(c, "image-publisher:aws", /^has unknown keys "colour", "flavour"$/);
    });

    it("still cross-checks the valid releases when another release is malformed", () => {
        const c = baseConfig();
        c.releases.push({ version: "v2" }, copy(c.releases[0]));
        const found = problems(c).map((p) => p.path);
        assert.ok(found.includes("image-publisher:releases[1].version"), found.join(", "));
        assert.ok(found.includes("image-publisher:releases[2].version"), "the duplicate of releases[0] is still found");
    });

    it("keeps each architecture's own artifact and its sha256, with the templates filled in", () => {
        const c = baseConfig();
        const sha = "a".repeat(64);
        c.releases[0].artifacts.aws = { x86_64: { uri: "s3://b/{product}-{version}-{arch}.raw", sha256: sha }, arm64: "s3://b/{cloud}/{arch}.raw" };
        const { releases } = validateConfig(c);
        assert.deepStrictEqual(releases[0].artifacts.aws, {
            x86_64: { uri: "s3://b/testlinux-1.0-x86_64.raw", sha256: sha },
            arm64: { uri: "s3://b/aws/arm64.raw" },
        });
        assert.deepStrictEqual(releases[0].artifacts.gcp, {});
        assert.strictEqual(releases[0].deprecation, undefined);
    });

    it("keeps one {uri, sha256} for every architecture", () => {
        const c = baseConfig();
        const sha = "b".repeat(64);
        c.releases[0].artifacts.aws = { uri: "s3://b/{arch}.raw", sha256: sha };
        const { releases } = validateConfig(c);
        assert.deepStrictEqual(releases[0].artifacts.aws.arm64, { uri: "s3://b/arm64.raw", sha256: sha });
    });

    it("does not count a release already marked retire or unpublish as live", () => {
        const c = baseConfig();
        c.retention = { keepLast: 1 };
        c.releases.push({ ...copy(c.releases[0]), version: "1.1" }, { ...copy(c.releases[0]), version: "0.9", unpublish: true });
        c.releases[0].retire = true;
        assert.deepStrictEqual(validateConfig(c).warnings, []);
    });

    it("refuses retire and unpublish on the same release, naming both", () => {
        const c = baseConfig();
        c.releases[0].retire = true;
        c.releases[0].unpublish = true;
        assert.throws(() => validateConfig(c), (e: ConfigError) =>
            e.problems.length === 1 && e.problems[0].path === "image-publisher:releases[0]" && /both retire and unpublish/.test(e.problems[0].message));
    });

    it("resolves retire, unpublish and neither to the release's lifecycle, and keeps reapplySettings", () => {
        const c = baseConfig();
        c.releases.push({ ...copy(c.releases[0]), version: "1.1", retire: true }, { ...copy(c.releases[0]), version: "1.2", unpublish: true, reapplySettings: true });
        const { releases } = validateConfig(c);
        assert.deepStrictEqual(releases.map((r) => [r.version, r.lifecycle, r.reapplySettings]),
            [["1.0", undefined, undefined], ["1.1", "retired", undefined], ["1.2", "unpublished", true]]);
    });

    it("warns about retention only beyond keepLast live releases, not counting deprecated ones", () => {
        const c = baseConfig();
        c.retention = { keepLast: 2 };
        c.releases.push({ ...copy(c.releases[0]), version: "1.1" }, { ...copy(c.releases[0]), version: "0.9", deprecated: "2026-01-01" });
        assert.deepStrictEqual(validateConfig(c).warnings, []);
        c.retention = { keepLast: 1 };
        assert.deepStrictEqual(validateConfig(c).warnings, [
            "image-publisher:retention.keepLast is 1 but 2 releases are live; retire these (`npm run release -- retire VERSION` sets retire: true; " +
            "once that is applied, remove the entry and its images stay public, dropped from the stack): 1.0",
        ]);
    });

    it("asks for a file:// artifact's upload bucket", () => {
        const c = baseConfig();
        c.releases[0].artifacts.aws = "file:///out/{arch}.raw";
        refuses(c, "image-publisher:aws.uploadBucket", /is missing: a release has a file:\/\/ artifact/);
        c.aws.uploadBucket = "uploads";
        assert.doesNotThrow(() => validateConfig(c));
    });

    it("refuses an architecture listed twice", () => {
        const c = baseConfig();
        c.releases[0].architectures = ["x86_64", "x86_64"];
        refuses(c, "image-publisher:releases[0].architectures", /lists an architecture twice/);
    });
});

describe("Stack config: regions, public sharing and partial configs", () => {
    /** The problems of a config as {path: value}, or {} when it is accepted. */
    const byPath = (config: Record<string, unknown>): Record<string, unknown> => {
        try {
            validateConfig(config);
            return {};
        } catch (error) {
            assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
            return Object.fromEntries(error.problems.map((p) => [p.path, p.value]));
        }
    };
    const everyCloud = (environment: "dev" | "prod") => {
        const c = baseConfig(environment);
        Object.assign(c.releases[0].artifacts, {
            azure: "https://h/{arch}.vhd", gcp: "gs://b/{arch}-gcpimage.tar.gz", alicloud: "oss://b/{arch}.qcow2", openstack: "https://h/{arch}.qcow2",
        });
        c.azure = {
            enabled: true, location: "westeurope", resourceGroup: { name: "rg" }, storageAccount: { name: "images" }, gallery: { name: "g" },
            image: { publisher: "acme", offer: "testlinux" }, regions: [{ name: "westeurope" }],
        };
        c.gcp = { enabled: true, project: "test-project" };
        c.alicloud = { enabled: true, sourceRegion: "eu-central-1", regions: ["eu-central-1"] };
        c.openstack = { enabled: true, clouds: [{ name: "lab", authUrl: "https://k.example.org/v3", regions: ["r1"], userName: "u" }] };
        c.secrets = { openstack: { lab: { password: "pw" } } };
        return c;
    };

    it("accepts every cloud switched on, public in prod", () => {
        const c = everyCloud("prod");
        c.gcp.sharing = { public: true };
        c.alicloud.sharing = { public: true };
        c.openstack.visibility = "community";
        c.azure.sharing = { community: true };
        c.azure.gallery = { name: "g", publicNamePrefix: "testlinux", publisherContact: "a@example.org", publisherUri: "https://example.org" };
        assert.deepStrictEqual(byPath(c), {});
        c.openstack.visibility = "public";
        assert.deepStrictEqual(byPath(c), {});
    });

    it("accepts every cloud switched on in dev, with nothing public", () => {
        const c = everyCloud("dev");
        c.openstack.visibility = "shared";
        assert.deepStrictEqual(byPath(c), {});
    });

    it("names each region outside the catalogue at its own key path", () => {
        const c = everyCloud("prod");
        c.aws.sourceRegion = "eu-centrl-1";
        c.azure.location = "westeurop";
        c.alicloud.sourceRegion = "eu-centrl-1";
        c.alicloud.regions = ["eu-central-1", "moon-1"];
        c.gcp.storageLocations = ["atlantis"];
        assert.deepStrictEqual(byPath(c), {
            "image-publisher:aws.sourceRegion": "eu-centrl-1",
            "image-publisher:azure.location": "westeurop",
            "image-publisher:alicloud.sourceRegion": "eu-centrl-1",
            "image-publisher:alicloud.regions[1]": "moon-1",
            "image-publisher:gcp.storageLocations[0]": "atlantis",
        });
        refuses(c, "image-publisher:azure.location", /^is not a known region \(did you mean westeurope\?\); allowed: a region of components\/config\/regions$/);
    });

    it("accepts regions: all for AWS without checking it against the catalogue", () => {
        const c = everyCloud("prod");
        c.aws.regions = "all";
        assert.deepStrictEqual(byPath(c), {});
    });

    it("refuses each public setting in dev with the value true and the reason", () => {
        const c = everyCloud("dev");
        c.aws.sharing.unblockPublicAccess = true;
        c.gcp.sharing = { public: true };
        c.alicloud.sharing = { public: true };
        c.openstack.visibility = "public";
        c.azure.sharing = { community: true };
        c.azure.gallery = { name: "g", publicNamePrefix: "testlinux", publisherContact: "a@example.org", publisherUri: "https://example.org" };
        assert.deepStrictEqual(byPath(c), {
            "image-publisher:aws.sharing.unblockPublicAccess": true,
            "image-publisher:azure.sharing.community": true,
            "image-publisher:gcp.sharing.public": true,
            "image-publisher:alicloud.sharing.public": true,
            "image-publisher:openstack.visibility": "public",
        });
        refuses(c, "image-publisher:gcp.sharing.public", /^makes images public in a dev stack; allowed: false in dev$/);
        refuses(c, "image-publisher:alicloud.sharing.public", /^makes images public in a dev stack; allowed: false in dev$/);
        refuses(c, "image-publisher:openstack.visibility", /^makes images public in a dev stack; allowed: private or shared in dev$/);
        refuses(c, "image-publisher:azure.sharing.community", /^shares the gallery with the community in a dev stack; allowed: false in dev$/);
    });

    it("refuses encrypted snapshots of public AMIs with the value true", () => {
        const c = baseConfig("prod");
        c.aws.image = { encrypted: true };
        assert.strictEqual(byPath(c)["image-publisher:aws.image.encrypted"], true);
    });

    it("asks for the gallery's public name, contact and URI when it is shared with the community", () => {
        const c = everyCloud("prod");
        c.azure.sharing = { community: true };
        assert.deepStrictEqual(Object.keys(byPath(c)), [
            "image-publisher:azure.gallery.publicNamePrefix", "image-publisher:azure.gallery.publisherContact", "image-publisher:azure.gallery.publisherUri",
        ]);
        refuses(c, "image-publisher:azure.gallery.publisherUri", /^is missing: community sharing needs it$/);
        c.azure.gallery.publisherUri = "https://example.org";
        assert.deepStrictEqual(Object.keys(byPath(c)), ["image-publisher:azure.gallery.publicNamePrefix", "image-publisher:azure.gallery.publisherContact"]);
    });

    it("asks for Hyper-V generation 2 when any release ships arm64, not when none does", () => {
        const c = everyCloud("prod");
        c.azure.image.hyperVGenerations = ["V1"];
        c.releases[0].architectures = ["x86_64"];
        assert.deepStrictEqual(byPath(c), {});
        c.releases.push({ ...copy(c.releases[0]), version: "1.1", architectures: ["x86_64", "arm64"] });
        assert.deepStrictEqual(Object.keys(byPath(c)), ["image-publisher:azure.image.hyperVGenerations"]);
    });

    it("reports the bad blocks, and no crash, when whole cloud blocks and secrets are invalid", () => {
        const c = everyCloud("prod");
        c.azure.marketplace = { enabled: true, offerId: "o", planId: "p", tenantId: "00000000-0000-0000-0000-000000000001", clientId: "00000000-0000-0000-0000-000000000002" };
        c.openstack.clouds[0] = { ...c.openstack.clouds[0], userName: undefined, applicationCredentialId: "cred" };
        c.secrets = { partnerCenterClientSecret: 7 };
        const found = byPath(c);
        assert.ok("image-publisher:secrets.partnerCenterClientSecret" in found, Object.keys(found).join(", "));
        assert.ok("image-publisher:openstack.clouds[0]" in found, "the application credential's secret is missing");
        for (const block of ["gcp", "alicloud", "openstack"]) {
            const d = everyCloud("prod");
            d[block] = { enabled: "yes" };
            assert.deepStrictEqual(Object.keys(byPath(d)), [`image-publisher:${block}.enabled`]);
        }
    });

    it("reports an enabled AWS whose release has no AWS artifact, without crashing on the upload-bucket check", () => {
        const c = baseConfig("prod");
        c.releases[0].artifacts = { gcp: "gs://b/{arch}-gcpimage.tar.gz" };
        assert.deepStrictEqual(Object.keys(byPath(c)), ["image-publisher:releases[0].artifacts.aws.x86_64", "image-publisher:releases[0].artifacts.aws.arm64"]);
    });

    it("refuses an empty release list", () => {
        const c = baseConfig();
        c.releases = [];
        assert.deepStrictEqual(Object.keys(byPath(c)), ["image-publisher:releases"]);
    });

    it("refuses a bad URI inside a per-architecture map at the architecture's path", () => {
        const c = baseConfig();
        c.releases[0].artifacts.aws = { x86_64: "s3://b/x.raw", arm64: "https://b/a.raw" };
        refuses(c, "image-publisher:releases[0].artifacts.aws.arm64", /^is not a valid artifact URI; allowed: s3:\/\/ or file:\/\//);
    });

    it("refuses a URI with text before the scheme or a space in the key", () => {
        for (const uri of ["x-s3://bucket/key.raw", "s3://bucket/key with space.raw"]) {
            const c = baseConfig();
            c.releases[0].artifacts.aws = uri;
            assert.deepStrictEqual(Object.keys(byPath(c)), ["image-publisher:releases[0].artifacts.aws"], uri);
        }
    });

    it("lists unknown keys in alphabetical order and shows a value of 80 characters whole", () => {
        const c = baseConfig();
        c.zeta = 1;
        c.alpha = 1;
        c.releases[0].releaseNotes = { text: "x".repeat(69) };
        const error = (() => { try { validateConfig(c); } catch (e) { return e as ConfigError; } return undefined; })();
        assert.ok(error instanceof ConfigError);
        assert.strictEqual(error.name, "ConfigError");
        assert.deepStrictEqual(error.problems.map((p) => p.path), ["image-publisher:alpha", "image-publisher:zeta", "image-publisher:releases[0].releaseNotes"]);
        assert.ok(error.message.includes(`${JSON.stringify({ text: "x".repeat(69) })} `), "an 80-character value is not cut");
    });

    it("takes the major version as the number before the first dot, and fills in {major}", () => {
        const c = baseConfig();
        c.releases[0].version = "10.2";
        c.releases[0].artifacts.aws = "s3://b/{major}/{version}/{arch}.raw";
        const { releases } = validateConfig(c);
        assert.strictEqual(releases[0].major, "10");
        assert.deepStrictEqual(releases[0].artifacts.aws.arm64, { uri: "s3://b/10/10.2/arm64.raw" });
    });

    it("names the releases to retire oldest first, whatever order they are listed in", () => {
        const c = baseConfig();
        c.retention = { keepLast: 1 };
        c.releases = ["1.10", "1.2", "1.9"].map((version) => ({ ...copy(c.releases[0]), version }));
        assert.match(validateConfig(c).warnings[0], /retire these \(.*\): 1\.2, 1\.9$/);
    });
});

describe("closest", () => {
    it("counts the last letter too, and suggests up to three edits away", () => {
        assert.strictEqual(closest("abcx", ["abcd", "abcx"]), "abcx");
        assert.strictEqual(closest("abcxyz", ["abc"]), "abc");
        assert.strictEqual(closest("abcwxyz", ["abc"]), undefined);
        assert.strictEqual(closest("abc", []), undefined);
    });
});

describe("Artifact URIs", () => {
    it("have an extension, lower case, without the query, and tar.gz as one", () => {
        assert.strictEqual(artifactExtension("https://h/a/Image.VHD?sig=a.b"), "vhd");
        assert.strictEqual(artifactExtension("gs://b/x-gcpimage.tar.gz"), "tar.gz");
        assert.strictEqual(artifactExtension("s3://b/noextension"), "");
        assert.strictEqual(artifactExtension("s3://b/a.raw.bak-"), "");
    });

    it("split into bucket and key", () => {
        assert.deepStrictEqual(bucketAndKey("s3://my-bucket/path/to/a.raw"), { bucket: "my-bucket", key: "path/to/a.raw" });
        assert.deepStrictEqual(bucketAndKey("oss2://b/k"), { bucket: "b", key: "k" });
        assert.throws(() => bucketAndKey("s3://bucket-only"), /^Error: not a bucket URI: s3:\/\/bucket-only$/);
        assert.throws(() => bucketAndKey("x s3://b/k"), /not a bucket URI/);
        assert.throws(() => bucketAndKey("s3://b/k\nmore"), /not a bucket URI/);
    });
});

describe("Reading the stack config as the CLI hands it over", () => {
    /** What loadConfig makes of this CLI config: the validated config, or the error. */
    const load = (config: Record<string, string>) => {
        pulumi.runtime.setAllConfig(config, []);
        try {
            return loadConfig();
        } catch (error) {
            return error as Error;
        } finally {
            pulumi.runtime.setAllConfig({}, []);
        }
    };

    it("takes only the project's namespace, and parses JSON with spaces around it", () => {
        const c = baseConfig("dev");
        const loaded = load({ ...cliConfig(c), "aws:region": "eu-west-1", "image-publisher:product": ` ${JSON.stringify(c.product)} ` });
        assert.ok(!(loaded instanceof Error), String(loaded));
        assert.strictEqual(loaded.config.product.name, "testlinux");
    });

    it("keeps other text as it is: a value with a space is not trimmed into a valid one", () => {
        const loaded = load({ ...cliConfig(baseConfig("prod")), "image-publisher:environment": " prod" });
        assert.ok(loaded instanceof Error);
        assert.match(loaded.message, /image-publisher:environment: " prod" Invalid option/);
    });

    it("parses only JSON objects and arrays: a number stays text", () => {
        const loaded = load({ ...cliConfig(baseConfig("prod")), "image-publisher:environment": "42" });
        assert.ok(loaded instanceof Error);
        assert.match(loaded.message, /image-publisher:environment: "42" Invalid option/);
    });

    it("keeps the whole key after the namespace", () => {
        const loaded = load({ ...cliConfig(baseConfig("prod")), "image-publisher:aws:extra": "x" });
        assert.ok(loaded instanceof Error);
        assert.match(loaded.message, /image-publisher:aws:extra: is not a config key of this project/);
    });

    it("parses true and false as booleans, and leaves text that is not JSON as text", () => {
        const loaded = load({ ...cliConfig(baseConfig("prod")), "image-publisher:naming": "true", "image-publisher:retention": "false", "image-publisher:releases": "[not json" });
        assert.ok(loaded instanceof Error);
        assert.match(loaded.message, /image-publisher:naming: true Invalid input: expected object, received boolean/);
        assert.match(loaded.message, /image-publisher:retention: false Invalid input: expected object, received boolean/);
        assert.match(loaded.message, /image-publisher:releases: "\[not json" Invalid input: expected array, received string/);
    });
});

describe("Stack config: unions, odd values and empty lists", () => {
    it("reports a bad entry of a list inside a union at the entry, and a value of no branch at the key", () => {
        const c = baseConfig();
        c.aws.regions = ["eu-west-1", ""];
        refuses(c, "image-publisher:aws.regions[1]", /^must not be empty$/);
        c.aws.regions = 5;
        const found = problems(c).find((p) => p.path === "image-publisher:aws.regions");
        assert.ok(found, "a number is neither all nor a list");
        assert.strictEqual(found.value, 5);
    });

    it("gives the empty cloud list as the value of that problem", () => {
        const c = baseConfig();
        c.releases[0].artifacts.openstack = "https://h/{arch}.qcow2";
        c.openstack = { enabled: true, clouds: [] };
        assert.deepStrictEqual(problems(c).find((p) => p.path === "image-publisher:openstack.clouds")?.value, []);
    });

    it("says so when a region is close to no known one", () => {
        const c = baseConfig();
        c.aws.regions = ["mars-north-7"];
        refuses(c, "image-publisher:aws.regions[0]", /^is not a known region; allowed: a region of components\/config\/regions$/);
    });

    it("has no warning without retention", () => {
        assert.deepStrictEqual(validateConfig(baseConfig()).warnings, []);
    });

    it("cross-checks Azure without crashing when the releases are malformed", () => {
        const azure = {
            enabled: true, resourceGroup: { name: "rg" }, storageAccount: { name: "images" }, gallery: { name: "g" },
            image: { publisher: "acme", offer: "testlinux" }, regions: [{ name: "westeurope" }],
        };
        const one = baseConfig();
        one.azure = azure;
        one.releases = [{ version: "x" }];
        assert.deepStrictEqual(problems(one).map((p) => p.path), ["image-publisher:releases[0].version", "image-publisher:releases[0].artifacts"]);
        const none = baseConfig();
        none.azure = azure;
        none.releases = "1.0";
        assert.deepStrictEqual(problems(none).map((p) => p.path), ["image-publisher:releases"]);
    });
});
