import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { answerInvoke, Fixtures, defaultFixtures } from "./fixtures";
import { mockState } from "./mock-state";
import { secretMarker } from "./secret-marker";

/** The options a resource was registered with that matter to a reviewer. */
export interface RecordedOptions {
    /** Whether `pulumi destroy` and deletion are refused. */
    protect?: boolean;
    /** Whether deletion leaves the cloud resource in place. */
    retainOnDelete?: boolean;
    /** Inputs whose changes are ignored. */
    ignoreChanges?: string[];
    /** Whether a replacement deletes before it creates. */
    deleteBeforeReplace?: boolean;
    /** How long the engine waits for create, update and delete, such as {create: "90m"}. */
    customTimeouts?: pulumi.CustomTimeouts;
    /** The former types in its aliases, under which an existing stack may hold it (its URN is kept). */
    aliasTypes?: string[];
    /** The logical name of the resource whose delete deletes it too, so that the engine skips its own delete then. */
    deletedWith?: string;
}

/** One registered resource, as the offline plan and the tests see it. */
export interface RecordedResource {
    /** The type token, such as aws:ec2/ami:Ami. */
    type: string;
    /** The logical name. */
    name: string;
    /** The parent's logical name, when there is a parent. */
    parent?: string;
    /** The explicit provider's logical name, when one was given. */
    provider?: string;
    /** The inputs, resolved; secret values are shown as "[secret]". */
    inputs: Record<string, unknown>;
    /** The logical names of the resources it depends on, explicitly or through its inputs. */
    dependsOn: string[];
    /** The registration options that matter to a reviewer. */
    options: RecordedOptions;
    /** Whether it is a custom resource (false for components). */
    custom: boolean;
}

/** What a program run under mocks produced. */
export interface MockRun<T> {
    /** Every registered resource, in registration order. */
    resources: RecordedResource[];
    /** The program's result with every output resolved; secrets shown as "[secret]". */
    outputs: T;
    /** Invokes made, in order. */
    invokes: { token: string; args: Record<string, unknown> }[];
}

/** The error of a program that failed under mocks, with what it had registered by then. */
export interface ProgramError extends Error {
    /** The resources registered before the failure. */
    registered: RecordedResource[];
}

/** Options of {@link runUnderMocks}. */
export interface MockRunOptions {
    /** The stack name. */
    stack: string;
    /** The project name. */
    project?: string;
    /** Config values as the CLI hands them to the program: namespaced keys, JSON for structured values. */
    config?: Record<string, string>;
    /** The config keys that hold secrets. */
    secretKeys?: string[];
    /** Answers to invokes; the committed fixtures by default. */
    fixtures?: Fixtures;
    /** How long each resource takes to create, in milliseconds; none by default. Benchmarks use it. */
    latency?: (type: string, name: string, inputs: Record<string, unknown>) => number;
}

// In a file of its own, so that reading a stack file (tools/stack-config.ts) loads no Pulumi SDK.
export { secretMarker };

/** The ARM path of the azure-native resources whose IDs the program reads, built from their name inputs. */
const azurePaths: Record<string, (i: Record<string, unknown>) => string> = {
    "azure-native:resources:ResourceGroup": () => "",
    "azure-native:storage:StorageAccount": (i) => `/providers/Microsoft.Storage/storageAccounts/${i.accountName}`,
    "azure-native:storage:BlobContainer": (i) => `/providers/Microsoft.Storage/storageAccounts/${i.accountName}/blobServices/default/containers/${i.containerName}`,
    "azure-native:compute:Gallery": (i) => `/providers/Microsoft.Compute/galleries/${i.galleryName}`,
    "azure-native:compute:GalleryImage": (i) => `/providers/Microsoft.Compute/galleries/${i.galleryName}/images/${i.galleryImageName}`,
    "azure-native:compute:GalleryImageVersion": (i) =>
        `/providers/Microsoft.Compute/galleries/${i.galleryName}/images/${i.galleryImageName}/versions/${i.galleryImageVersionName}`,
};

/** A deterministic, cloud-shaped ID for a mock resource. */
export function mockId(type: string, name: string, inputs: Record<string, unknown> = {}): string {
    const hex = crypto.createHash("sha256").update(`${type}\0${name}`).digest("hex");
    if (type === "aws:ec2/ami:Ami" || type === "aws:ec2/amiCopy:AmiCopy") {
        return `ami-${hex.slice(0, 17)}`;
    }
    if (type === "aws:ebs/snapshotImport:SnapshotImport") {
        return `snap-${hex.slice(0, 17)}`;
    }
    const azurePath = azurePaths[type];
    if (azurePath && typeof inputs.resourceGroupName === "string") {
        return `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/${inputs.resourceGroupName}${azurePath(inputs)}`;
    }
    if (type.startsWith("azure-native:")) {
        return `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/mock/providers/${type.split(":")[2]}/${name}`;
    }
    if (type.startsWith("alicloud:ecs/image")) {
        return `m-${hex.slice(0, 20)}`;
    }
    if (type === "openstack:images/image:Image") {
        return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
    }
    return `${name}-${hex.slice(0, 8)}`;
}

async function resolveDeep(value: unknown): Promise<unknown> {
    if (pulumi.Output.isInstance(value)) {
        const output = value as pulumi.Output<unknown> & { promise: () => Promise<unknown>; isSecret: Promise<boolean> };
        const [inner, secret] = await Promise.all([output.promise(), output.isSecret]);
        return secret ? secretMarker : resolveDeep(inner);
    }
    if (value instanceof Promise) {
        return resolveDeep(await value);
    }
    if (pulumi.Resource.isInstance(value)) {
        return `[resource ${(value as unknown as { __name?: string }).__name}]`;
    }
    if (Array.isArray(value)) {
        return Promise.all(value.map(resolveDeep));
    }
    if (value !== null && typeof value === "object" && !(value instanceof pulumi.asset.Asset) && !(value instanceof pulumi.asset.Archive)) {
        const entries = await Promise.all(
            Object.entries(value as Record<string, unknown>)
                .filter(([, v]) => v !== undefined)
                .map(async ([k, v]) => [k, await resolveDeep(v)] as const),
        );
        return Object.fromEntries(entries);
    }
    if (value instanceof pulumi.asset.FileAsset) {
        return `[file ${await (value as pulumi.asset.FileAsset).path}]`;
    }
    return value;
}

function collectResources(value: unknown, into: Set<pulumi.Resource>, depth = 0): void {
    if (depth > 20 || value === null || value === undefined) {
        return;
    }
    if (pulumi.Output.isInstance(value)) {
        const resources = (value as unknown as { resources: () => Set<pulumi.Resource> }).resources();
        resources.forEach((r) => into.add(r));
        return;
    }
    if (pulumi.Resource.isInstance(value)) {
        into.add(value as pulumi.Resource);
        return;
    }
    if (Array.isArray(value)) {
        value.forEach((v) => collectResources(v, into, depth + 1));
    } else if (typeof value === "object" && !(value instanceof Promise)) {
        Object.values(value as Record<string, unknown>).forEach((v) => collectResources(v, into, depth + 1));
    }
}

function nameOf(resource: unknown): string | undefined {
    return (resource as { __name?: string } | undefined)?.__name;
}

/** The types named by a resource's aliases; undefined when none names a type. */
function aliasTypesOf(aliases: pulumi.CustomResourceOptions["aliases"]): string[] | undefined {
    const types = (aliases ?? []).flatMap((a) => {
        const type = typeof a === "object" && a !== null && !pulumi.Output.isInstance(a) ? (a as pulumi.Alias).type : undefined;
        return typeof type === "string" ? [type] : [];
    });
    return types.length > 0 ? types : undefined;
}

interface Pending {
    record: RecordedResource;
    props: Record<string, unknown>;
}

/**
 * Runs a Pulumi program under Pulumi's own mock runtime, inside a stack, and records every
 * resource it registers with its parent, provider, dependencies and options.
 */
export async function runUnderMocks<T>(program: () => Promise<T> | T, options: MockRunOptions): Promise<MockRun<T>> {
    const fixtures = options.fixtures ?? defaultFixtures();
    const invokes: { token: string; args: Record<string, unknown> }[] = [];
    const pending: Pending[] = [];
    const seen = new Set<string>();

    pulumi.runtime.setAllConfig(options.config ?? {}, options.secretKeys ?? []);
    await pulumi.runtime.setMocks(
        {
            newResource: (args: pulumi.runtime.MockResourceArgs) => {
                const created = {
                    id: mockId(args.type, args.name, args.inputs),
                    state: { ...args.inputs, ...mockState(args.type, args.name, args.inputs) },
                };
                const delay = options.latency?.(args.type, args.name, args.inputs) ?? 0;
                return delay > 0 ? new Promise<typeof created>((resolve) => setTimeout(() => resolve(created), delay)) : created;
            },
            call: (args: pulumi.runtime.MockCallArgs) => {
                invokes.push({ token: args.token, args: args.inputs });
                return answerInvoke(fixtures, args.token, args.inputs);
            },
        },
        options.project ?? "image-publisher",
        options.stack,
        false,
    );

    const record = (args: pulumi.ResourceTransformationArgs): undefined => {
        const key = `${args.type}::${args.name}`;
        if (seen.has(key)) {
            throw new Error(`duplicate resource name: ${args.type} ${args.name}`);
        }
        seen.add(key);
        const opts = args.opts as pulumi.CustomResourceOptions;
        const deps = new Set<pulumi.Resource>();
        collectResources(args.props, deps);
        const explicit = opts.dependsOn;
        if (explicit) {
            collectResources(explicit, deps);
        }
        const props = { ...(args.props as Record<string, unknown>) };
        delete props.__provider;
        pending.push({
            props,
            record: {
                type: args.type,
                name: args.name,
                parent: nameOf(opts.parent),
                provider: nameOf(opts.provider),
                inputs: {},
                dependsOn: [...deps].map(nameOf).filter((n): n is string => n !== undefined && n !== nameOf(opts.parent)).sort(),
                options: {
                    protect: opts.protect || undefined,
                    retainOnDelete: opts.retainOnDelete || undefined,
                    ignoreChanges: opts.ignoreChanges && opts.ignoreChanges.length > 0 ? [...opts.ignoreChanges] : undefined,
                    deleteBeforeReplace: opts.deleteBeforeReplace || undefined,
                    customTimeouts: opts.customTimeouts,
                    aliasTypes: aliasTypesOf(opts.aliases),
                    deletedWith: nameOf(opts.deletedWith),
                },
                custom: args.resource instanceof pulumi.CustomResource,
            },
        });
        return undefined;
    };

    const stackModule = require("@pulumi/pulumi/runtime/stack") as {
        runInPulumiStack: (init: () => Promise<unknown>) => Promise<unknown>;
    };
    let result: unknown;
    let failure: unknown;
    await stackModule.runInPulumiStack(async () => {
        pulumi.runtime.registerStackTransformation(record);
        // A failure is kept and thrown after the stack settles: thrown inside the stack's own
        // initialisation it would surface as an unhandled rejection instead.
        try {
            result = await program();
        } catch (error) {
            failure = error;
        }
        return {};
    });
    if (failure !== undefined) {
        // Let the stack's own registration finish first, so that the next run starts from a quiet runtime.
        await (require("@pulumi/pulumi/runtime/settings") as { waitForRPCs: () => Promise<void> }).waitForRPCs();
        // Say what had been registered when the program failed: tests show it is nothing.
        throw Object.assign(failure instanceof Error ? failure : new Error(String(failure)), {
            registered: pending.map((p) => p.record),
        });
    }
    const outputs = (await resolveDeep(result)) as T;
    // Let every registration finish (a component's registerOutputs can still be on its way), so
    // that the next run starts from a quiet runtime.
    await (require("@pulumi/pulumi/runtime/settings") as { waitForRPCs: () => Promise<void> }).waitForRPCs();
    const resources: RecordedResource[] = [];
    for (const p of pending) {
        const inputs = (await resolveDeep(p.props)) as Record<string, unknown>;
        resources.push({ ...p.record, inputs });
    }
    return { resources, outputs, invokes };
}
