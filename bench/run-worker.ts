import { execFile } from "child_process";
import * as path from "path";

/** Runs a bench worker script in its own Node process and returns the JSON it prints last. */
export function runWorker<T>(script: string, args: string[]): Promise<T> {
    return new Promise((resolve, reject) => {
        execFile(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(__dirname, script), ...args],
            { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" } },
            (error, stdout, stderr) => {
                if (error) {
                    reject(new Error(`${script} ${args.join(" ")} failed: ${stderr || error.message}`));
                    return;
                }
                const last = stdout.trim().split("\n").pop() ?? "";
                try {
                    resolve(JSON.parse(last) as T);
                } catch {
                    reject(new Error(`${script} printed no JSON: ${stdout.slice(-500)}`));
                }
            });
    });
}

/** The median of some numbers. */
export function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
