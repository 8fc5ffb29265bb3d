import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";

describe("The test process's stack traces (test/setup.ts)", () => {
    it("keeps a test's error stack mapped to the TypeScript source", () => {
        const stack = new Error("where").stack ?? "";
        assert.match(stack, /test-setup\.test\.ts:6:/);
    });

    it("gives Pulumi's per-resource capture (Resource.callsites) no frames", () => {
        // Private in Pulumi's types; registerResource calls it for every resource.
        const resource = pulumi.Resource as unknown as { callsites(): unknown[] };
        assert.deepStrictEqual(resource.callsites(), []);
    });
});
