/** What components hand the engine as their outputs (ComponentResource.registerOutputs), for tests. */
import * as pulumi from "@pulumi/pulumi";

/** The outputs each component registered, by logical name: the first registration of each, as the engine takes only that one. */
export type RegisteredOutputs = Map<string, pulumi.Inputs>;

/**
 * Runs `fn` while recording every component's registerOutputs call. The outputs are what the
 * engine stores as the component's outputs in the stack's state.
 */
export async function recordingComponentOutputs<T>(fn: (registered: RegisteredOutputs) => Promise<T>): Promise<T> {
    const proto = pulumi.ComponentResource.prototype as unknown as { registerOutputs: (this: ComponentInternals, outputs?: pulumi.Inputs) => void };
    const original = proto.registerOutputs;
    const registered: RegisteredOutputs = new Map();
    proto.registerOutputs = function (this: ComponentInternals, outputs?: pulumi.Inputs) {
        if (!this.__registered && !registered.has(this.__name)) {
            registered.set(this.__name, outputs ?? {});
        }
        original.call(this, outputs);
    };
    try {
        return await fn(registered);
    } finally {
        proto.registerOutputs = original;
    }
}

/** The fields of pulumi.ComponentResource the recorder reads. */
interface ComponentInternals {
    __name: string;
    __registered?: boolean;
}
