import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseStackConfig } from "../tools/stack-config";
import { main } from "../tools/plan";

describe("Reading Pulumi.<stack>.yaml for the offline plan", () => {
    it("puts keys without a namespace in the project's, keeps other namespaces, and writes structured values as JSON", () => {
        const { values, secretKeys } = parseStackConfig([
            "config:",
            "  environment: dev",
            "  aws:region: eu-central-1",
            "  image-publisher:releases:",
            "    - version: \"1.0\"",
            "      deprecated: true",
        ].join("\n"), "Pulumi.dev.yaml");
        assert.deepStrictEqual(values, {
            "image-publisher:environment": "dev",
            "aws:region": "eu-central-1",
            "image-publisher:releases": "[{\"version\":\"1.0\",\"deprecated\":true}]",
        });
        assert.deepStrictEqual(secretKeys, []);
    });

    it("never decrypts a secure value: it becomes [secret] and its key is marked secret", () => {
        const { values, secretKeys } = parseStackConfig([
            "config:",
            "  image-publisher:token:",
            "    secure: AAABAFd0cmFwcGVk",
            "  image-publisher:secrets:",
            "    openstack:",
            "      lab:",
            "        password:",
            "          secure: AAABAHBhc3N3b3Jk",
        ].join("\n"), "Pulumi.prod.yaml");
        assert.strictEqual(values["image-publisher:token"], "[secret]");
        assert.strictEqual(values["image-publisher:secrets"], "{\"openstack\":{\"lab\":{\"password\":\"[secret]\"}}}");
        assert.deepStrictEqual(secretKeys.sort(), ["image-publisher:secrets", "image-publisher:token"]);
        assert.ok(!JSON.stringify(values).includes("AAAB"));
    });

    it("names the file when it is not YAML", () => {
        assert.throws(() => parseStackConfig("config: [unclosed", "Pulumi.bad.yaml"), /^Error: Pulumi\.bad\.yaml: not valid YAML/);
    });
});

describe("Reading a large or hostile stack file", () => {
    /** A prod stack file of `count` releases on one OpenStack region, the releases written out or sharing anchors. */
    function releasesFile(count: number, anchors: boolean): string {
        const lines = [
            "config:",
            "  image-publisher:environment: prod",
            "  image-publisher:product: {name: testlinux}",
            "  image-publisher:openstack: {enabled: true, visibility: public, clouds: [{name: lab, authUrl: 'https://keystone.example.org/v3', regions: [RegionOne], userName: u}]}",
            "  image-publisher:secrets: {openstack: {lab: {password: {secure: v1:placeholder}}}}",
            "  image-publisher:releases:",
        ];
        for (let i = 0; i < count; i++) {
            lines.push(`    - version: "1.${i}"`);
            if (anchors && i > 0) {
                lines.push("      architectures: *archs", "      artifacts: {<<: *artifacts}");
            } else {
                lines.push(`      architectures: ${anchors ? "&archs " : ""}[x86_64]`);
                lines.push(`      artifacts: ${anchors ? "&artifacts" : ""}`);
                lines.push("        openstack: https://artifacts.example.org/{version}/{product}-{version}-{arch}.qcow2");
            }
        }
        return `${lines.join("\n")}\n`;
    }

    it("reads 500 releases that share anchors (aliases and merge keys) exactly as the same file written out", () => {
        const plain = parseStackConfig(releasesFile(500, false), "plain");
        const anchored = parseStackConfig(releasesFile(500, true), "anchored");
        assert.deepStrictEqual(anchored, plain);
        assert.strictEqual(JSON.parse(plain.values["image-publisher:releases"]).length, 500);
    });

    it("plans a stack file whose releases share anchors: one Glance image for each release", async function () {
        // Reading 500 is proven above; planning 50 proves the anchored file reaches the program whole.
        // How the plan scales with releases is measured by `npm run bench`, not here.
        this.timeout(600_000);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "big-"));
        const file = path.join(dir, "Pulumi.prod.yaml");
        fs.writeFileSync(file, releasesFile(50, true));
        let out = "";
        let err = "";
        const code = await main(["--stack", "prod", "--config", file, "--format", "json", "--now", "2026-11-22"], { out: (t) => { out += t; }, err: (t) => { err += t; } });
        assert.strictEqual(code, 0, err);
        const plan = JSON.parse(out) as { resources: { type: string }[]; outputs: { images: Record<string, unknown> } };
        assert.strictEqual(plan.resources.filter((r) => r.type === "openstack:images/image:Image").length, 50);
        assert.strictEqual(Object.keys(plan.outputs.images).length, 50);
        assert.ok((plan.outputs.images["1.49"] as Record<string, unknown>).openstack);
    });

    it("refuses a YAML alias bomb, saying so, without expanding it", () => {
        const bomb = ["config:", "  image-publisher:x:", "    a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
        for (let i = 1; i < 10; i++) {
            const prev = String.fromCharCode(96 + i);
            const cur = String.fromCharCode(97 + i);
            bomb.push(`    ${cur}: &${cur} [${Array(10).fill(`*${prev}`).join(", ")}]`);
        }
        assert.throws(() => parseStackConfig(bomb.join("\n"), "Pulumi.bomb.yaml"),
            /^Error: Pulumi\.bomb\.yaml: its aliases expand to more than 500000 values \(an alias bomb\?\)/);
    });

    it("refuses an alias inside the node it names", () => {
        assert.throws(() => parseStackConfig("config:\n  image-publisher:x: &a [1, *a]\n", "Pulumi.loop.yaml"),
            /^Error: Pulumi\.loop\.yaml: the alias \*a refers to the node that contains it/);
    });

    it("refuses nesting deeper than the parser can read, with a message that says so", () => {
        const text = `config:\n  image-publisher:x: ${"[".repeat(100000)}${"]".repeat(100000)}\n`;
        assert.throws(() => parseStackConfig(text, "Pulumi.deep.yaml"), /^Error: Pulumi\.deep\.yaml: nests lists and maps too deep to read/);
    });

    it("refuses nesting deeper than any key of the configuration has", () => {
        const text = `config:\n  image-publisher:x: ${"[".repeat(40)}${"]".repeat(40)}\n`;
        assert.throws(() => parseStackConfig(text, "Pulumi.deep.yaml"), /^Error: Pulumi\.deep\.yaml: nests lists and maps more than 16 levels deep under a key/);
    });
});
