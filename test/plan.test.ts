import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { main } from "../tools/plan";
import { renderJson, renderMarkdown, renderTree } from "../tools/plan-render";
import { readStackConfig } from "../tools/stack-config";
import { baseConfig } from "./fixtures/config";
import { committedPlan, planCommand as plan, sharedPlanCommand } from "./helpers/shared-runs";

/** Writes a stack config file the way a user would, un-namespaced keys under `config:`. */
function configFile(values: Record<string, unknown>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
    const file = path.join(dir, "Pulumi.test.yaml");
    fs.writeFileSync(file, stringify({ config: Object.fromEntries(Object.entries(values).map(([k, v]) => [`image-publisher:${k}`, v])) }));
    return file;
}

describe("Offline plan", () => {
    it("exempts a release marked unpublish, unprotected on purpose, from the prod protection policy", async () => {
        const values = baseConfig("prod");
        values.releases[0].unpublish = true;
        const exempt = await plan("--stack", "prod", "--config", configFile(values), "--now", "2026-11-22");
        assert.strictEqual(exempt.code, 0, exempt.err);
        assert.doesNotMatch(exempt.err, /protect-prod-images/);
    });

    it("prints JSON of exactly {stack, resources, outputs}, each resource with type, name, parent, provider, inputs, dependsOn, protect, retainOnDelete and ignoreChanges", async () => {
        const { code, out } = await sharedPlanCommand("--stack", "dev", "--format", "json", "--now", "2026-11-22");
        assert.strictEqual(code, 0);
        const json = JSON.parse(out);
        assert.deepStrictEqual(Object.keys(json), ["stack", "resources", "outputs"]);
        assert.strictEqual(json.stack, "dev");
        assert.ok(json.resources.length > 0);
        for (const r of json.resources) {
            assert.deepStrictEqual(Object.keys(r), ["type", "name", "parent", "provider", "inputs", "dependsOn", "protect", "retainOnDelete", "ignoreChanges"]);
        }
        const ami = json.resources.find((r: { type: string }) => r.type === "aws:ec2/ami:Ami");
        assert.strictEqual(ami.parent, "release-1592.4-aws-x86_64");
        assert.deepStrictEqual(ami.dependsOn, ["release-1592.4-aws-x86_64-snapshot"]);
        assert.strictEqual(ami.protect, false, "dev protects nothing");
        const prod = JSON.parse((await sharedPlanCommand("--stack", "prod", "--format", "json", "--now", "2026-11-22")).out);
        const prodAmi = prod.resources.find((r: { type: string }) => r.type === "aws:ec2/ami:Ami");
        assert.strictEqual(prodAmi.protect, true);
        assert.strictEqual(prodAmi.retainOnDelete, false);
        assert.strictEqual(prod.resources.filter((r: { retainOnDelete: unknown }) => typeof r.retainOnDelete !== "boolean").length, 0);
        assert.match(json.outputs.images["1592.4"].aws.x86_64["eu-central-1"], /^ami-[0-9a-f]{17}$/);
    });

    it("prints byte-identical output for the same input", async () => {
        // The first is the run other tests read too; the second runs the program again.
        const first = await sharedPlanCommand("--stack", "prod", "--format", "json", "--now", "2026-11-22");
        const second = await plan("--stack", "prod", "--format", "json", "--now", "2026-11-22");
        assert.strictEqual(first.code, 0);
        assert.strictEqual(first.out, second.out);
    });

    it("shows an added release in --diff-file as created resources with every input, and exits 0", async () => {
        const one = baseConfig("prod");
        const two = baseConfig("prod");
        two.releases.push({ ...two.releases[0], version: "1.1" });
        const { code, out, err } = await plan("--stack", "prod", "--config", configFile(two), "--diff-file", configFile(one), "--format", "json");
        assert.strictEqual(code, 0, err);
        const diff = JSON.parse(out);
        assert.deepStrictEqual(diff.refusals, []);
        assert.ok(diff.resources.length > 0);
        assert.deepStrictEqual(diff.resources.filter((r: { op: string; name: string }) => r.op !== "create" || !r.name.startsWith("release-1.1")), [], "only the new release is created");
        const snapshot = diff.resources.find((r: { type: string; name: string }) => r.type === "aws:ebs/snapshotImport:SnapshotImport" && r.name === "release-1.1-aws-x86_64-snapshot");
        const container = snapshot.properties.find((p: { path: string }) => p.path === "diskContainer");
        assert.deepStrictEqual(container.new.userBucket, { s3Bucket: "artifacts", s3Key: "1.1/testlinux-1.1-x86_64.raw" });
        assert.deepStrictEqual(diff.outputs.map((o: { path: string; op: string }) => `${o.op} ${o.path}`), ["added images.1.1"]);
        const text = await plan("--stack", "prod", "--config", configFile(two), "--diff-file", configFile(one), "--format", "markdown");
        assert.match(text.out, /No refusals\./);
        assert.match(text.out, /\+ aws:ec2\/ami:Ami release-1\.1-aws-arm64-ami/);
    });

    it("replaces the snapshot import and AMIs of a release whose AWS artifact changes, naming the input, and exits 3", async () => {
        const before = baseConfig("prod");
        const after = baseConfig("prod");
        after.releases[0].artifacts.aws = "s3://artifacts/v2/{version}/{product}-{version}-{arch}.raw";
        const { code, out } = await plan("--stack", "prod", "--config", configFile(after), "--diff-file", configFile(before), "--format", "json");
        assert.strictEqual(code, 3);
        const diff = JSON.parse(out);
        const op = (name: string) => diff.resources.find((r: { name: string }) => r.name === name);
        const snapshot = op("release-1.0-aws-x86_64-snapshot");
        assert.strictEqual(snapshot.op, "replace");
        assert.deepStrictEqual(snapshot.properties.map((p: { path: string; replaces: boolean }) => [p.path, p.replaces]), [["diskContainer.userBucket.s3Key", true]]);
        for (const arch of ["x86_64", "arm64"]) {
            const ami = op(`release-1.0-aws-${arch}-ami`);
            assert.strictEqual(ami.op, "replace");
            assert.strictEqual(ami.protect, true);
            assert.deepStrictEqual(ami.properties.filter((p: { replaces: boolean }) => p.replaces).map((p: { path: string }) => p.path), ["ebsBlockDevices[0].snapshotId"]);
        }
        assert.ok(diff.refusals.some((r: { resource: string; reason: string }) => r.resource === "release-1.0-aws-arm64-ami" && /replaced .*protected/.test(r.reason)));
    });

    it("refuses removing a region: names the protected copies and the revoked public grants, and exits 3", async () => {
        const before = baseConfig("prod");
        const after = baseConfig("prod");
        after.aws.regions = ["eu-central-1", "eu-west-1"];
        const { code, out } = await plan("--stack", "prod", "--config", configFile(after), "--diff-file", configFile(before), "--format", "markdown");
        assert.strictEqual(code, 3);
        const summary = out.slice(0, out.indexOf("<details>"));
        assert.match(summary, /\*\*Refused: \d+ reasons/);
        assert.match(summary, /`release-1\.0-aws-x86_64-us-east-1` \(`aws:ec2\/amiCopy:AmiCopy`\): would be deleted, and it is protected/);
        assert.match(summary, /revoking public access \(launch permission for group "all"\) in prod/);
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
            const resources = diff.resources as { name: string; op: string }[];
            assert.deepStrictEqual(resources.filter((r) => r.op !== "create"), [], "nothing but creates");
            assert.ok(resources.length > 0, "the release added in the work tree shows as created");
            assert.deepStrictEqual(resources.filter((r) => !r.name.startsWith("release-1.1")), [], "only the new release is created");
            assert.deepStrictEqual((diff.outputs as { path: string; op: string }[]).map((o) => [o.path, o.op]), [["images.1.1", "added"]]);
            const missing = await plan("--stack", "dev", "--diff", "no-such-revision");
            assert.notStrictEqual(missing.code, 0);
            assert.match(missing.err, /--diff no-such-revision: not a git revision of the repository that holds Pulumi\.dev\.yaml/);
        } finally {
            process.chdir(cwd);
        }
    });

    it("takes --diff as a git revision only, even when a file of that name exists", async () => {
        const file = configFile(baseConfig("dev"));
        const { code, out, err } = await plan("--stack", "dev", "--diff", file);
        assert.strictEqual(code, 1);
        assert.strictEqual(out, "");
        assert.match(err, /--diff .*: not a git revision of the repository that holds Pulumi\.dev\.yaml/);
        assert.strictEqual((await plan("--stack", "dev", "--diff", "HEAD", "--diff-file", file)).code, 2);
        assert.match((await plan("--stack", "dev", "--diff", "--output=x")).err, /not a git revision|argument missing|ambiguous/);
    });

    it("compares --config FILE with the same path at the --diff revision", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-git-"));
        const file = path.join(dir, "stacks", "Pulumi.prod.yaml");
        fs.mkdirSync(path.dirname(file));
        const write = (values: Record<string, unknown>) => fs.writeFileSync(file, stringify({ config: Object.fromEntries(Object.entries(values).map(([k, v]) => [`image-publisher:${k}`, v])) }));
        const one = baseConfig("prod");
        write(one);
        const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: dir, stdio: "ignore" });
        git("init", "-q");
        git("add", ".");
        git("commit", "-qm", "one release");
        const two = baseConfig("prod");
        two.releases.push({ ...two.releases[0], version: "1.1" });
        write(two);
        const { code, out, err } = await plan("--stack", "prod", "--config", file, "--diff", "HEAD", "--format", "json");
        assert.strictEqual(code, 0, err);
        const diff = JSON.parse(out);
        assert.ok(diff.resources.length > 0);
        assert.deepStrictEqual(diff.resources.filter((r: { name: string }) => !r.name.startsWith("release-1.1")), []);
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
        assert.ok(Object.values(readStackConfig("Pulumi.prod.yaml").values).some((v) => v.includes("[secret]")));
        const { plan: prod } = await committedPlan("prod");
        for (const text of [renderJson(prod), renderTree(prod), renderMarkdown(prod)]) {
            for (const s of secure) {
                assert.ok(!text.includes(s), "a rendering shows a secure value");
            }
        }
    });

    it("tells the caller how long its plans took inside the process, both of a diff, and nothing on bad flags", async () => {
        const told: number[] = [];
        const io = { out: () => undefined, err: () => undefined };
        const dev = configFile(baseConfig("dev"));
        assert.strictEqual(await main(["--stack", "dev", "--config", dev, "--format", "json"], io, { onPlanWork: (ms) => told.push(ms) }), 0);
        assert.strictEqual(told.length, 1);
        assert.ok(told[0] > 0);
        const start = performance.now();
        assert.strictEqual(await main(["--stack", "dev", "--config", dev, "--diff-file", dev], io, { onPlanWork: (ms) => told.push(ms) }), 0);
        const diffWall = performance.now() - start;
        assert.strictEqual(told.length, 2);
        // Both plans of the diff, and no more than the command's own wall time.
        assert.ok(told[1] > 0 && told[1] <= diffWall, `${told[1]} ms of plans in ${diffWall} ms`);
        assert.strictEqual(await main(["--stack", "dev", "--format", "yaml"], io, { onPlanWork: (ms) => told.push(ms) }), 2);
        assert.strictEqual(told.length, 2);
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
        const { code, out, err } = await plan("--stack", "prod", "--config", configFile(azure("other")), "--diff-file", configFile(azure("acme")));
        assert.strictEqual(code, 3);
        assert.match(out, /Plan diff of stack prod/);
        assert.match(err, /\[no-gallery-image-definition-replacement\] azure-x86_64-v2: this change would replace the gallery image definition \(identifier\.publisher\)/);
    });
});
