import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseOutputs, StackOutputs, validateOutputs } from "../components/outputs";
import { main, manifestEntries, renderCsv, renderManifest, renderMarkdown } from "../tools/tables";
import { memoryIo } from "./helpers/cli-io";

const readFixture = (name: string) => fs.readFileSync(path.join(__dirname, "fixtures", name), "utf8");
const constellation = (): StackOutputs => parseOutputs(readFixture("outputs-variants.json"), "outputs-variants.json");

/** Two AWS variants and one GCP variant in one release, one AWS variant in an older one. */
const small: StackOutputs = validateOutputs({
    images: {
        "1.2": { aws: { "sev-snp": { x86_64: { "us-east-1": "ami-s2" } } } },
        "1.10": {
            aws: { "sev-snp": { x86_64: { "us-east-1": "ami-s10" } }, "nitro-tpm": { x86_64: { "us-east-1": "ami-n10", "eu-west-1": "ami-n10e" }, arm64: { "us-east-1": "ami-n10a" } } },
            gcp: { tdx: { x86_64: { global: "projects/p/global/images/os-1-10-tdx" } } },
        },
    },
    deprecated: { "1.2": "2027-01-31" },
});

describe("tables: variants", () => {
    it("renders one table per variant under each release heading, variants sorted by name", () => {
        assert.equal(renderMarkdown(small, { now: new Date("2027-02-01T00:00:00Z") }), [
            "# Images",
            "",
            "## AWS",
            "",
            "### 1.10",
            "",
            "#### Variant nitro-tpm",
            "",
            "| Region | x86_64 | arm64 |",
            "| --- | --- | --- |",
            "| eu-west-1 | `ami-n10e` | — |",
            "| us-east-1 | `ami-n10` | `ami-n10a` |",
            "",
            "#### Variant sev-snp",
            "",
            "| Region | x86_64 |",
            "| --- | --- |",
            "| us-east-1 | `ami-s10` |",
            "",
            "### 1.2 (deprecated from 2027-01-31)",
            "",
            "#### Variant sev-snp",
            "",
            "| Region | x86_64 |",
            "| --- | --- |",
            "| us-east-1 | `ami-s2` |",
            "",
            "## GCP",
            "",
            "### 1.10",
            "",
            "#### Variant tdx",
            "",
            "| Region | x86_64 |",
            "| --- | --- |",
            "| global | `projects/p/global/images/os-1-10-tdx` |",
            "",
        ].join("\n"));
    });

    it("lists each variant's community image IDs under that variant's Azure table, naming the variant", () => {
        const md = renderMarkdown(constellation());
        assert.match(md, /\n#### Variant cvm\n\n\| Region \| x86_64 \|\n\| --- \| --- \|\n(\| [a-z]+ \| `[^`]+` \|\n){2}\nCommunity image \(cvm, x86_64\): `\/CommunityGalleries\/constellation-cvm-[^`]+\/Versions\/2\.20\.1`\n/);
    });

    it("still lists the community IDs of a variant that has no Azure table, after the release's last one", () => {
        const outputs = validateOutputs({
            images: { "1.0": { azure: { cvm: { x86_64: { westeurope: "/subscriptions/s/cvm" } } } } },
            community: { "1.0": { azure: { cvm: { x86_64: "/CommunityGalleries/g/Images/cvm/Versions/1.0" }, tdx: { x86_64: "/CommunityGalleries/g/Images/tdx/Versions/1.0" } } } },
        });
        assert.match(renderMarkdown(outputs), /\| westeurope \| `\/subscriptions\/s\/cvm` \|\n\nCommunity image \(cvm, x86_64\): `[^`]+\/cvm\/Versions\/1\.0`\n\nCommunity image \(tdx, x86_64\): `[^`]+\/tdx\/Versions\/1\.0`\n$/);
    });

    it("adds a variant column to the CSV, after cloud, only when the outputs have variants", () => {
        assert.equal(renderCsv(small), [
            "version,cloud,variant,region,x86_64,arm64",
            "1.10,aws,nitro-tpm,eu-west-1,ami-n10e,",
            "1.10,aws,nitro-tpm,us-east-1,ami-n10,ami-n10a",
            "1.10,aws,sev-snp,us-east-1,ami-s10,",
            "1.2,aws,sev-snp,us-east-1,ami-s2,",
            "1.10,gcp,tdx,global,projects/p/global/images/os-1-10-tdx,",
            "",
        ].join("\r\n"));
        const plain = validateOutputs({ images: { "1.0": { aws: { x86_64: { "us-east-1": "ami-1" } } } } });
        assert.equal(renderCsv(plain), "version,cloud,region,x86_64,arm64\r\n1.0,aws,us-east-1,ami-1,\r\n");
    });

    it("names the variant of each image in the JSON manifest, sorted by variant after cloud", () => {
        assert.deepEqual(JSON.parse(renderManifest(small)), [
            { version: "1.10", cloud: "aws", variant: "nitro-tpm", arch: "x86_64", region: "eu-west-1", id: "ami-n10e" },
            { version: "1.10", cloud: "aws", variant: "nitro-tpm", arch: "x86_64", region: "us-east-1", id: "ami-n10" },
            { version: "1.10", cloud: "aws", variant: "nitro-tpm", arch: "arm64", region: "us-east-1", id: "ami-n10a" },
            { version: "1.10", cloud: "aws", variant: "sev-snp", arch: "x86_64", region: "us-east-1", id: "ami-s10" },
            { version: "1.10", cloud: "gcp", variant: "tdx", arch: "x86_64", region: "global", id: "projects/p/global/images/os-1-10-tdx" },
            { version: "1.2", cloud: "aws", variant: "sev-snp", arch: "x86_64", region: "us-east-1", id: "ami-s2" },
        ]);
    });

    it("lists every variant's IDs of the Constellation-shaped outputs, and only the variants each cloud has", () => {
        const ids = manifestEntries(constellation()).map((e) => `${e.version} ${e.cloud} ${e.variant} ${e.region}`);
        assert.deepEqual(ids, [
            "2.20.1 aws nitro-tpm eu-central-1",
            "2.20.1 aws nitro-tpm us-east-1",
            "2.20.1 aws sev-snp eu-central-1",
            "2.20.1 aws sev-snp eu-west-1",
            "2.20.1 aws sev-snp us-east-1",
            "2.20.1 azure cvm northeurope",
            "2.20.1 azure cvm westeurope",
            "2.19.0 aws sev-snp us-east-1",
        ]);
    });

    it("keeps a release of --previous from before variants beside the variant releases, with an empty variant cell", async () => {
        const m = memoryIo(readFixture("outputs-variants.json"), { "previous.json": readFixture("outputs-variants-previous.json") });
        assert.equal(await main(["--previous", "previous.json", "--format", "csv"], m.io), 0, m.stderr());
        const rows = m.stdout().split("\r\n");
        assert.equal(rows[0], "version,cloud,variant,region,x86_64,arm64");
        assert.deepEqual(rows.filter((r) => /^2\.1[89]/.test(r)), [
            "2.19.0,aws,sev-snp,us-east-1,ami-0c19000000000s001,",
            "2.18.0,aws,,us-east-1,ami-0c18000000000u001,",
            "2.18.0,azure,,westeurope,/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/images/providers/Microsoft.Compute/galleries/constellation/images/constellation/versions/2.18.0,",
        ]);
        const md = memoryIo(readFixture("outputs-variants.json"), { "previous.json": readFixture("outputs-variants-previous.json") });
        assert.equal(await main(["--previous", "previous.json", "--now", "2026-07-01"], md.io), 0, md.stderr());
        assert.match(md.stdout(), /\n### 2\.19\.0 \(deprecation scheduled for 2026-09-01\)\n\n#### Variant sev-snp\n\n[^#]+\n### 2\.18\.0 \(deprecated from 2026-06-01\)\n\n\| Region \| x86_64 \|\n/);
    });
});
