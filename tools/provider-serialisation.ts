/**
 * Lets a process that only runs the offline plan skip serialising dynamic providers.
 *
 * pulumi.dynamic.Resource serialises its provider's code into the `__provider` input, reading every
 * closure through the V8 inspector: in a cold process that was about 2 s of CPU of a 5 s prod plan.
 * Pulumi also loads what serialisation needs (the TypeScript compiler, npm's arborist) whenever it
 * is loaded itself: more than half of its load time. The offline plan never shows that input
 * (tools/mocks.ts drops it), so the plan command (through tools/plan-cli.js) skips all of it. A real
 * `pulumi preview` still serialises every provider, and the tests check that each one survives it
 * (test/helpers/serialise.ts).
 */
import { standIn } from "./stand-in";

/** What stands in for a provider's code when it is not serialised. */
export const unserialisedProvider = "(provider not serialised by the offline plan)";

interface SerializeClosureModule {
    serializeFunction: (...args: unknown[]) => Promise<{ text: string; exportName: string; containsSecrets: boolean }>;
}

const serializeClosure = "@pulumi/pulumi/runtime/closure/serializeClosure";
const codePaths = "@pulumi/pulumi/runtime/closure/codePaths";

const placeholder = async () => ({ text: unserialisedProvider, exportName: "handler", containsSecrets: false });

/** Makes dynamic resources registered from now on carry a placeholder instead of their provider's code; returns the undo. */
export function skipProviderSerialisation(): () => void {
    // pulumi.dynamic.Resource looks serializeFunction up on this module each time it serialises a provider.
    const closure = require(serializeClosure) as SerializeClosureModule;
    const original = closure.serializeFunction;
    closure.serializeFunction = placeholder;
    return () => {
        closure.serializeFunction = original;
    };
}

/**
 * For a process that does nothing but plan, before it loads Pulumi: puts stand-ins for Pulumi's
 * closure serialisation modules in require's cache, so that Pulumi never loads them (nor TypeScript
 * and npm's arborist through them), and every provider gets the placeholder. Once Pulumi is loaded
 * it can only skip the serialisation itself ({@link skipProviderSerialisation}). There is no undo.
 */
export function skipProviderSerialisationForGood(): void {
    if (require.cache[require.resolve(serializeClosure)] !== undefined) {
        skipProviderSerialisation();
        return;
    }
    const refuse = () => {
        throw new Error("closure serialisation is off in this process: it only runs the offline plan");
    };
    const standIns: Record<string, object> = {
        [serializeClosure]: { serializeFunction: placeholder, serializeFunctionAsync: refuse },
        [codePaths]: { computeCodePaths: refuse },
    };
    for (const [request, exports] of Object.entries(standIns)) {
        standIn(request, exports);
    }
}
