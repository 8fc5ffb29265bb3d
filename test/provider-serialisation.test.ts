import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { skipProviderSerialisation, unserialisedProvider } from "../tools/provider-serialisation";
import { runMocked } from "./mocks";

/** A dynamic resource with nothing of its own. */
class Thing extends pulumi.dynamic.Resource {}

/** Registers one dynamic resource with a provider of its own (Pulumi caches each provider's text) and returns its `__provider`. */
async function providerTextOfNewResource(): Promise<string> {
    const provider: pulumi.dynamic.ResourceProvider = { create: async () => ({ id: "x", outs: {} }) };
    const run = await runMocked(() => {
        const resource = new Thing(provider, "thing", { size: 1 }, {}, "test", "Thing");
        return { text: (resource as unknown as { __provider: pulumi.Output<string> }).__provider };
    });
    assert.deepStrictEqual(run.resources.map((r) => r.inputs), [{ size: 1 }]);
    return run.outputs.text as unknown as string;
}

describe("Skipping provider serialisation (the plan command's own process)", () => {
    it("registers dynamic resources with the same inputs and a placeholder for the provider's code, until undone", async () => {
        const undo = skipProviderSerialisation();
        let skipped: string;
        try {
            skipped = await providerTextOfNewResource();
        } finally {
            undo();
        }
        const serialised = await providerTextOfNewResource();

        assert.strictEqual(skipped, unserialisedProvider);
        assert.match(serialised, /exports\.handler/);
    });
});
