import * as assert from "assert";
import * as path from "path";
import { main as plan } from "../tools/plan";
import { ConfigError, validateConfig } from "../components/config";
import { publish } from "../stacks/program";
import { ProgramError } from "../tools/mocks";
import { baseConfig, copy } from "./fixtures/config";
import { runMocked } from "./mocks";

/** The problems validation reports for this config; fails when it accepts it. */
function problems(config: Record<string, unknown>, options: Parameters<typeof validateConfig>[1] = {}): ConfigError["problems"] {
    try {
        validateConfig(config, options);
    } catch (error) {
        assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
        return error.problems;
    }
    return assert.fail("the config was accepted");
}

/** The one problem at `path`, whose message matches `pattern`. */
function refuses(config: Record<string, unknown>, path: string, pattern: RegExp, value?: unknown): ConfigError["problems"][number] {
    const found = problems(config);
    const match = found.filter((p) => p.path === path && pattern.test(p.message));
    assert.strictEqual(match.length, 1, `want one problem at ${path} matching ${pattern}; got:\n${found.map((p) => `${p.path}: ${JSON.stringify(p.value)} ${p.message}`).join("\n")}`);
    if (value !== undefined) {
        assert.deepStrictEqual(match[0].value, value);
    }
    return match[0];
}

/** A release like the base config's, at another version. */
function release(c: Record<string, any>, version: string): Record<string, unknown> {
    return { ...copy(c.releases[0]), version };
}

/** The base config with every cloud switched on, so that each cloud's name rules apply. */
function allClouds(environment: "dev" | "prod" = "prod"): Record<string, any> {
    const c = baseConfig(environment);
    c.releases[0].artifacts = {
        aws: "s3://artifacts/{version}/{arch}.raw",
        azure: "https://artifacts.example.org/{version}/{arch}.vhd",
        gcp: "gs://artifacts/{version}/{arch}-gcpimage.tar.gz",
        alicloud: "oss://artifacts/{version}/{arch}.qcow2",
        openstack: "https://artifacts.example.org/{version}/{arch}.qcow2",
    };
    c.azure = {
        enabled: true, resourceGroup: { name: "rg" }, storageAccount: { name: "images" }, gallery: { name: "g" },
        image: { publisher: "acme", offer: "testlinux" }, regions: [{ name: "westeurope" }],
    };
    c.gcp = { enabled: true, project: "test-project" };
    c.alicloud = { enabled: true };
    c.openstack = { enabled: true, clouds: [{ name: "lab", authUrl: "https://keystone.example.org/v3", regions: ["RegionOne"], userName: "u" }] };
    c.secrets = { openstack: { lab: { password: "pw" } } };
    return c;
}

describe("Stack config: duplicates in lists", () => {
    const cases: [string, (c: Record<string, any>) => void, string, unknown][] = [
        ["aws.sharing.accounts", (c) => { c.aws.sharing.accounts = ["123456789012", "210987654321", "123456789012"]; }, "aws.sharing.accounts[2]", "123456789012"],
        ["aws.regions", (c) => { c.aws.regions = ["eu-west-1", "eu-west-1"]; }, "aws.regions[1]", "eu-west-1"],
        ["aws.sharing.organizations", (c) => {
            c.aws.sharing.organizations = ["arn:aws:organizations::123456789012:organization/o-abcdefghij", "arn:aws:organizations::123456789012:organization/o-abcdefghij"];
        }, "aws.sharing.organizations[1]", "arn:aws:organizations::123456789012:organization/o-abcdefghij"],
        ["aws.sharing.organizationalUnits", (c) => {
            const ou = "arn:aws:organizations::123456789012:ou/o-abcdefghij/ou-abcd-abcdefgh";
            c.aws.sharing.organizationalUnits = [ou, ou];
        }, "aws.sharing.organizationalUnits[1]", "arn:aws:organizations::123456789012:ou/o-abcdefghij/ou-abcd-abcdefgh"],
        ["azure.regions", (c) => { c.azure.regions = [{ name: "westeurope" }, { name: "northeurope" }, { name: "westeurope", replicaCount: 2 }]; }, "azure.regions[2].name", "westeurope"],
        ["gcp.sharing.members", (c) => { c.gcp.sharing = { members: ["group:a@example.org", "group:a@example.org"] }; }, "gcp.sharing.members[1]", "group:a@example.org"],
        ["alicloud.regions", (c) => { c.alicloud.regions = ["eu-central-1", "eu-central-1"]; }, "alicloud.regions[1]", "eu-central-1"],
        ["alicloud.sharing.accounts", (c) => { c.alicloud.sharing = { accounts: ["1234567890", "1234567890"] }; }, "alicloud.sharing.accounts[1]", "1234567890"],
        ["openstack.clouds[].regions", (c) => { c.openstack.clouds[0].regions = ["RegionOne", "RegionOne"]; }, "openstack.clouds[0].regions[1]", "RegionOne"],
    ];
    for (const [list, change, path, value] of cases) {
        it(`refuses a value listed twice in ${list}, naming the key and the value`, () => {
            const c = allClouds();
            change(c);
            const p = refuses(c, `image-publisher:${path}`, /repeats .*; allowed: each value once/, value);
            assert.match(p.message, new RegExp(`repeats ${list.replace(/[[\].]/g, "\\$&").replace("\\[\\]", "\\[0\\]")}`));
        });
    }

    it("refuses a duplicate account before registering anything, where the engine would have stopped at a duplicate resource name", async () => {
        const c = baseConfig("prod");
        c.aws.sharing.accounts = ["123456789012", "123456789012"];
        await assert.rejects(runMocked(() => publish(), { stack: "prod", config: c }), (error: ProgramError) => {
            assert.match(error.message, /image-publisher:aws\.sharing\.accounts\[1\]: "123456789012" repeats aws\.sharing\.accounts\[0\]/);
            assert.doesNotMatch(error.message, /duplicate resource name/);
            assert.deepStrictEqual(error.registered, []);
            return true;
        });
    });
});

describe("Stack config: names rendered from the naming template", () => {
    it("refuses a template without {version}, since every release would get one name", () => {
        const c = baseConfig();
        c.naming.image = "{product}-{arch}";
        refuses(c, "image-publisher:naming.image", /has no \{version\}.*allowed: a template with both \{version\} and \{arch\}/, "{product}-{arch}");
    });

    it("refuses a template without {arch}, since both architectures would get one name", () => {
        const c = baseConfig();
        c.naming.image = "{product}-{major}-{version}";
        refuses(c, "image-publisher:naming.image", /has no \{arch\}/);
    });

    it("refuses two versions that Azure reads as one gallery version (1592.4 and 1592.04)", () => {
        const c = allClouds();
        c.releases[0].version = "1592.4";
        c.releases.push(release(c, "1592.04"));
        refuses(c, "image-publisher:releases[1].version", /is Azure gallery image version 1592\.4\.0, like releases\[0\]\.version/, "1592.04");
    });

    it("refuses 1592.4 beside 1592.4.0, which Azure also makes one version", () => {
        const c = allClouds();
        c.releases[0].version = "1592.4";
        c.releases.push(release(c, "1592.4.0"));
        refuses(c, "image-publisher:releases[1].version", /1592\.4\.0/);
    });

    it("accepts 1592.4 beside 1592.04 when Azure is off: the other clouds keep the version as written", () => {
        const c = baseConfig();
        c.releases[0].version = "1592.4";
        c.releases.push(release(c, "1592.04"));
        assert.strictEqual(validateConfig(c).releases.length, 2);
    });

    it("refuses a version whose Azure form overflows a 32-bit part", () => {
        const c = allClouds();
        c.releases[0].version = "99999999999.0";
        refuses(c, "image-publisher:releases[0].version", /allowed: each part at most 2147483647/, "99999999999.0");
    });

    it("accepts the largest part Azure takes, 2147483647", () => {
        const c = allClouds();
        c.releases[0].version = "2147483647.0";
        assert.strictEqual(validateConfig(c).releases[0].version, "2147483647.0");
    });

    it("refuses an AMI name with a character EC2 refuses, with the rule in the message", () => {
        const c = baseConfig();
        c.naming.image = "{product}:{version}:{arch}";
        refuses(c, "image-publisher:naming.image", /renders "testlinux:1\.0:x86_64" for aws \(releases\[0\] x86_64\); allowed: an AMI name is 3-128 letters/);
    });

    it("refuses an AMI name longer than 128 characters", () => {
        const c = baseConfig();
        c.naming.image = `${"x".repeat(120)}-{version}-{arch}`;
        const found = problems(c).filter((p) => p.path === "image-publisher:naming.image");
        assert.strictEqual(found.length, 2, found.map((p) => p.message).join("\n"));
        assert.match(found[0].message, /for aws \(releases\[0\] x86_64\); allowed: an AMI name is 3-128/);
        assert.match(found[1].message, /for aws \(releases\[0\] arm64\)/);
    });

    it("refuses an AliCloud image name that does not start with a letter", () => {
        const c = allClouds();
        c.naming.image = "{version}-{arch}";
        refuses(c, "image-publisher:naming.image", /renders "1\.0-x86_64" for alicloud .*starting with a letter/);
    });

    it("refuses an AliCloud image name with a space, which EC2 takes", () => {
        const c = allClouds();
        c.naming.image = "{product} {version} {arch}";
        const found = problems(c).filter((p) => p.path === "image-publisher:naming.image").map((p) => p.message);
        assert.ok(found.some((m) => /for alicloud \(releases\[0\] x86_64\); allowed: an AliCloud image name is 2-128 letters, digits and \. : _ -/.test(m)), found.join("\n"));
        assert.ok(!found.some((m) => /for aws/.test(m)), found.join("\n"));
    });

    it("refuses a Glance name longer than 255 characters", () => {
        const c = allClouds();
        c.azure.enabled = false;
        c.alicloud.enabled = false;
        c.aws.enabled = false;
        c.naming.image = `${"g".repeat(250)}-{version}-{arch}`;
        refuses(c, "image-publisher:naming.image", /for openstack \(releases\[0\] x86_64\); allowed: a Glance image name is 1-255 characters/);
    });

    it("refuses an Azure blob name with a character that a URL reserves", () => {
        const c = allClouds();
        c.aws.enabled = false;
        c.alicloud.enabled = false;
        c.naming.image = "{product}#{version}-{arch}";
        refuses(c, "image-publisher:naming.image", /renders "testlinux#1\.0-x86_64\.vhd" for azure .*an Azure blob name/);
    });

    it("refuses two images with one name in a cloud, naming both releases", () => {
        const c = allClouds();
        c.releases.push(release(c, "1.0"));
        const found = problems(c).filter((p) => p.path === "image-publisher:naming.image").map((p) => p.message);
        for (const cloud of ["aws", "azure", "gcp", "alicloud", "openstack"]) {
            assert.ok(found.some((m) => new RegExp(`for ${cloud} for both releases\\[0\\] x86_64 and releases\\[1\\] x86_64`).test(m)), `${cloud}: ${found.join("\n")}`);
        }
        assert.ok(found.some((m) => m.includes("\"testlinux-1-0-x86-64\" for gcp")), found.join("\n"));
        assert.ok(found.some((m) => m.includes("\"testlinux-1.0-x86_64.vhd\" for azure")), found.join("\n"));
    });
});

describe("Stack config: URIs are https, and file:// is a local absolute path", () => {
    it("refuses an http:// Azure artifact", () => {
        const c = allClouds();
        c.releases[0].artifacts.azure = "http://artifacts.example.org/{version}/{arch}.vhd";
        refuses(c, "image-publisher:releases[0].artifacts.azure", /allowed: https:\/\/ URIs/, "http://artifacts.example.org/{version}/{arch}.vhd");
    });

    it("refuses an http:// OpenStack artifact", () => {
        const c = allClouds();
        c.releases[0].artifacts.openstack = "http://artifacts.example.org/{arch}.qcow2";
        refuses(c, "image-publisher:releases[0].artifacts.openstack", /allowed: https:\/\/ URIs/);
    });

    it("refuses an http:// OpenStack authUrl, where the password goes", () => {
        const c = allClouds();
        c.openstack.clouds[0].authUrl = "http://keystone.example.org/v3";
        refuses(c, "image-publisher:openstack.clouds[0].authUrl", /allowed: an https:\/\/ Keystone URL/);
    });

    it("accepts file:///absolute/path for AWS", () => {
        const c = baseConfig();
        c.releases[0].artifacts.aws = "file:///var/images/{version}/{arch}.raw";
        c.aws.uploadBucket = "uploads";
        assert.deepStrictEqual(validateConfig(c).releases[0].artifacts.aws.x86_64, { uri: "file:///var/images/1.0/x86_64.raw" });
    });

    it("refuses file://host/path, which would be read as the relative path host/path", () => {
        const c = baseConfig();
        c.releases[0].artifacts.aws = "file://var/images/{arch}.raw";
        c.aws.uploadBucket = "uploads";
        refuses(c, "image-publisher:releases[0].artifacts.aws", /allowed: s3:\/\/ or file:\/\/\/ \(an absolute path, no host\)/);
    });
});

describe("Stack config: AWS tags, security groups and encrypted sharing", () => {
    it("refuses a tag key that starts with aws:", () => {
        const c = baseConfig();
        c.aws.tags = { "aws:cloudformation:stack-name": "x", Team: "images" };
        refuses(c, "image-publisher:aws.tags.aws:cloudformation:stack-name", /starts with aws:, which AWS reserves/);
    });

    it("refuses a security group whose fromPort is above its toPort", () => {
        const c = baseConfig();
        c.aws.marketplace = { securityGroups: [{ ipProtocol: "tcp", fromPort: 443, toPort: 22, ipRanges: ["0.0.0.0/0"] }] };
        refuses(c, "image-publisher:aws.marketplace.securityGroups[0].fromPort", /is above toPort 22; allowed: fromPort <= toPort/, 443);
    });

    it("refuses a port outside 0-65535", () => {
        const c = baseConfig();
        c.aws.marketplace = { securityGroups: [{ ipProtocol: "tcp", fromPort: 22, toPort: 70000, ipRanges: ["0.0.0.0/0"] }] };
        assert.ok(problems(c).some((p) => p.path === "image-publisher:aws.marketplace.securityGroups[0].toPort"));
    });

    it("refuses a range that is not a CIDR, and accepts IPv4 and IPv6 ones", () => {
        const c = baseConfig();
        c.aws.marketplace = { securityGroups: [{ ipProtocol: "tcp", fromPort: 22, toPort: 22, ipRanges: ["10.0.0.0/8", "2001:db8::/32", "10.0.0.256/8", "10.0.0.0/33", "0.0.0.0"] }] };
        const found = problems(c).filter((p) => /is not a CIDR block/.test(p.message)).map((p) => p.path);
        assert.deepStrictEqual(found, [2, 3, 4].map((j) => `image-publisher:aws.marketplace.securityGroups[0].ipRanges[${j}]`));
    });

    it("refuses encrypted snapshots shared with other accounts in dev unless the key is named", () => {
        const c = baseConfig("dev");
        c.aws.image = { encrypted: true };
        refuses(c, "image-publisher:aws.image.kmsKeyId", /encrypted and shared with other accounts.*customer managed key whose key policy grants those accounts/);
        c.aws.image.kmsKeyId = "arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        assert.ok(validateConfig(c));
    });
});

describe("Stack config: a dev stack never touches prod listings", () => {
    const marketplaces = (environment: "dev" | "prod") => {
        const c = allClouds(environment);
        c.aws.sharing.public = false;
        c.aws.marketplace = {
            enabled: true, accessRoleArn: "arn:aws:iam::123456789012:role/ingest", devProductId: "prod-devtest",
            products: { 1: { x86_64: "prod-x86", arm64: "prod-arm" } },
        };
        c.azure.marketplace = {
            enabled: true, offerId: "testlinux", devOfferId: "testlinux-test", planId: "p",
            tenantId: "00000000-0000-0000-0000-000000000001", clientId: "00000000-0000-0000-0000-000000000002",
        };
        c.secrets.partnerCenterClientSecret = "s";
        return c;
    };

    it("accepts a dev stack with its own test product and offer", () => {
        assert.ok(validateConfig(marketplaces("dev")));
    });

    it("refuses a dev product that is one of prod's products", () => {
        const c = marketplaces("dev");
        c.aws.marketplace.devProductId = "prod-arm";
        refuses(c, "image-publisher:aws.marketplace.devProductId", /is one of the prod products/, "prod-arm");
    });

    it("refuses a dev offer that is the prod offer", () => {
        const c = marketplaces("dev");
        c.azure.marketplace.devOfferId = "testlinux";
        refuses(c, "image-publisher:azure.marketplace.devOfferId", /is the prod offer/, "testlinux");
    });

    it("refuses publish: true in dev, which would submit to preview and live", () => {
        const c = marketplaces("dev");
        c.azure.marketplace.publish = true;
        refuses(c, "image-publisher:azure.marketplace.publish", /submits the offer to preview and live from a dev stack/, true);
    });

    it("accepts publish: true in prod", () => {
        const c = marketplaces("prod");
        c.aws.sharing.public = true;
        c.azure.marketplace.publish = true;
        assert.strictEqual(validateConfig(c).config.azure?.marketplace.publish, true);
    });

    it("refuses a domain: member in dev, as broad as allAuthenticatedUsers, and accepts it in prod", () => {
        const c = allClouds("dev");
        c.aws.sharing.public = false;
        c.gcp.sharing = { members: ["group:qa@example.org", "domain:example.org"] };
        refuses(c, "image-publisher:gcp.sharing.members[1]", /shares with a whole domain in a dev stack/, "domain:example.org");
        const prod = allClouds("prod");
        prod.gcp.sharing = { members: ["domain:example.org"] };
        assert.ok(validateConfig(prod));
    });
});

describe("Stack config: the stack's name and its environment agree", () => {
    it("refuses a prod config in a stack named dev", () => {
        const p = problems(baseConfig("prod"), { stack: "dev" }).find((x) => x.path === "image-publisher:environment");
        assert.ok(p);
        assert.match(p.message, /is prod, but stack "dev" is named for dev/);
    });

    it("refuses a dev config in a stack named prod, also with an organisation in the name", () => {
        const p = problems(baseConfig("dev"), { stack: "acme/image-publisher/prod" }).find((x) => x.path === "image-publisher:environment");
        assert.ok(p);
        assert.match(p.message, /is dev, but stack "acme\/image-publisher\/prod" is named for prod/);
    });

    it("accepts matching names, and a name that says neither", () => {
        assert.ok(validateConfig(baseConfig("prod"), { stack: "prod" }));
        assert.ok(validateConfig(baseConfig("dev"), { stack: "dev" }));
        assert.ok(validateConfig(baseConfig("prod"), { stack: "staging" }));
    });

    it("refuses, in the offline plan, --stack dev with the prod stack file, and --stack prod with the dev one", async () => {
        for (const [stack, file, message] of [
            ["dev", "Pulumi.prod.yaml", /image-publisher:environment: "prod" is prod, but stack "dev" is named for dev/],
            ["prod", "Pulumi.dev.yaml", /image-publisher:environment: "dev" is dev, but stack "prod" is named for prod/],
        ] as const) {
            let err = "";
            const code = await plan(["--stack", stack, "--config", path.join(__dirname, "..", file), "--now", "2026-11-22"], { out: () => undefined, err: (t) => { err += t; } });
            assert.strictEqual(code, 1, err);
            assert.match(err, message);
        }
    });

    it("refuses, in the program, a prod config run as stack dev, before anything is registered", async () => {
        await assert.rejects(runMocked(() => publish(), { stack: "dev", config: baseConfig("prod") }), (error: ProgramError) => {
            assert.match(error.message, /image-publisher:environment: "prod" is prod, but stack "dev" is named for dev/);
            assert.deepStrictEqual(error.registered, []);
            return true;
        });
    });
});

describe("Stack config: secrets never show in a message", () => {
    // What `pulumi config set --secret secrets "..."` (without --path) hands the program: the key
    // `secrets` holds the decrypted string, and the key is listed as secret.
    const secret = "Zq9!p2Lx-partner-center-secret";

    it("reports a secret string set without --path by key and type only", async () => {
        const c: Record<string, unknown> = { ...baseConfig("prod"), secrets: secret };
        await assert.rejects(
            runMocked(() => publish(), { stack: "prod", config: c, secretKeys: ["image-publisher:secrets"] }),
            (error: ProgramError) => {
                assert.ok(!error.message.includes(secret), error.message);
                assert.ok(!error.message.includes("Zq9"), error.message);
                assert.match(error.message, /image-publisher:secrets: .*expected object.*\(a secure value of type string; not shown\); set each secret at its own path/);
                assert.deepStrictEqual(error.registered, []);
                return true;
            });
    });

    it("shows no decrypted value of a secret key in any message, even where a check would quote it", () => {
        const c = baseConfig("prod");
        c.secrets = { openstack: { [secret]: { password: "hunter2-decrypted" } }, partnerCenterClientSecret: 42 };
        const found = problems(c, { secretKeys: ["secrets"] });
        const text = JSON.stringify(found);
        assert.ok(found.length > 0);
        assert.ok(!text.includes(secret), text);
        assert.ok(!text.includes("hunter2-decrypted"), text);
        assert.ok(found.every((p) => p.value === undefined));
        assert.ok(found.some((p) => p.path === "image-publisher:secrets.partnerCenterClientSecret" && /not shown/.test(p.message)), text);
    });

    it("takes a secret out of a message about another key that repeats it", () => {
        const c = baseConfig("prod");
        c.product.name = "Hunter2Secret";
        c.secrets = { partnerCenterClientSecret: "Hunter2Secret" };
        const text = JSON.stringify(problems(c, { secretKeys: ["secrets"] }));
        assert.ok(!text.includes("Hunter2Secret"), text);
        assert.match(text, /\[secret\]/);
    });

    it("takes a secret out of the values it quotes, even one that looks like JSON punctuation", () => {
        const c = baseConfig("prod");
        c.aws.sharing.accounts = ["1,2", "12345678901\"x"];
        c.secrets = { partnerCenterClientSecret: "1,2", openstack: { lab: { password: "\"x" } } };
        const found = problems(c, { secretKeys: ["secrets"] }).filter((p) => p.path.startsWith("image-publisher:aws.sharing.accounts"));
        assert.deepStrictEqual(found.map((p) => p.value), ["[secret]", "12345678901[secret]"]);
    });

    it("quotes the value of a key that is not secret, as before", () => {
        const c = baseConfig("prod");
        c.secrets = { partnerCenterClientSecret: 42 };
        const p = problems(c).find((x) => x.path === "image-publisher:secrets.partnerCenterClientSecret");
        assert.ok(p);
        assert.strictEqual(p.value, 42);
    });
});

describe("Stack config: size and nesting", () => {
    it("accepts 500 releases", () => {
        const c = baseConfig("prod");
        c.releases = Array.from({ length: 500 }, (_, i) => release(c, `1.${i}`));
        assert.strictEqual(validateConfig(c).releases.length, 500);
    });

    it("refuses absurd nesting with a message that says so, and checks the rest", () => {
        let deep: unknown = "x";
        for (let i = 0; i < 10000; i++) {
            deep = [deep];
        }
        const c = baseConfig("prod");
        c.gcp = deep;
        c.aws.sharing.accounts = ["1"];
        const found = problems(c);
        assert.ok(found.some((p) => p.path === "image-publisher:gcp" && /nests lists and maps more than 16 levels deep/.test(p.message)));
        assert.ok(found.some((p) => p.path === "image-publisher:aws.sharing.accounts[0]"));
    });
});
