/**
 * Run in a process of its own by test/plan-startup.test.ts: does one thing and prints, as JSON, the
 * packages it loaded (such as "@pulumi/aws" or "@pulumi/azure-native/compute") and the cloud SDK
 * modules it loaded (such as "@pulumi/aws/ec2", or "@pulumi/aws/index.js" for the SDK's root);
 * in the "cli" mode, also what using the Automation API after the plan gave.
 *   startup-modules.ts help            the plan command with --help
 *   startup-modules.ts cli             the plan command of the dev stack as tools/plan-cli.js runs it
 *   startup-modules.ts plan CONFIG     the program under mocks, CONFIG being un-namespaced config as JSON
 */
import * as path from "path";

/** Each cloud's Pulumi SDK. */
const cloudSdks = ["@pulumi/alicloud", "@pulumi/aws", "@pulumi/azure-native", "@pulumi/gcp", "@pulumi/openstack"];

/**
 * The packages in require's cache: scoped ones by scope/name, azure-native by submodule; and the
 * cloud SDKs' modules: each SDK's directories and top-level files, its root being "index.js".
 */
function loaded(): { packages: string[]; sdkModules: string[] } {
    const names = new Set<string>();
    const sdkModules = new Set<string>();
    for (const file of Object.keys(require.cache)) {
        const at = file.lastIndexOf(`node_modules${path.sep}`);
        if (at < 0) {
            continue;
        }
        const parts = file.slice(at + "node_modules/".length).split(path.sep);
        const name = parts[0].startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
        names.add(name === "@pulumi/azure-native" && parts[2] && !parts[2].endsWith(".js") ? `${name}/${parts[2]}` : name);
        if (cloudSdks.includes(name)) {
            sdkModules.add(`${name}/${parts[2]}`);
        }
    }
    return { packages: [...names].sort(), sdkModules: [...sdkModules].sort() };
}

/** In the "cli" mode, what using Pulumi's Automation API after the plan gave: its error's message. */
let automationUse: string | undefined;

async function main(): Promise<void> {
    const [mode, config] = process.argv.slice(2);
    if (mode === "help") {
        const { main: plan } = await import("../../tools/plan");
        await plan(["--help"], { out: () => undefined, err: () => undefined });
    } else if (mode === "cli") {
        const { main: plan } = await import("../../tools/plan");
        let err = "";
        const code = await plan(["--stack", "dev", "--format", "json", "--now", "2026-11-22"], { out: () => undefined, err: (t) => { err += t; } }, { serialiseProviders: false });
        if (code !== 0) {
            throw new Error(`the plan exited ${code}: ${err}`);
        }
        try {
            automationUse = String((await import("@pulumi/pulumi")).automation.LocalWorkspace);
        } catch (error) {
            automationUse = (error as Error).message;
        }
    } else {
        const { runPlan } = await import("../../tools/plan-run");
        const { cliConfig } = await import("../mocks");
        await runPlan("dev", { values: cliConfig(JSON.parse(config)), secretKeys: [] }, { now: new Date("2026-11-22T00:00:00Z") });
    }
    process.stdout.write(`${JSON.stringify({ ...loaded(), automationUse })}\n`);
}

main().catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
});
