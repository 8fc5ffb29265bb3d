/**
 * Runs the program under mocks in a process of its own and prints, as JSON, which cloud packages it
 * loaded: `ts-node test/helpers/loaded-modules.ts STACK CONFIG` where CONFIG is a stack file
 * (Pulumi.prod.yaml) or un-namespaced config as JSON.
 */
import * as fs from "fs";
import { publish } from "../../stacks/program";
import { runUnderMocks } from "../../tools/mocks";
import { readStackConfig } from "../../tools/stack-config";
import { cliConfig } from "../mocks";

/** A package of one cloud: its Pulumi provider or one of its SDKs, such as "@pulumi/gcp" or "@google-cloud/storage". */
const cloudModule = /node_modules\/((@pulumi\/(aws|azure-native|gcp|alicloud|openstack))|((@aws-sdk|@azure|@google-cloud|@alicloud)\/[^/]+)|ali-oss)\//;

async function main(stack: string, config: string): Promise<void> {
    const file = fs.existsSync(config) ? readStackConfig(config) : undefined;
    const values = file ? file.values : cliConfig(JSON.parse(config) as Record<string, unknown>);
    await runUnderMocks(() => publish({ now: new Date("2026-12-02T00:00:00Z") }), { stack, config: values, secretKeys: file?.secretKeys });
    const loaded = Object.keys(require.cache).filter((m) => cloudModule.test(m)).map((m) => cloudModule.exec(m)![1]);
    process.stdout.write(JSON.stringify([...new Set(loaded)].sort()));
}

main(process.argv[2], process.argv[3]).catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
});
