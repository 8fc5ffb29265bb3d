// Mutation testing: `npm run mutate` (README, "Mutation testing").
//
// mocha is pinned to 11.7.5 in package.json, not 12: @stryker-mutator/mocha-runner 10.1.1 loads
// mocha's CLI helpers with require(`${mochaRoot}/lib/cli/run-helpers`) and
// lib/cli/options(.mjs), and mocha 12 ships them as .cjs files (lib/cli/run-helpers.cjs,
// options.cjs), which that require cannot find, so the runner does not start. mocha 11.7.5 has
// plain .js files in lib/cli and is inside the runner's peer range (mocha >= 7.2 < 13).

/**
 * The areas measured one at a time (README, "Mutation testing"): `MUTATE_AREA=<name> npm run mutate`
 * mutates the area's files with the test files that exercise them, and keeps the area's own report
 * (reports/mutation/<name>.json) and incremental file, so that `npm run bench` shows every area's
 * last score side by side.
 */
/** Tests that run the whole program (stacks/program.ts) over every cloud, which reach each cloud's publisher. */
const programTests = ["test/release.test.ts", "test/variants.test.ts"];

export const areas = {
    "aws-marketplace": {
        mutate: ["components/aws/marketplace-*.ts"],
        tests: ["test/aws-marketplace.test.ts", "test/aws-marketplace-faults.test.ts", "test/aws-marketplace-mutants.test.ts"],
    },
    "gcp-providers": {
        mutate: ["components/gcp/deprecation-provider.ts", "components/gcp/arm-image-provider.ts", "components/gcp/compute-client.ts"],
        tests: ["test/gcp-deprecation-provider.test.ts", "test/gcp-arm-image-provider.test.ts", "test/gcp-provider-mutants.test.ts"],
    },
    "alicloud-providers": {
        mutate: ["components/alicloud/import-image.ts", "components/alicloud/community-share.ts", "components/alicloud/ecs-client.ts"],
        tests: ["test/alicloud-import-image.test.ts", "test/alicloud-community-share.test.ts", "test/alicloud-provider-mutants.test.ts"],
    },
    "azure-providers": {
        mutate: ["components/azure/community-sharing-provider.ts", "components/azure/partner-center-provider.ts", "components/azure/partner-center-client.ts"],
        tests: [
            "test/azure-community-sharing.test.ts", "test/azure-partner-center.test.ts", "test/azure-provider-mutants.test.ts",
            "test/azure-answers-mutants.test.ts", "test/azure-defaults-mutants.test.ts",
        ],
    },
    // The rest of components/, area by area, each with the test files of its cloud or part: a run
    // over everything at once (about 8,300 mutants, each running every plan test that reaches it)
    // takes an estimated 4 to 9 hours on two cores; these finish in minutes to an hour each.
    "aws-images": {
        mutate: ["components/aws/*.ts", "!components/aws/marketplace-*.ts"],
        // The focused test files first: a mutant they kill stops there, before the plan tests run.
        tests: [
            "test/aws-image-mutants.test.ts", "test/aws-image-deprecation-provider-mutants.test.ts", "test/aws-image-deprecation-provider.test.ts",
            "test/aws-config.test.ts", "test/aws-image.test.ts", ...programTests,
        ],
    },
    "azure-images": {
        mutate: ["components/azure/*.ts", "!components/azure/community-sharing-provider.ts", "!components/azure/partner-center-provider.ts", "!components/azure/partner-center-client.ts"],
        tests: [
            "test/azure-gallery.test.ts", "test/azure-image.test.ts", "test/azure-marketplace-version.test.ts", "test/azure-partner-center-security.test.ts",
            "test/azure-preflight.test.ts", "test/azure-vhd-blob-resource.test.ts", "test/azure-vhd-blob-server-side.test.ts", "test/azure-vhd-blob.test.ts",
            "test/azure-partner-center.test.ts", ...programTests,
        ],
    },
    "gcp-images": {
        mutate: ["components/gcp/*.ts", "!components/gcp/deprecation-provider.ts", "!components/gcp/arm-image-provider.ts", "!components/gcp/compute-client.ts"],
        tests: [
            "test/gcp-config.test.ts", "test/gcp-image.test.ts", "test/gcp-serialisation.test.ts", "test/gcp-image-mutants.test.ts", "test/gcp-publisher.test.ts",
            ...programTests,
        ],
    },
    "alicloud-images": {
        mutate: ["components/alicloud/*.ts", "!components/alicloud/import-image.ts", "!components/alicloud/community-share.ts", "!components/alicloud/ecs-client.ts"],
        tests: ["test/alicloud-config.test.ts", "test/alicloud-image.test.ts", "test/alicloud-image-mutants.test.ts", ...programTests],
    },
    openstack: {
        mutate: ["components/openstack/*.ts"],
        tests: ["test/openstack-config.test.ts", "test/openstack-image.test.ts", "test/openstack-image-mutants.test.ts", ...programTests],
    },
    staging: {
        mutate: ["components/staging/*.ts"],
        tests: ["test/staging-provider.test.ts", "test/staging-stack.test.ts", "test/staging-mutants.test.ts", ...programTests],
    },
    core: {
        mutate: ["components/*.ts", "components/dynamic/*.ts"],
        tests: [
            "test/release.test.ts", "test/lifecycle.test.ts", "test/lifecycle-deprecation.test.ts", "test/outputs.test.ts", "test/publishers.test.ts",
            "test/dynamic-types.test.ts", "test/variants.test.ts", "test/aws-marketplace-faults.test.ts",
            // outputs.ts: the tables and notices read the outputs; dynamic/retry.ts: the providers retry through it.
            "test/tables.test.ts", "test/tables-variants.test.ts", "test/notify.test.ts", "test/notify-variants.test.ts", "test/notify-events.test.ts",
            "test/aws-marketplace.test.ts", "test/gcp-deprecation-provider.test.ts", "test/alicloud-import-image.test.ts", "test/azure-vhd-blob-server-side.test.ts",
            "test/release-retire.test.ts", "test/retry.test.ts",
        ],
    },
    config: {
        mutate: ["components/config/**/*.ts"],
        tests: [
            "test/config.test.ts", "test/config-safety.test.ts", "test/stack-config.test.ts", "test/variants.test.ts", "test/aws-config.test.ts",
            "test/gcp-config.test.ts", "test/alicloud-config.test.ts", "test/openstack-config.test.ts",
        ],
    },
};

const areaName = process.env.MUTATE_AREA;
const area = areaName === undefined ? undefined : areas[areaName];
if (areaName !== undefined && area === undefined) {
    throw new Error(`MUTATE_AREA=${areaName} is not an area; allowed: ${Object.keys(areas).join(", ")}`);
}
const reportName = areaName ?? "mutation";

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
    mutate: area?.mutate ?? ["components/**/*.ts", "stacks/**/*.ts"],
    testRunner: "mocha",
    mochaOptions: {
        config: ".mocharc.json",
        // MUTATE_TESTS="test/config.test.ts,..." narrows a quick run to some test files; the score
        // is then a lower bound. An area brings its own test files.
        spec: process.env.MUTATE_TESTS ? process.env.MUTATE_TESTS.split(",") : (area?.tests ?? ["test/**/*.test.ts"]),
    },
    // Each mutant runs only the tests that reached it in the dry run.
    coverageAnalysis: "perTest",
    // A mutant of module-level code (the zod schemas, the region catalogues) is "static": no test
    // reaches it alone, so it would need the whole suite (about 90 s) for each one. They are left
    // out; the schema's rules are proven by test/config.test.ts instead.
    ignoreStatic: true,
    // Only what changed since the last report is tested again.
    incremental: true,
    incrementalFile: area ? `reports/stryker-incremental-${areaName}.json` : "reports/stryker-incremental.json",
    // The machine is shared: one test process.
    concurrency: 1,
    // The TypeScript checker would make a run about ten times slower on two cores; ts-node
    // transpiles without type checks, and Stryker disables type checks in mutated files.
    checkers: [],
    tempDirName: "reports/.stryker-tmp",
    ignorePatterns: [".tools", "reports", "bench/out", ".azurite", "bin", "dist"],
    reporters: ["html", "json", "clear-text", "progress"],
    htmlReporter: { fileName: `reports/mutation/${reportName}.html` },
    jsonReporter: { fileName: `reports/mutation/${reportName}.json` },
    timeoutMS: 10000,
    // The whole suite takes 90 s alone and far longer on a busy machine; the initial run with
    // coverage must not be cut off.
    dryRunTimeoutMinutes: 30,
    thresholds: { high: 90, low: 80, break: null },
};
