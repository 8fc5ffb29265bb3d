/**
 * Lets a process that only runs the offline plan skip serialising dynamic providers.
 *
 * pulumi.dynamic.Resource serialises its provider's code into the `__provider` input, reading every
 * closure through the V8 inspector: in a cold process that was about 2 s of CPU of a 5 s prod plan.
 * The offline plan never shows that input (tools/mocks.ts drops it), so the plan command (through
 * tools/plan-cli.js) skips it. A real `pulumi preview` still serialises every provider, and the
 * tests check that each one survives it (test/helpers/serialise.ts).
 */

/** What stands in for a provider's code when it is not serialised. */
export const unserialisedProvider = "(provider not serialised by the offline plan)";

interface SerializeClosureModule {
    serializeFunction: (...args: unknown[]) => Promise<{ text: string; exportName: string; containsSecrets: boolean }>;
}

/** Makes dynamic resources registered from now on carry a placeholder instead of their provider's code; returns the undo. */
export function skipProviderSerialisation(): () => void {
    // pulumi.dynamic.Resource looks serializeFunction up on this module each time it serialises a provider.
    const closure = require("@pulumi/pulumi/runtime/closure/serializeClosure") as SerializeClosureModule;
    const original = closure.serializeFunction;
    closure.serializeFunction = async () => ({ text: unserialisedProvider, exportName: "handler", containsSecrets: false });
    return () => {
        closure.serializeFunction = original;
    };
}
