import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import {
    communityImagePattern, isoDatePattern, openstackRegionPattern, outputsSchema, parseOutputs, regionPattern, StackOutputs, validateOutputs,
    variantEntries, variantNamePattern, versionPattern,
} from "../components/outputs";
import { memoryIo } from "./helpers/cli-io";
import { csvField, main, manifestEntries, markdownCode, renderCsv, renderManifest, renderMarkdown } from "../tools/tables";

const root = path.join(__dirname, "..");
const fixture = (name: string) => path.join(__dirname, "fixtures", name);
const readFixture = (name: string) => fs.readFileSync(fixture(name), "utf8");
const prod = (): StackOutputs => parseOutputs(readFixture("outputs-prod.json"), "outputs-prod.json");

/** Reverses the key order of every object, to prove output does not depend on input order. */
function reverseKeys(value: unknown): unknown {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
        return value;
    }
    return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeys(v)]));
}

const small: StackOutputs = validateOutputs({
    images: {
        "1.2": { aws: { arm64: { "us-east-1": "ami-a2" }, x86_64: { "us-east-1": "ami-x2", "eu-west-1": "ami-x1" } } },
        "1.10": { gcp: { x86_64: { global: "projects/p/global/images/os-1-10" } } },
    },
    deprecated: { "1.2": "2027-01-31" },
});

describe("The stack outputs contract", () => {
    const schemaFile = JSON.parse(fs.readFileSync(path.join(root, "docs", "outputs.schema.json"), "utf8"));
    const fromSchemaFile = z.fromJSONSchema(schemaFile);

    const good: Record<string, unknown> = {
        "the prod fixture": JSON.parse(readFixture("outputs-prod.json")),
        "no releases at all": { images: {} },
        "a release without clouds": { images: { "2.0": {} }, deprecated: {} },
        "other outputs beside the contract": { images: {}, manifest: [1, 2] },
        "a patch version and a deprecation timestamp": { images: { "2.0.1": { aws: { x86_64: { "us-gov-west-1": "ami-1" } } } }, deprecated: { "2.0.1": "2027-01-01T00:00:00Z" } },
        "an Azure listing in each state": {
            images: {},
            marketplace: { "2.0": { azure: { x86_64: { offerId: "o", planId: "p", jobId: "j", status: "completed", state: "deprecated" } } } },
        },
        "the Constellation-shaped variants fixture": JSON.parse(readFixture("outputs-variants.json")),
        "a GCP and an OpenStack image per variant": {
            images: { "2.0": { gcp: { "trusted-boot": { arm64: { global: "g" } } }, openstack: { "plain-1": { x86_64: { "cloud-a/RegionOne": "u" } } } } },
        },
        "a release with variants beside one without (a --previous merge)": JSON.parse(readFixture("outputs-variants-previous.json")),
        "a variant name of 24 characters": { images: { "2.0": { aws: { ["v".repeat(24)]: { x86_64: { "us-east-1": "ami-1" } } } } } },
    };
    const bad: Record<string, unknown> = {
        "no images": { community: {} },
        "a v-prefixed version": { images: { "v2.0": {} } },
        "an unknown cloud": { images: { "2.0": { oracle: {} } } },
        "aarch64 for arm64": { images: { "2.0": { aws: { aarch64: { "us-east-1": "ami-1" } } } } },
        "an empty image ID": { images: { "2.0": { aws: { x86_64: { "us-east-1": "" } } } } },
        "a GCP region other than global": { images: { "2.0": { gcp: { x86_64: { "us-central1": "i" } } } } },
        "an OpenStack region without its cloud": { images: { "2.0": { openstack: { x86_64: { RegionOne: "u" } } } } },
        "a community ID that is a resource ID": { images: {}, community: { "2.0": { azure: { x86_64: "/subscriptions/s/x" } } } },
        "community for AWS": { images: {}, community: { "2.0": { aws: { x86_64: "/CommunityGalleries/a/Images/b/Versions/c" } } } },
        "an AWS listing without its change set": { images: {}, marketplace: { "2.0": { aws: { x86_64: { productId: "p", status: "SUCCEEDED" } } } } },
        "an Azure listing in an unknown state": { images: {}, marketplace: { "2.0": { azure: { arm64: { offerId: "o", planId: "p", jobId: "j", status: "s", state: "published" } } } } },
        "a deprecation that is not a date": { images: {}, deprecated: { "2.0": "next year" } },
        "an array": [],
        "an image entry mixing architectures and variants": { images: { "2.0": { aws: { x86_64: { "us-east-1": "ami-1" }, "sev-snp": { x86_64: { "us-east-1": "ami-2" } } } } } },
        "a community entry mixing architectures and variants": {
            images: {}, community: { "2.0": { azure: { x86_64: "/CommunityGalleries/a/Images/b/Versions/c", cvm: { x86_64: "/CommunityGalleries/a/Images/c/Versions/c" } } } },
        },
        "a marketplace entry mixing architectures and variants": {
            images: {},
            marketplace: { "2.0": { azure: { cvm: { x86_64: { offerId: "o", planId: "p", jobId: "j", status: "s", state: "live" } }, arm64: { offerId: "o", planId: "p", jobId: "j", status: "s", state: "live" } } } },
        },
        "a variant named arm64": { images: { "2.0": { aws: { arm64: { x86_64: { "us-east-1": "ami-1" } } } } } },
        "a variant name with capitals or an underscore": { images: { "2.0": { aws: { Sev_Snp: { x86_64: { "us-east-1": "ami-1" } } } } } },
        "a variant name of 25 characters": { images: { "2.0": { aws: { ["v".repeat(25)]: { x86_64: { "us-east-1": "ami-1" } } } } } },
        "a variant holding regions without an architecture": { images: { "2.0": { aws: { "sev-snp": { "us-east-1": { "x86_64": "ami-1" } } } } } },
        "a GCP variant with a region other than global": { images: { "2.0": { gcp: { cvm: { x86_64: { "us-central1": "i" } } } } } },
        "an AWS listing of a variant without its change set": { images: {}, marketplace: { "2.0": { aws: { "sev-snp": { x86_64: { productId: "p", status: "SUCCEEDED" } } } } } },
    };

    it("is stated in a draft 2020-12 JSON Schema file", () => {
        assert.equal(schemaFile.$schema, "https://json-schema.org/draft/2020-12/schema");
        assert.deepEqual(schemaFile.required, ["images"]);
    });

    for (const [name, doc] of Object.entries(good)) {
        it(`accepts ${name}, by the schema file and by validateOutputs alike`, () => {
            assert.equal(fromSchemaFile.safeParse(doc).success, true, "schema file");
            assert.equal(outputsSchema.safeParse(doc).success, true, "zod schema");
        });
    }

    for (const [name, doc] of Object.entries(bad)) {
        it(`rejects ${name}, by the schema file and by validateOutputs alike`, () => {
            assert.equal(fromSchemaFile.safeParse(doc).success, false, "schema file");
            assert.equal(outputsSchema.safeParse(doc).success, false, "zod schema");
        });
    }

    it("uses the same patterns in the schema file as in the validator", () => {
        const defs = schemaFile.$defs;
        const same = (fromFile: string, pattern: RegExp) => assert.equal(new RegExp(fromFile).source, pattern.source);
        same(defs.version.pattern, versionPattern);
        same(defs.communityId.pattern, communityImagePattern);
        same(defs.regionIds.propertyNames.pattern, regionPattern);
        same(defs.openstackRegionIds.propertyNames.pattern, openstackRegionPattern);
        same(defs.variantName.pattern, variantNamePattern);
        same(schemaFile.properties.deprecated.additionalProperties.pattern, isoDatePattern);
    });

    it("takes the outputs out of the offline plan's JSON", () => {
        const outputs = parseOutputs(readFixture("outputs-plan.json"), "plan.json");
        assert.deepEqual(Object.keys(outputs.images), ["9.6"]);
        assert.deepEqual(variantEntries(outputs.images["9.6"].aws), [{ perArch: JSON.parse(readFixture("outputs-plan.json")).outputs.images["9.6"].aws }]);
        assert.equal(variantEntries(outputs.images["9.6"].aws)[0].perArch.x86_64?.["us-east-1"], "ami-0a96000000000u001");
    });

    it("reads `pulumi stack output images --json`, the images map alone", () => {
        const images = JSON.parse(readFixture("outputs-prod.json")).images;
        assert.deepEqual(validateOutputs(images).images, images);
    });

    it("names the source, the path and the problem of every mismatch", () => {
        assert.throws(() => parseOutputs(readFixture("outputs-bad-schema.json"), "bad.json"), (error: Error) => {
            assert.match(error.message, /^bad\.json: not the stack outputs:/);
            assert.match(error.message, /images\["9\.6"\]\.aws: Unrecognized key: "aarch64"/);
            assert.match(error.message, /images\["9\.6"\]\.gcp\.x86_64: Unrecognized key: "us-central1"/);
            assert.match(error.message, /images: key "v9\.7" is not a release version/);
            assert.match(error.message, /deprecated\["9\.6"\]: is not a date/);
            return true;
        });
    });

    it("names the path of a mix of architectures and variants, of a bad variant name and of a misspelt architecture under a variant", () => {
        assert.throws(() => parseOutputs(readFixture("outputs-variants-bad.json"), "bad.json"), (error: Error) => {
            assert.equal(error.message, [
                "bad.json: not the stack outputs:",
                "  images[\"2.20.1\"].aws[\"sev-snp\"]: Unrecognized key: \"aarch64\"",
                "  images[\"2.20.1\"].aws: key \"Nitro_TPM\" is not a variant name; allowed: lower-case letters, digits and hyphens, at most 24, starting with a letter, and not x86_64 or arm64",
                "  images[\"2.20.1\"].azure: mixes architectures (x86_64) with variants (\"cvm\"); allowed: only architectures (x86_64, arm64), or only variant names, each holding architectures",
                "  marketplace[\"2.20.1\"].aws: mixes architectures (x86_64) with variants (\"sev-snp\"); allowed: only architectures (x86_64, arm64), or only variant names, each holding architectures",
            ].join("\n"));
            return true;
        });
    });

    it("says in Markdown that a deprecation after --now is scheduled, and one on or before it has happened", async () => {
        const text = JSON.stringify({ images: { "1.2": { aws: { x86_64: { "eu-west-1": "ami-1" } } } }, deprecated: { "1.2": "2027-01-31" } });
        const before = memoryIo(text);
        assert.equal(await main(["--now", "2027-01-30"], before.io), 0);
        assert.match(before.stdout(), /\n### 1\.2 \(deprecation scheduled for 2027-01-31\)\n/);
        const on = memoryIo(text);
        assert.equal(await main(["--now", "2027-01-31"], on.io), 0);
        assert.match(on.stdout(), /\n### 1\.2 \(deprecated from 2027-01-31\)\n/);
        const bad = memoryIo(text);
        assert.equal(await main(["--now", "tomorrow"], bad.io), 2);
        assert.match(bad.stderr(), /--now tomorrow is not a date; allowed: YYYY-MM-DD/);
    });

    it("says when the text is not JSON", () => {
        assert.throws(() => parseOutputs("{\"images\": ", "x.json"), /^OutputsError: x\.json: not JSON: /);
    });
});

describe("tables: rendering", () => {
    it("renders one | Region | x86_64 | arm64 | table per cloud and release, newest release first, regions sorted", () => {
        assert.equal(renderMarkdown(small), [
            "# Images",
            "",
            "## AWS",
            "",
            "### 1.2 (deprecated from 2027-01-31)",
            "",
            "| Region | x86_64 | arm64 |",
            "| --- | --- | --- |",
            "| eu-west-1 | `ami-x1` | — |",
            "| us-east-1 | `ami-x2` | `ami-a2` |",
            "",
            "## GCP",
            "",
            "### 1.10",
            "",
            "| Region | x86_64 |",
            "| --- | --- |",
            "| global | `projects/p/global/images/os-1-10` |",
            "",
        ].join("\n"));
    });

    it("puts 1.10 before 1.2: versions compare by number, not as text", () => {
        assert.deepEqual([...new Set(manifestEntries(small).map((e) => e.version))], ["1.10", "1.2"]);
    });

    it("lists the Azure community image IDs under the Azure table", () => {
        const md = renderMarkdown(prod());
        assert.match(md, /## Azure\n\n### 9\.6\n\n\| Region \| x86_64 \| arm64 \|[\s\S]*Community image \(x86_64\): `\/CommunityGalleries\/exampleos-[^`]+\/Images\/exampleos-9-x64\/Versions\/9\.6\.0`/);
    });

    it("says so when there are no images", () => {
        assert.equal(renderMarkdown(validateOutputs({ images: {} })), "# Images\n\nNo images are published.\n");
        assert.equal(renderCsv(validateOutputs({ images: {} })), "version,cloud,region,x86_64,arm64\r\n");
        assert.equal(renderManifest(validateOutputs({ images: {} })), "[]\n");
    });

    it("writes a CSV row per region with an empty cell where an architecture has no image", () => {
        assert.equal(renderCsv(small), [
            "version,cloud,region,x86_64,arm64",
            "1.2,aws,eu-west-1,ami-x1,",
            "1.2,aws,us-east-1,ami-x2,ami-a2",
            "1.10,gcp,global,projects/p/global/images/os-1-10,",
            "",
        ].join("\r\n"));
    });

    it("quotes CSV fields with commas, quotes or line breaks, doubling the quotes", () => {
        assert.equal(csvField("plain"), "plain");
        assert.equal(csvField("a,b"), "\"a,b\"");
        assert.equal(csvField("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert.equal(csvField("two\nlines"), "\"two\nlines\"");
        const odd = validateOutputs({ images: { "1.0": { aws: { x86_64: { "us-east-1": "ami-\"1\",2" } } } } });
        assert.equal(renderCsv(odd).split("\r\n")[1], "1.0,aws,us-east-1,\"ami-\"\"1\"\",2\",");
    });

    it("keeps a pipe or a backtick in an ID from breaking the Markdown table", () => {
        assert.equal(markdownCode("a|b"), "`a\\|b`");
        assert.equal(markdownCode("a`b"), "``a`b``");
        assert.equal(markdownCode("`a"), "`` `a ``");
        const odd = validateOutputs({ images: { "1.0": { aws: { x86_64: { "us-east-1": "id|with|pipes" } } } } });
        assert.match(renderMarkdown(odd), /\| us-east-1 \| `id\\\|with\\\|pipes` \|/);
    });

    it("writes the flat manifest sorted by version, cloud, architecture and region", () => {
        const entries = JSON.parse(renderManifest(small));
        assert.deepEqual(entries, [
            { version: "1.10", cloud: "gcp", arch: "x86_64", region: "global", id: "projects/p/global/images/os-1-10" },
            { version: "1.2", cloud: "aws", arch: "x86_64", region: "eu-west-1", id: "ami-x1" },
            { version: "1.2", cloud: "aws", arch: "x86_64", region: "us-east-1", id: "ami-x2" },
            { version: "1.2", cloud: "aws", arch: "arm64", region: "us-east-1", id: "ami-a2" },
        ]);
    });

    it("renders the same bytes whatever order the input keys come in", () => {
        const doc = JSON.parse(readFixture("outputs-prod.json"));
        const a = validateOutputs(doc);
        const b = validateOutputs(reverseKeys(doc));
        assert.notDeepEqual(Object.keys(b.images), Object.keys(a.images));
        assert.equal(renderMarkdown(b), renderMarkdown(a));
        assert.equal(renderCsv(b), renderCsv(a));
        assert.equal(renderManifest(b), renderManifest(a));
    });
});

describe("tables: command line", () => {
    const prodText = readFixture("outputs-prod.json");

    it("prints Markdown by default, reading stdin when there is no file", async () => {
        const m = memoryIo(prodText);
        assert.equal(await main([], m.io), 0);
        assert.equal(m.stdout(), renderMarkdown(prod()));
        assert.equal(m.stderr(), "");
    });

    it("reads stdin for \"-\" and a file otherwise", async () => {
        const fromDash = memoryIo(prodText);
        assert.equal(await main(["-", "--format", "csv"], fromDash.io), 0);
        const fromFile = memoryIo("", { "o.json": prodText });
        assert.equal(await main(["o.json", "--format", "csv"], fromFile.io), 0);
        assert.equal(fromDash.stdout(), renderCsv(prod()));
        assert.equal(fromFile.stdout(), fromDash.stdout());
    });

    it("prints the JSON manifest with --format json", async () => {
        const m = memoryIo(prodText);
        assert.equal(await main(["--format", "json"], m.io), 0);
        assert.deepEqual(JSON.parse(m.stdout()), manifestEntries(prod()));
    });

    it("keeps the releases of --previous that the stack no longer has: a retired release stays public, so its IDs stay in the tables", async () => {
        const current = { images: { "1.10": { gcp: { x86_64: { global: "projects/p/global/images/os-1-10" } } } }, deprecated: {} };
        const previous = {
            images: { "1.2": { aws: { x86_64: { "us-east-1": "ami-x2" } } }, "1.10": { gcp: { x86_64: { global: "projects/p/global/images/old" } } } },
            deprecated: { "1.2": "2027-01-31" },
        };
        const m = memoryIo(JSON.stringify(current), { "previous.json": JSON.stringify(previous) });
        assert.equal(await main(["--previous", "previous.json", "--format", "json"], m.io), 0, m.stderr());
        assert.deepEqual(JSON.parse(m.stdout()), [
            { version: "1.10", cloud: "gcp", arch: "x86_64", region: "global", id: "projects/p/global/images/os-1-10" },
            { version: "1.2", cloud: "aws", arch: "x86_64", region: "us-east-1", id: "ami-x2" },
        ]);
        const md = memoryIo(JSON.stringify(current), { "previous.json": JSON.stringify(previous) });
        assert.equal(await main(["--previous", "previous.json"], md.io), 0);
        assert.match(md.stdout(), /1\.2/);
        assert.match(md.stdout(), /2027-01-31/);
    });

    it("exits 1 naming --previous when it is not the outputs", async () => {
        const m = memoryIo(readFixture("outputs-prod.json"), { "previous.json": "{}" });
        assert.equal(await main(["--previous", "previous.json"], m.io), 1);
        assert.match(m.stderr(), /^previous\.json: /);
    });

    it("writes images.md, images.csv and images.json with --out", async () => {
        const m = memoryIo(prodText);
        assert.equal(await main(["--out", "wiki"], m.io), 0);
        assert.deepEqual(Object.keys(m.written).sort(), [path.join("wiki", "images.csv"), path.join("wiki", "images.json"), path.join("wiki", "images.md")]);
        assert.equal(m.written[path.join("wiki", "images.md")], renderMarkdown(prod()));
        assert.equal(m.written[path.join("wiki", "images.csv")], renderCsv(prod()));
        assert.equal(m.written[path.join("wiki", "images.json")], renderManifest(prod()));
    });

    it("exits 1 naming the file when the input is not JSON", async () => {
        const m = memoryIo("", { "broken.json": readFixture("outputs-not-json.json") });
        assert.equal(await main(["broken.json"], m.io), 1);
        assert.match(m.stderr(), /^broken\.json: not JSON: /);
        assert.equal(m.stdout(), "");
    });

    it("exits 1 naming the path and problem when the input is not the outputs", async () => {
        const m = memoryIo(readFixture("outputs-bad-schema.json"));
        assert.equal(await main([], m.io), 1);
        assert.match(m.stderr(), /^<stdin>: not the stack outputs:\n {2}images\["9\.6"\]\.aws: Unrecognized key: "aarch64"/);
    });

    it("exits 1 when the file cannot be read, and 2 on bad usage", async () => {
        const missing = memoryIo();
        assert.equal(await main(["nowhere.json"], missing.io), 1);
        assert.match(missing.stderr(), /^nowhere\.json: cannot read: ENOENT/);
        const format = memoryIo(prodText);
        assert.equal(await main(["--format", "html"], format.io), 2);
        assert.match(format.stderr(), /unknown format "html"/);
        const option = memoryIo(prodText);
        assert.equal(await main(["--colour"], option.io), 2);
        assert.match(option.stderr(), /usage: tables/);
    });

    it("runs as a script: stack outputs on stdin, tables on stdout", function () {
        this.timeout(60_000);
        const result = spawnSync(process.execPath, [require.resolve("ts-node/dist/bin.js"), "--transpile-only", "tools/tables.ts", "--format", "csv"],
            { cwd: root, input: prodText, encoding: "utf8" });
        assert.equal(result.status, 0, result.stderr);
        assert.equal(result.stdout, renderCsv(prod()));
    });
});
