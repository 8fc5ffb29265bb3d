/**
 * `npm run -s policy-config -- --stack prod [--config FILE]` prints the policy pack's config for a
 * `pulumi up`: the releases the stack file marks `retire` or `unpublish`. Their resources are
 * unprotected on purpose, and the pack, which sees neither retainOnDelete nor the stack config,
 * would refuse them otherwise. The workflows pass it with `--policy-pack-config`.
 */
import * as fs from "fs";
import { parseArgs } from "util";
import { policyNames } from "../policy/rules";
import { parseStackConfig } from "./stack-config";

const usage = "Usage: npm run -s policy-config -- --stack STACK [--config FILE]";

/** Where the command writes; tests pass their own. */
export interface PolicyConfigIo {
    /** Standard output: the JSON. */
    out: (text: string) => void;
    /** Standard error: what went wrong. */
    err: (text: string) => void;
}

/** The versions a stack file marks retire or unpublish, in file order. */
export function leavingReleases(text: string, source: string): string[] {
    const values = parseStackConfig(text, source).values;
    const raw = values["image-publisher:releases"];
    const releases = raw === undefined ? [] : JSON.parse(raw) as { version?: unknown; retire?: unknown; unpublish?: unknown }[];
    return releases.filter((r) => r.retire === true || r.unpublish === true).map((r) => String(r.version));
}

/** Runs the command; returns the exit code: 0 printed, 1 unreadable file, 2 bad usage. */
export function main(argv: string[], io: PolicyConfigIo): number {
    let args: { stack?: string; config?: string };
    try {
        args = parseArgs({ args: argv, options: { stack: { type: "string" }, config: { type: "string" } }, strict: true }).values;
    } catch (error) {
        io.err(`${(error as Error).message}\n${usage}\n`);
        return 2;
    }
    if (!args.stack) {
        io.err(`--stack is required\n${usage}\n`);
        return 2;
    }
    const file = args.config ?? `Pulumi.${args.stack}.yaml`;
    let leaving: string[];
    try {
        leaving = leavingReleases(fs.readFileSync(file, "utf8"), file);
    } catch (error) {
        io.err(`${file}: ${(error as Error).message}\n`);
        return 1;
    }
    io.out(`${JSON.stringify({ [policyNames.protectProdImages]: { leavingReleases: leaving } }, null, 2)}\n`);
    return 0;
}

if (require.main === module) {
    process.exitCode = main(process.argv.slice(2), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) });
}
