import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { main } from "../tools/plan";
import { runPlan } from "../tools/plan-run";
import { renderJson, renderMarkdown, renderTree } from "../tools/plan-render";
import { readStackConfig } from "../tools/stack-config";
import { baseConfig } from "./fixtures/config";

/** Runs the plan command in-process and captures what it prints. */
async function plan(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    const code = await main(argv, { out: (t) => { out += t; }, err: (t) => { err += t; } });
    return { code, out, err };
}

/** Writes a stack config file the way a user would, un-namespaced keys under `config:`. */
function configFile(values: Record<string, unknown>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
    const file = path.join(dir, "Pulumi.test.yaml");
    fs.writeFileSync(file, stringify({ config: Object.fromEntries(Object.entries(values).map(([k, v]) => [`image-publisher:${k}`, v])) }));
    return file;
}

describe("Offline plan", () => {
    it("prints JSON of exactly {stack, resources, outputs}, each resource with type, name, parent, provider, inputs and dependsOn", async () => {
        const { code, out } = await plan("--stack", "dev", "--format", "json", "--now", "2026-11-22");
        assert.strictEqual(code, 0);
        const json = JSON.parse(out);
        assert.deepStrictEqual(Object.keys(json), ["stack", "resources", "outputs"]);
        assert.strictEqual(json.stack, "dev");
        assert.ok(json.resources.length > 0);
        for (const r of json.resources) {
            assert.deepStrictEqual(Object.keys(r), ["type", "name", "parent", "provider", "inputs", "dependsOn"]);
        }
        const ami = json.resources.find((r: { type: string }) => r.type === "aws:ec2/ami:Ami");
        assert.strictEqual(ami.parent, "release-1592.4-aws-x86_64");
        assert.deepStrictEqual(ami.dependsOn, ["release-1592.4-aws-x86_64-snapshot"]);
        assert.match(json.outputs.images["1592.4"].aws.x86_64["eu-central-1"], /^ami-[0-9a-f]{17}$/);
    });

    it("prints byte-identical output for the same input", async () => {
        const first = await plan("--stack", "prod", "--format", "json", "--now", "2026-11-22");
        const second = await plan("--stack", "prod", "--format", "json", "--now", "2026-11-22");
        assert.strictEqual(first.code, 0);
        assert.strictEqual(first.out, second.out);
    });

    it("shows an added release as added resources in --diff", async () => {
        const one = baseConfig("prod");
        const two = baseConfig("prod");
        two.releases.push({ ...two.releases[0], version: "1.1" });
        const { code, out } = await plan("--stack", "prod", "--config", configFile(two), "--diff", configFile(one), "--format", "json");
        assert.strictEqual(code, 0);
        const diff = JSON.parse(out);
        assert.deepStrictEqual(diff.removed, []);
        assert.deepStrictEqual(diff.changed, []);
        assert.ok(diff.added.length > 0);
        assert.ok(diff.added.every((r: { name: string }) => r.name.startsWith("release-1.1")), "only the new release is added");
        assert.ok(diff.added.some((r: { type: string }) => r.type === "aws:ec2/ami:Ami"));
        assert.deepStrictEqual(diff.outputs, ["images.1.1"]);
        const text = await plan("--stack", "prod", "--config", configFile(two), "--diff", configFile(one));
        assert.match(text.out, /\d+ to add, 0 to change, 0 to remove/);
        assert.match(text.out, /\+ aws:ec2\/ami:Ami release-1\.1-aws-arm64-ami/);
    });

    it("compares with the stack's config at a git revision", async () => {
        // A repository whose committed Pulumi.dev.yaml has release 1.0, and whose work tree adds 1.1.
        const repo = fs.mkdtempSync(path.join(os.tmpdir(), "plan-git-"));
        const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.org", ...args], { cwd: repo, stdio: "ignore" });
        const committed = baseConfig("dev");
        const file = configFile(committed);
        fs.copyFileSync(file, path.join(repo, "Pulumi.dev.yaml"));
        git("init", "-q");
        git("add", "Pulumi.dev.yaml");
        git("commit", "-q", "-m", "release 1.0");
        const changed = baseConfig("dev");
        changed.releases.push({ ...changed.releases[0], version: "1.1" });
        fs.copyFileSync(configFile(changed), path.join(repo, "Pulumi.dev.yaml"));
        const cwd = process.cwd();
        process.chdir(repo);
        try {
            const { code, out, err } = await plan("--stack", "dev", "--diff", "HEAD", "--format", "json");
            assert.strictEqual(code, 0, err);
            const diff = JSON.parse(out);
            assert.deepStrictEqual(diff.removed, []);
            assert.deepStrictEqual(diff.changed, []);
            assert.ok(diff.added.length > 0, "the release added in the work tree shows as added");
            assert.ok(diff.added.every((r: { name: string }) => r.name.startsWith("release-1.1")), "only the new release is added");
            assert.deepStrictEqual(diff.outputs, ["images.1.1"]);
            const missing = await plan("--stack", "dev", "--diff", "no-such-revision");
            assert.notStrictEqual(missing.code, 0);
            assert.match(missing.err, /--diff no-such-revision: neither a file nor a git revision that has Pulumi\.dev\.yaml/);
        } finally {
            process.chdir(cwd);
        }
    });

    it("exits non-zero with the validation message when config is bad", async () => {
        const bad = baseConfig("dev");
        bad.aws.sharing.public = true;
        const { code, out, err } = await plan("--stack", "dev", "--config", configFile(bad));
        assert.strictEqual(code, 1);
        assert.strictEqual(out, "");
        assert.match(err, /image-publisher:aws\.sharing\.public: true makes images public in a dev stack/);
    });

    it("never prints a secure config value, in any format", async () => {
        const raw = fs.readFileSync("Pulumi.prod.yaml", "utf8");
        const secure = [...raw.matchAll(/secure: (\S+)/g)].map((m) => m[1]);
        assert.ok(secure.length > 0);
        const config = readStackConfig("Pulumi.prod.yaml");
        assert.ok(Object.values(config.values).some((v) => v.includes("[secret]")));
        const { plan: prod } = await runPlan("prod", config, { now: new Date("2026-11-22T00:00:00Z") });
        for (const text of [renderJson(prod), renderTree(prod), renderMarkdown(prod)]) {
            for (const s of secure) {
                assert.ok(!text.includes(s), "a rendering shows a secure value");
            }
        }
    });

    it("refuses unknown flags and formats with usage", async () => {
        assert.strictEqual((await plan("--stack", "dev", "--format", "yaml")).code, 2);
        assert.strictEqual((await plan("--stak", "dev")).code, 2);
        assert.match((await plan("--format", "json")).err, /--stack is required/);
    });
});

describe("Offline plan guardrails", () => {
    it("flags a change that would replace an Azure gallery image definition, and exits 3", async () => {
        const azure = (publisher: string) => {
            const c = baseConfig("prod");
            c.releases[0].artifacts.azure = "https://artifacts.example.org/{version}/{arch}.vhd";
            c.azure = {
                enabled: true, subscriptionId: "00000000-1111-2222-3333-444444444444", resourceGroup: { name: "rg" },
                storageAccount: { name: "images" }, gallery: { name: "g" }, image: { publisher, offer: "testlinux" }, regions: [{ name: "westeurope" }],
            };
            return c;
        };
        const { code, out, err } = await plan("--stack", "prod", "--config", configFile(azure("other")), "--diff", configFile(azure("acme")));
        assert.strictEqual(code, 3);
        assert.match(out, /~ azure-native:compute:GalleryImage azure-x86_64-v2: identifier\.publisher/);
        assert.match(err, /\[no-gallery-image-definition-replacement\] azure-x86_64-v2: this change would replace the gallery image definition \(identifier\.publisher\)/);
    });
});
