import * as assert from "assert";
import { publish } from "../stacks/program";
import { baseConfig } from "./fixtures/config";
import { named, runMocked } from "./mocks";

describe("Cloud publishers", () => {
    // That a cloud that is off loads nothing of its own is tested on the plan command: test/plan-startup.test.ts.
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
