import * as assert from "assert";
import { execFileSync } from "child_process";
import * as path from "path";
import { publish } from "../stacks/program";
import { baseConfig } from "./fixtures/config";
import { named, runMocked } from "./mocks";

const root = path.join(__dirname, "..");

/** The cloud packages loaded after each of these runs of the program, in one process of their own. */
function loadedPackages(...runs: [stack: string, config: string][]): string[][] {
    const out = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", "test/helpers/loaded-modules.ts", ...runs.flat()], { cwd: root, encoding: "utf8" });
    return JSON.parse(out) as string[][];
}

describe("Cloud publishers", () => {
    it("loads the provider and SDKs of the enabled clouds only: an AWS-only stack never loads Azure, GCP, AliCloud or OpenStack", () => {
        // The prod stack, run second in the same process, publishes everywhere: it shows that the check sees every provider.
        const [awsOnly, all] = loadedPackages(["prod", JSON.stringify(baseConfig("prod"))], ["prod", "Pulumi.prod.yaml"]);
        assert.ok(awsOnly.includes("@pulumi/aws"), awsOnly.join(", "));
        const others = awsOnly.filter((p) => /^(@pulumi\/(azure-native|gcp|alicloud|openstack)|@azure\/|@google-cloud\/|@alicloud\/|ali-oss)/.test(p));
        assert.deepStrictEqual(others, []);
        for (const provider of ["@pulumi/aws", "@pulumi/azure-native", "@pulumi/gcp", "@pulumi/alicloud", "@pulumi/openstack"]) {
            assert.ok(all.includes(provider), `${provider} not in ${all.join(", ")}`);
        }
    });

    it("registers each enabled cloud's images under the release, named release-<version>-<cloud>-<arch>, and nothing of a cloud that is off", async () => {
        const c = baseConfig("dev");
        c.gcp = { enabled: true, project: "images-dev" };
        c.releases[0].artifacts.gcp = "gs://artifacts/{version}/{product}-{version}-{arch}-gcpimage.tar.gz";
        const run = await runMocked(() => publish(), { stack: "dev", config: c });
        for (const [cloud, type] of [["aws", "image-publisher:aws:Image"], ["gcp", "image-publisher:gcp:Image"]]) {
            for (const arch of ["x86_64", "arm64"]) {
                const image = named(run, `release-1.0-${cloud}-${arch}`);
                assert.strictEqual(image.type, type);
                assert.strictEqual(image.parent, "release-1.0");
            }
        }
        assert.deepStrictEqual(run.resources.filter((r) => /^(image-publisher:)?(azure|alicloud|openstack)/.test(r.type)).map((r) => r.name), []);
        const images = run.outputs.images as unknown as Record<string, Record<string, unknown>>;
        assert.deepStrictEqual(Object.keys(images["1.0"]), ["aws", "gcp"]);
    });
});
