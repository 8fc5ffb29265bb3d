import * as assert from "assert";
import * as fs from "fs";
import { recordingPlan, release, stackCopy } from "./helpers/release-command";

const committedProd = fs.readFileSync("Pulumi.prod.yaml", "utf8");
const products1592 = "        \"1592\": { x86_64: prod-acme1592x86abc, arm64: prod-acme1592armabc }\n";
/**
 * Marketplace products for the majors these tests add releases of: prod config refuses a release
 * whose major version has no product (unless the entry says awsMarketplace: false).
 */
const newProducts: [string, string][] = [[products1592, products1592 +
    "        \"1580\": { x86_64: prod-acme1580x86abc, arm64: prod-acme1580armabc }\n" +
    "        \"1600\": { x86_64: prod-acme1600x86abc, arm64: prod-acme1600armabc }\n"]];
/** Pulumi.prod.yaml with products for 1580 and 1600, as prodCopy() writes it. */
const prod = committedProd.replace(products1592, newProducts[0][1]);
/** A copy of Pulumi.prod.yaml with products for 1580 and 1600, and any other text replaced. */
function prodCopy(replace: [string, string][] = []): string {
    return stackCopy("Pulumi.prod.yaml", [...newProducts, ...replace]);
}
const dev = fs.readFileSync("Pulumi.dev.yaml", "utf8");

/** The text of a file with `inserted` put in front of the first occurrence of `at`. */
function insertedBefore(text: string, at: string, inserted: string): string {
    const i = text.indexOf(at);
    assert.ok(i > 0, `${at} is in the file`);
    return `${text.slice(0, i)}${inserted}${text.slice(i)}`;
}

const entry1600 = `    - version: "1600.1"
      architectures: [x86_64, arm64]
      artifacts:
        aws: s3://acmelinux-artifacts/{version}/{product}-{version}-{arch}.raw
        azure: https://acmelinux-artifacts.s3.eu-central-1.amazonaws.com/{version}/{product}-{version}-{arch}.vhd
        gcp: gs://acmelinux-artifacts/{version}/{product}-{version}-{arch}-gcpimage.tar.gz
        alicloud: oss://acmelinux-artifacts-eu-central-1/{version}/{product}-{version}-{arch}.qcow2
        openstack: https://acmelinux-artifacts.s3.eu-central-1.amazonaws.com/{version}/{product}-{version}-{arch}.qcow2
`;

describe("release add", () => {
    it("adds the new release after the newest, named like it, and keeps every other byte of Pulumi.prod.yaml", async () => {
        const file = prodCopy();
        const plan = recordingPlan();
        const run = await release(["add", "1600.1", "--stack", "prod", "--config", file, "--no-check"], { planEdit: plan.planEdit });
        assert.strictEqual(run.code, 0, run.err);
        assert.strictEqual(fs.readFileSync(file, "utf8"), insertedBefore(prod, "  image-publisher:aws:\n", entry1600));
        assert.match(run.err, /release 1600\.1: named like 1592\.4/);
        assert.match(run.err, /wrote .*Pulumi\.prod\.yaml/);
        assert.strictEqual(run.out, "(plan diff)\n");
        assert.deepStrictEqual(plan.calls, [{ before: prod, after: fs.readFileSync(file, "utf8") }]);
    });

    it("refuses a prod release whose major version has no AWS Marketplace product yet, naming the ways out, and changes nothing", async () => {
        const file = stackCopy("Pulumi.prod.yaml");
        const plan = recordingPlan();
        const run = await release(["add", "1600.1", "--stack", "prod", "--config", file, "--no-check"], { planEdit: plan.planEdit });
        assert.strictEqual(run.code, 1);
        assert.match(run.err, /image-publisher:aws\.marketplace\.products\.1600: is missing: release 1600\.1 \(releases\[2\]\) has major version 1600 .*allowed: \{x86_64, arm64\} product IDs for 1600, or awsMarketplace: false on releases\[2\]/);
        assert.strictEqual(fs.readFileSync(file, "utf8"), committedProd);
        assert.strictEqual(plan.calls.length, 0);
        const minor = await release(["add", "1592.5", "--stack", "prod", "--config", stackCopy("Pulumi.prod.yaml"), "--no-check"], { planEdit: recordingPlan().planEdit });
        assert.strictEqual(minor.code, 0, minor.err);
        assert.doesNotMatch(minor.err, /warning/);
    });

    it("keeps the comments and every other byte of Pulumi.dev.yaml, and writes release notes when given", async () => {
        const file = stackCopy("Pulumi.dev.yaml");
        const run = await release(["add", "1592.5", "--stack", "dev", "--config", file, "--no-check", "--notes", "Acme Linux 1592.5: fixes #12"], { planEdit: recordingPlan().planEdit });
        assert.strictEqual(run.code, 0, run.err);
        assert.strictEqual(fs.readFileSync(file, "utf8"), insertedBefore(dev, "  image-publisher:aws:\n", `    - version: "1592.5"
      architectures: [x86_64, arm64]
      artifacts:
        aws: s3://acmelinux-dev-artifacts/{version}/{product}-{version}-{arch}.raw
        azure: https://acmelinux-dev-artifacts.s3.eu-central-1.amazonaws.com/{version}/{product}-{version}-{arch}.vhd
        gcp: gs://acmelinux-dev-artifacts/{version}/{product}-{version}-{arch}-gcpimage.tar.gz
        alicloud: oss://acmelinux-dev-artifacts/{version}/{product}-{version}-{arch}.qcow2
        openstack: https://acmelinux-dev-artifacts.s3.eu-central-1.amazonaws.com/{version}/{product}-{version}-{arch}.qcow2
      releaseNotes: "Acme Linux 1592.5: fixes #12"
`));
    });

    it("takes the naming of --like, its architectures, and a version written out in its URIs becomes the new one; never its deprecation", async () => {
        const file = prodCopy([
            ["      architectures: [x86_64, arm64]\n      artifacts:\n        aws: s3://acmelinux-artifacts/{version}/{product}-{version}-{arch}.raw\n        azure: https://acmelinux-artifacts.s3.eu-central-1.amazonaws.com/{version}/{product}-{version}-{arch}.vhd\n        gcp: gs://acmelinux-artifacts/{version}/{product}-{version}-{arch}-gcpimage.tar.gz\n        alicloud: oss://acmelinux-artifacts-eu-central-1/{version}/{product}-{version}-{arch}.qcow2\n        openstack: https://acmelinux-artifacts.s3.eu-central-1.amazonaws.com/{version}/{product}-{version}-{arch}.qcow2\n      deprecated",
                "      architectures: [x86_64]\n      artifacts:\n        aws: { x86_64: { uri: \"s3://old-bucket/1577.2/acme-1577.2.raw\", sha256: \"" + "0".repeat(64) + "\" } }\n        azure: https://old.example.org/1577.2/acme-1577.2.vhd\n        gcp: gs://old-bucket/1577.2/acme-1577.2.tar.gz\n        alicloud: oss://old-bucket/1577.2/acme-1577.2.qcow2\n        openstack: https://old.example.org/1577.2/acme-1577.2.qcow2\n      deprecated"],
        ]);
        const before = fs.readFileSync(file, "utf8");
        const run = await release(["add", "1600.1", "--like", "1577.2", "--stack", "prod", "--config", file, "--no-check"], { planEdit: recordingPlan().planEdit });
        assert.strictEqual(run.code, 0, run.err);
        assert.strictEqual(fs.readFileSync(file, "utf8"), insertedBefore(before, "  image-publisher:aws:\n", `    - version: "1600.1"
      architectures: [x86_64]
      artifacts:
        aws:
          x86_64: s3://old-bucket/1600.1/acme-1600.1.raw
        azure: https://old.example.org/1600.1/acme-1600.1.vhd
        gcp: gs://old-bucket/1600.1/acme-1600.1.tar.gz
        alicloud: oss://old-bucket/1600.1/acme-1600.1.qcow2
        openstack: https://old.example.org/1600.1/acme-1600.1.qcow2
`));
    });

    it("refuses a version that is already configured, and changes nothing", async () => {
        const file = prodCopy();
        const plan = recordingPlan();
        const run = await release(["add", "1592.4", "--stack", "prod", "--config", file, "--no-check"], { planEdit: plan.planEdit });
        assert.strictEqual(run.code, 1);
        assert.strictEqual(run.err, "release 1592.4 is already in the stack config; allowed: a version not yet configured (configured: 1577.2, 1592.4)\n");
        assert.strictEqual(fs.readFileSync(file, "utf8"), prod);
        assert.strictEqual(plan.calls.length, 0);
    });

    it("refuses a version older than the newest unless --backport, which puts it in version order", async () => {
        const file = prodCopy();
        const refused = await release(["add", "1580.1", "--stack", "prod", "--config", file, "--no-check"], { planEdit: recordingPlan().planEdit });
        assert.strictEqual(refused.code, 1);
        assert.strictEqual(refused.err, "release 1580.1 is older than the newest configured release 1592.4; allowed: a newer version, or --backport to add an older one\n");
        assert.strictEqual(fs.readFileSync(file, "utf8"), prod);

        const run = await release(["add", "1580.1", "--backport", "--stack", "prod", "--config", file, "--no-check"], { planEdit: recordingPlan().planEdit });
        assert.strictEqual(run.code, 0, run.err);
        assert.match(run.err, /named like 1577\.2/);
        assert.strictEqual(fs.readFileSync(file, "utf8"), insertedBefore(prod, "    - version: \"1592.4\"\n", entry1600.replace("1600.1", "1580.1")));
    });

    it("refuses a malformed version and an unknown --like, and changes nothing", async () => {
        const file = prodCopy();
        const bad = await release(["add", "v1600.1", "--stack", "prod", "--config", file, "--no-check"], { planEdit: recordingPlan().planEdit });
        assert.strictEqual(bad.code, 1);
        assert.strictEqual(bad.err, "version \"v1600.1\" is not a valid version; allowed: MAJOR.MINOR or MAJOR.MINOR.PATCH, digits only, no \"v\" prefix\n");
        const like = await release(["add", "1600.1", "--like", "1500.0", "--stack", "prod", "--config", file, "--no-check"], { planEdit: recordingPlan().planEdit });
        assert.strictEqual(like.code, 1);
        assert.strictEqual(like.err, "release 1500.0 is not in the stack config; allowed: 1577.2, 1592.4\n");
        assert.strictEqual(fs.readFileSync(file, "utf8"), prod);
    });

    it("--dry-run prints the plan diff and writes nothing", async () => {
        const file = prodCopy();
        const plan = recordingPlan();
        const run = await release(["add", "1600.1", "--stack", "prod", "--config", file, "--no-check", "--dry-run"], { planEdit: plan.planEdit });
        assert.strictEqual(run.code, 0, run.err);
        assert.strictEqual(run.out, "(plan diff)\n");
        assert.match(run.err, /dry run: .* not written/);
        assert.strictEqual(fs.readFileSync(file, "utf8"), prod);
        assert.strictEqual(plan.calls[0].after, insertedBefore(prod, "  image-publisher:aws:\n", entry1600));
    });

    it("exits 3 and writes nothing when the plan after the edit breaks a policy, printing each violation", async () => {
        const file = prodCopy();
        const run = await release(["add", "1600.1", "--stack", "prod", "--config", file, "--no-check"], {
            planEdit: recordingPlan(["[prod-images-protected] release-1600.1-aws-x86_64-ami: is not protected"]).planEdit,
        });
        assert.strictEqual(run.code, 3);
        assert.match(run.err, /1 policy violation; .*Pulumi\.prod\.yaml not written:\n {2}- \[prod-images-protected\] release-1600\.1-aws-x86_64-ami: is not protected\n/);
        assert.strictEqual(fs.readFileSync(file, "utf8"), prod);
    });

    it("prints the offline plan diff of the edit: the new release's resources added, nothing else touched", async () => {
        const file = stackCopy("Pulumi.dev.yaml");
        const run = await release(["add", "1600.1", "--stack", "dev", "--config", file, "--no-check", "--dry-run", "--format", "markdown", "--now", "2026-12-02"]);
        assert.strictEqual(run.code, 0, run.err);
        assert.match(run.out, /^## Plan diff of stack `dev`\n\nNo refusals\.\n\n41 to create, 0 to update, 0 to replace, 0 to delete\. Outputs: 2 added, 0 removed, 0 changed\.\n/);
        // Every row of the per-release table is the new release.
        assert.deepStrictEqual([...new Set([...run.out.matchAll(/^\| ([^|]+) \| [^|]+ \| \d+ \|/gm)].map((m) => m[1]))], ["1600.1"]);
        assert.ok(run.out.includes("+ aws:ec2/ami:Ami release-1600.1-aws-x86_64-ami\n"));
        assert.ok(run.out.includes("+ azure-native:compute:GalleryImageVersion release-1600.1-azure-arm64-v2\n"));
        assert.ok(run.out.includes("+ images.1600.1: "));
        assert.doesNotMatch(run.out, /1592\.4/);
        assert.strictEqual(fs.readFileSync(file, "utf8"), dev);
    });
});

describe("release deprecate", () => {
    it("writes the date into the release's deprecated key, before its release notes, keeping every other byte", async () => {
        const file = prodCopy();
        const plan = recordingPlan();
        const run = await release(["deprecate", "1592.4", "--on", "2027-06-30", "--now", "2026-12-02", "--stack", "prod", "--config", file], { planEdit: plan.planEdit });
        assert.strictEqual(run.code, 0, run.err);
        const expected = insertedBefore(prod, "      releaseNotes: Acme Linux 1592.4", "      deprecated: \"2027-06-30\"\n");
        assert.strictEqual(fs.readFileSync(file, "utf8"), expected);
        assert.deepStrictEqual(plan.calls, [{ before: prod, after: expected }]);
    });

    it("moves a deprecation date that has not come yet, in place", async () => {
        const file = prodCopy();
        const run = await release(["deprecate", "1577.2", "--on", "2027-01-15", "--now", "2026-12-02", "--stack", "prod", "--config", file], { planEdit: recordingPlan().planEdit });
        assert.strictEqual(run.code, 0, run.err);
        assert.strictEqual(fs.readFileSync(file, "utf8"), prod.replace("      deprecated: \"2027-03-31\"\n", "      deprecated: \"2027-01-15\"\n"));
    });

    it("defaults to today, UTC, and adds the key at the end of an entry without release notes", async () => {
        const file = stackCopy("Pulumi.dev.yaml", [["      releaseNotes: Development build of 1592.4.\n", ""]]);
        const before = fs.readFileSync(file, "utf8");
        const run = await release(["deprecate", "1592.4", "--now", "2026-12-02", "--stack", "dev", "--config", file], { planEdit: recordingPlan().planEdit });
        assert.strictEqual(run.code, 0, run.err);
        assert.strictEqual(fs.readFileSync(file, "utf8"), insertedBefore(before, "  image-publisher:aws:\n", "      deprecated: \"2026-12-02\"\n"));
    });

    it("refuses a date in the past, and changes nothing", async () => {
        const file = prodCopy();
        const plan = recordingPlan();
        const run = await release(["deprecate", "1592.4", "--on", "2026-12-01", "--now", "2026-12-02", "--stack", "prod", "--config", file], { planEdit: plan.planEdit });
        assert.strictEqual(run.code, 1);
        assert.strictEqual(run.err, "--on 2026-12-01 is in the past; allowed: today (2026-12-02) or later\n");
        assert.strictEqual(fs.readFileSync(file, "utf8"), prod);
        assert.strictEqual(plan.calls.length, 0);
    });

    it("refuses a date that is not a calendar date, and changes nothing", async () => {
        const file = prodCopy();
        const run = await release(["deprecate", "1592.4", "--on", "2027-02-30", "--now", "2026-12-02", "--stack", "prod", "--config", file], { planEdit: recordingPlan().planEdit });
        assert.strictEqual(run.code, 1);
        assert.strictEqual(run.err, "--on 2027-02-30 is not a date; allowed: YYYY-MM-DD, today (2026-12-02) or later\n");
        assert.strictEqual(fs.readFileSync(file, "utf8"), prod);
    });

    it("refuses an unknown version, listing the configured ones, and changes nothing", async () => {
        const file = prodCopy();
        const run = await release(["deprecate", "1590.1", "--stack", "prod", "--config", file], { planEdit: recordingPlan().planEdit });
        assert.strictEqual(run.code, 1);
        assert.strictEqual(run.err, "release 1590.1 is not in the stack config; allowed: 1577.2, 1592.4\n");
        assert.strictEqual(fs.readFileSync(file, "utf8"), prod);
    });

    it("refuses to move a deprecation that is already in force", async () => {
        const file = prodCopy();
        const run = await release(["deprecate", "1577.2", "--on", "2027-05-01", "--now", "2027-04-01", "--stack", "prod", "--config", file], { planEdit: recordingPlan().planEdit });
        assert.strictEqual(run.code, 1);
        assert.strictEqual(run.err, "release 1577.2 is already deprecated since 2027-03-31; allowed: a release that is not deprecated yet, or one deprecated from a future date\n");
        assert.strictEqual(fs.readFileSync(file, "utf8"), prod);
    });
});

describe("release command line", () => {
    for (const [argv, message] of [
        [["add", "1600.1"], /^--stack is required\n/],
        [["publish", "1600.1", "--stack", "prod"], /^publish is not a command; allowed: add, deprecate, retire, unpublish, pending\n/],
        [["add", "--stack", "prod"], /^add needs a VERSION\n/],
        [["add", "1600.1", "1600.2", "--stack", "prod"], /^unexpected argument 1600\.2\n/],
        [["add", "1600.1", "--stack", "prod", "--format", "html"], /^--format html is not one of tree, markdown, json\n/],
        [["deprecate", "1592.4", "--stack", "prod", "--now", "tomorrow"], /^--now tomorrow is not a date; allowed: YYYY-MM-DD\n/],
        [["add", "1600.1", "--stack", "prod", "--check"], /Unknown option '--check'/],
        [["pending", "--stack", "prod"], /^pending needs --source\n/],
    ] as [string[], RegExp][]) {
        it(`exits 2 with the usage for: ${argv.join(" ")}`, async () => {
            const run = await release(argv, { planEdit: recordingPlan().planEdit });
            assert.strictEqual(run.code, 2);
            assert.match(run.err, message);
            assert.match(run.err, /Usage: npm run release -- <command>/);
        });
    }

    it("exits 1 with the reason when the stack file is missing", async () => {
        const run = await release(["add", "1600.1", "--stack", "prod", "--config", "/nonexistent/Pulumi.prod.yaml", "--no-check"]);
        assert.strictEqual(run.code, 1);
        assert.match(run.err, /ENOENT.*\/nonexistent\/Pulumi\.prod\.yaml/);
    });
});
