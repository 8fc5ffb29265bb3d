/**
 * Pulumi's closure serialisation of a dynamic provider, and loading the text back the way the
 * dynamic provider host does, so tests can call the serialised provider against a local server.
 */
import Module from "module";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

/** Where serialised modules are loaded from: the project root, so they find its node_modules. */
const root = path.resolve(__dirname, "..", "..");

/** Loads serialised module text as a fresh module, and returns what its export gives when called. */
export function loadSerialised<T>(text: string, exportName = "handler"): T {
    const filename = path.join(root, "serialised-provider.js");
    const loaded = new Module(filename, module) as Module & { _compile: (code: string, file: string) => void };
    loaded.filename = filename;
    loaded.paths = (Module as unknown as { _nodeModulePaths: (dir: string) => string[] })._nodeModulePaths(root);
    loaded._compile(text, filename);
    return (loaded.exports as Record<string, () => T>)[exportName]();
}

/** What went through serialisation: the module text, and what the loaded module's export gave. */
export interface RoundTrip<T> {
    /** The serialised module text. */
    text: string;
    /** What the loaded module's export returned. */
    value: T;
}

/** Serialises `make` the way pulumi.dynamic.Resource serialises a provider, loads the text back and calls it. */
export async function roundTrip<T>(make: () => T, args?: pulumi.runtime.SerializeFunctionArgs): Promise<RoundTrip<T>> {
    const { text, exportName } = await pulumi.runtime.serializeFunction(make, args);
    return { text, value: loadSerialised<T>(text, exportName) };
}

/** What `make` returns once it went through serialisation and back. */
export async function throughSerialisation<T>(make: () => T, args?: pulumi.runtime.SerializeFunctionArgs): Promise<T> {
    return (await roundTrip(make, args)).value;
}
