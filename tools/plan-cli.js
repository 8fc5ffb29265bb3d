#!/usr/bin/env -S node --max-semi-space-size=16
// The offline plan, run as JavaScript compiled once into bin/ instead of compiling TypeScript on
// every run: `npm run plan -- --stack prod [...]` runs this file, as does `node tools/plan-cli.js`.
// npm runs it with `--max-semi-space-size=16` (package.json): V8 then caps each half of its young
// generation at 16 MiB instead of letting it grow larger, and a plan keeps nearly everything it
// allocates (resources, outputs, promises) until it prints, so a smaller young space copies less
// on each scavenge. Measured on two cores: a prod plan end to end 1.30 s -> 1.17 s (8 MiB: 1.12 s,
// but a 20-release plan 8 % slower; 16 MiB leaves that within 3 %). Node takes heap flags only at
// start, so `node tools/plan-cli.js` without the flag plans the same, a little slower.
// It recompiles (tsc, incremental, tsconfig.build.json) only when a source file is newer than the
// last build. Plain JavaScript on purpose: it must start without a TypeScript compiler.
"use strict";
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");

const root = path.join(__dirname, "..");
const stamp = path.join(root, "bin", ".plan-cli-stamp");

/** The newest modification time of the program's sources, in ms. */
function newestSource() {
    let newest = 0;
    const walk = (dir) => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
            const full = path.join(dir, entry.name);
            if (entry.isDirectory()) {
                walk(full);
            } else if (/\.(ts|json)$/.test(entry.name)) {
                newest = Math.max(newest, fs.statSync(full).mtimeMs);
            }
        }
    };
    ["stacks", "components", "tools", "policy"].forEach((d) => walk(path.join(root, d)));
    return Math.max(newest, fs.statSync(path.join(root, "tsconfig.json")).mtimeMs, fs.statSync(path.join(root, "tsconfig.build.json")).mtimeMs);
}

function build() {
    const built = fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0;
    if (built >= newestSource()) {
        return;
    }
    const tsc = require.resolve("typescript/bin/tsc", { paths: [root] });
    // Type errors do not stop the emit; `npm run check` is where they fail.
    const result = spawnSync(process.execPath, [tsc, "-p", path.join(root, "tsconfig.build.json")], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
    if (result.status === null) {
        throw new Error("tsc did not finish");
    }
    fs.writeFileSync(stamp, new Date().toISOString());
}

build();
// V8 keeps the code it compiles for each module in bin/ (Node 22.1 and later), so that a later run
// skips parsing and compiling Pulumi and the cloud SDKs: a few hundred ms of CPU of a prod plan.
require("module").enableCompileCache?.(path.join(root, "bin", ".compile-cache"));
const { main } = require(path.join(root, "bin", "tools", "plan.js"));

/**
 * Ends the process with this code once standard output and error are flushed. Left to end by
 * itself, the process would first tear down its heap (hundreds of MB after a prod plan) and wait
 * for V8's background threads: about 0.1 s of a prod plan. 'exit' handlers still run, and Node
 * still writes the compile cache.
 */
function exit(code) {
    process.exitCode = code;
    process.stdout.write("", () => process.stderr.write("", () => process.exit()));
}

// IMAGE_PUBLISHER_PLAN_TIMING=1 adds a line to standard error once the plans are done,
// {"planWorkMs"}: the time they took inside this process (both, for a diff), beside which
// `npm run bench` puts the process's wall time from start to exit.
const onPlanWork = process.env.IMAGE_PUBLISHER_PLAN_TIMING === "1"
    ? (ms) => process.stderr.write(`${JSON.stringify({ planWorkMs: ms })}\n`)
    : undefined;

// This process only plans, so it skips serialising dynamic providers, which the plan never prints.
main(process.argv.slice(2), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }, { serialiseProviders: false, onPlanWork })
    .then(exit)
    .catch((error) => {
        process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
        exit(1);
    });
