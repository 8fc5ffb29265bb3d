// The plan's own work in a warm process, beside which bench/plan-e2e.ts puts the end-to-end plan:
// the same JavaScript that `node tools/plan-cli.js` runs (compiled into bin/, which plan-e2e.ts
// builds first), the same stack file, fixtures and process settings, but no ts-node, whose
// source-map support makes each stack trace that Pulumi takes for a resource several times slower.
// Runs the plan once to warm up, then times a second run. Prints {wallMs, resources} as JSON.
"use strict";
const path = require("path");

const root = path.join(__dirname, "..");
const bin = (file) => require(path.join(root, "bin", file));

async function main() {
    process.chdir(root);
    bin("tools/plan-process.js").setUpPlanOnlyProcess();
    const { runPlan } = bin("tools/plan-run.js");
    const { readStackConfig } = bin("tools/stack-config.js");
    const config = readStackConfig("Pulumi.prod.yaml");
    const now = new Date("2026-11-22T00:00:00Z");
    await runPlan("prod", config, { now });
    const start = process.hrtime.bigint();
    const { recorded } = await runPlan("prod", config, { now });
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
    process.stdout.write(`${JSON.stringify({ wallMs, resources: recorded.length })}\n`);
}

main().catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
});
