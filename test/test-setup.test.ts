import * as assert from "assert";
import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";

describe("The test process's stack traces (test/setup.ts)", () => {
    it("keeps a test's error stack mapped to the TypeScript source", () => {
        const stack = new Error("where").stack ?? "";
        // The line in this file as it is on disk (Stryker's sandbox adds a header line), 1-based.
        const line = fs.readFileSync(__filename, "utf8").split("\n").findIndex((l) => l.includes(`new Error("where")`)) + 1;
        assert.ok(line > 0);
        assert.match(stack, new RegExp(`test-setup\\.test\\.ts:${line}:`));
    });

    it("gives Pulumi's per-resource capture (Resource.callsites) no frames", () => {
        // Private in Pulumi's types; registerResource calls it for every resource.
        const resource = pulumi.Resource as unknown as { callsites(): unknown[] };
        assert.deepStrictEqual(resource.callsites(), []);
    });
});
