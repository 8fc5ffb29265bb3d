/** Runs the release command in-process on a copy of a stack file, with the plan diff stubbed unless asked. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main, ReleaseDeps } from "../../tools/release";
import { EditPlan } from "../../tools/release-plan";

/** What one run printed and returned. */
export interface ReleaseRun {
    /** The exit code. */
    code: number;
    /** Standard output. */
    out: string;
    /** Standard error. */
    err: string;
}

/** Copies a committed stack file (Pulumi.dev.yaml or Pulumi.prod.yaml) into a fresh directory, with text replaced; returns its path. */
export function stackCopy(name: string, replace: [string, string][] = []): string {
    let text = fs.readFileSync(path.join(__dirname, "..", "..", name), "utf8");
    for (const [from, to] of replace) {
        text = text.split(from).join(to);
    }
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "release-")), name);
    fs.writeFileSync(file, text);
    return file;
}

/** A plan diff stand-in that records the texts it was given. */
export function recordingPlan(violations: string[] = []): { calls: { before: string; after: string }[]; planEdit: NonNullable<ReleaseDeps["planEdit"]> } {
    const calls: { before: string; after: string }[] = [];
    return {
        calls,
        planEdit: async (_stack, before, after): Promise<EditPlan> => {
            calls.push({ before, after });
            return { text: "(plan diff)\n", violations };
        },
    };
}

/** Runs `npm run release -- ...argv` in-process. */
export async function release(argv: string[], deps: ReleaseDeps = {}): Promise<ReleaseRun> {
    let out = "";
    let err = "";
    const code = await main(argv, { out: (t) => { out += t; }, err: (t) => { err += t; } }, deps);
    return { code, out, err };
}
