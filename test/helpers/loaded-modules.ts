/**
 * Runs the program under mocks once per given config, in this process, and prints as JSON the cloud
 * packages loaded after each run: `ts-node test/helpers/loaded-modules.ts STACK CONFIG [STACK CONFIG]`
 * where CONFIG is a stack file (Pulumi.prod.yaml) or un-namespaced config as JSON. Modules stay
 * loaded, so each list holds what the runs so far loaded.
 */
import * as fs from "fs";
import { publish } from "../../stacks/program";
import { runUnderMocks } from "../../tools/mocks";
import { readStackConfig } from "../../tools/stack-config";
import { cliConfig } from "../mocks";

/** A package of one cloud: its Pulumi provider or one of its SDKs, such as "@pulumi/gcp" or "@google-cloud/storage". */
const cloudModule = /node_modules\/((@pulumi\/(aws|azure-native|gcp|alicloud|openstack))|((@aws-sdk|@azure|@google-cloud|@alicloud)\/[^/]+)|ali-oss)\//;

/** The cloud packages loaded so far. */
function loaded(): string[] {
    return [...new Set(Object.keys(require.cache).filter((m) => cloudModule.test(m)).map((m) => cloudModule.exec(m)![1]))].sort();
}

async function main(args: string[]): Promise<void> {
    const lists: string[][] = [];
    for (let i = 0; i + 1 < args.length; i += 2) {
        const [stack, config] = [args[i], args[i + 1]];
        const file = fs.existsSync(config) ? readStackConfig(config) : undefined;
        const values = file ? file.values : cliConfig(JSON.parse(config) as Record<string, unknown>);
        await runUnderMocks(() => publish({ now: new Date("2026-12-02T00:00:00Z") }), { stack, config: values, secretKeys: file?.secretKeys });
        lists.push(loaded());
    }
    process.stdout.write(JSON.stringify(lists));
}

main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
});
