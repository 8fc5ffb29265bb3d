/**
 * The dynamic provider behind {@link GcpArmImage}: an image with `architecture: "ARM64"`, which
 * `gcp.compute.Image` cannot set. It calls images.insert, waits for the global operation, then polls
 * the image until it is READY. Before inserting, it looks the image up by name, so a repeated run
 * inserts nothing twice; the insert also carries a request ID derived from the image, which the API
 * deduplicates. Labels change in place (images.setLabels); any other change replaces the image.
 */
import * as pulumi from "@pulumi/pulumi";
import { ComputeClientOptions, ComputeImage, ShieldedInstanceInitialState, computeClient, hasStatus } from "./compute-client";

/** The settled inputs of an ARM64 image. */
export interface ArmImageInputs {
    /** The project the image is created in. */
    project: string;
    /** The image name, already GCE-safe. */
    name: string;
    /** The https://storage.googleapis.com/ URL of the .tar.gz that holds disk.raw. */
    source: string;
    /** The image family, when there is one. */
    family?: string;
    /** The image description. */
    description?: string;
    /** Guest OS features, such as UEFI_COMPATIBLE and GVNIC. */
    guestOsFeatures: string[];
    /** License URLs. */
    licenses: string[];
    /** Labels, GCE-safe. */
    labels: Record<string, string>;
    /** Cloud Storage locations of the image; empty for the API's default. */
    storageLocations: string[];
    /** Secure Boot variables, when config sets them. */
    shieldedInstanceInitialState?: ShieldedInstanceInitialState;
}

/** What the provider stores: the inputs and what the API assigned. */
export interface ArmImageOutputs extends ArmImageInputs {
    /** The image URL. */
    selfLink: string;
    /** The numeric image ID. */
    imageId: string;
    /** The image status, READY once created. */
    status: string;
    /** When the image was created. */
    creationTimestamp?: string;
}

/**
 * The inputs whose change replaces the image (labels change in place). Nothing else is compared, so the
 * resourceKind input that an image created before it had its type token (gcp:ArmImage) still holds changes nothing.
 */
const replacingKeys: (keyof ArmImageInputs)[] = [
    "project", "name", "source", "family", "description", "guestOsFeatures", "licenses", "storageLocations", "shieldedInstanceInitialState",
];

/** The images.insert document of an ARM64 image. */
export function armImageDocument(inputs: ArmImageInputs): ComputeImage {
    const doc: ComputeImage = {
        name: inputs.name,
        architecture: "ARM64",
        rawDisk: { source: inputs.source, containerType: "TAR" },
    };
    if (inputs.family) {
        doc.family = inputs.family;
    }
    if (inputs.description) {
        doc.description = inputs.description;
    }
    if (inputs.guestOsFeatures.length > 0) {
        doc.guestOsFeatures = inputs.guestOsFeatures.map((type) => ({ type }));
    }
    if (inputs.licenses.length > 0) {
        doc.licenses = [...inputs.licenses];
    }
    if (Object.keys(inputs.labels).length > 0) {
        doc.labels = { ...inputs.labels };
    }
    if (inputs.storageLocations.length > 0) {
        doc.storageLocations = [...inputs.storageLocations];
    }
    if (inputs.shieldedInstanceInitialState) {
        doc.shieldedInstanceInitialState = inputs.shieldedInstanceInitialState;
    }
    return doc;
}

/** The request ID of the insert: a UUID derived from the whole document, so a resent insert is recognised. */
export function armImageRequestId(inputs: ArmImageInputs): string {
    const { createHash } = require("crypto") as typeof import("crypto");
    const hex = createHash("sha256").update(`${inputs.project}\n${JSON.stringify(armImageDocument(inputs))}`).digest("hex");
    const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The Pulumi ID of an image: its partial URL. */
export function imageResourceId(project: string, name: string): string {
    return `projects/${project}/global/images/${name}`;
}

/** Refuses to adopt an existing image that was made from another source or for another architecture. */
function checkAdoptable(existing: ComputeImage, inputs: ArmImageInputs): void {
    if (existing.rawDisk?.source !== inputs.source || existing.architecture !== "ARM64") {
        throw new Error(`image ${inputs.name} already exists in project ${inputs.project} from ${existing.rawDisk?.source ?? "another source"} `
            + `(architecture ${existing.architecture ?? "unset"}); it is not the ARM64 image of ${inputs.source}, so it is left alone`);
    }
    if (existing.status === "FAILED") {
        throw new Error(`image ${inputs.name} already exists in project ${inputs.project} in state FAILED; delete it to import it again`);
    }
}

function outputsOf(inputs: ArmImageInputs, image: ComputeImage): ArmImageOutputs {
    const outs: ArmImageOutputs = {
        ...inputs,
        selfLink: image.selfLink ?? "",
        imageId: image.id ?? "",
        status: image.status ?? "",
    };
    if (image.creationTimestamp) {
        outs.creationTimestamp = image.creationTimestamp;
    }
    return outs;
}

/** The provider; `options` aims it at an endpoint and token source other than the defaults. */
export function armImageProvider(options: ComputeClientOptions = {}): pulumi.dynamic.ResourceProvider<ArmImageInputs, ArmImageOutputs> {
    return {
        async create(inputs: ArmImageInputs): Promise<pulumi.dynamic.CreateResult<ArmImageOutputs>> {
            const client = computeClient(options);
            let existing = await client.getImage(inputs.project, inputs.name);
            if (!existing) {
                try {
                    const operation = await client.insertImage(inputs.project, armImageDocument(inputs), armImageRequestId(inputs));
                    await client.waitForOperation(inputs.project, operation);
                } catch (error) {
                    // 409 alreadyExists: the image appeared after the lookup.
                    if (!hasStatus(error, 409)) {
                        throw error;
                    }
                    existing = await client.getImage(inputs.project, inputs.name);
                    if (!existing) {
                        throw error;
                    }
                }
            }
            if (existing) {
                checkAdoptable(existing, inputs);
            }
            const image = await client.waitForImage(inputs.project, inputs.name);
            return { id: imageResourceId(inputs.project, inputs.name), outs: outputsOf(inputs, image) };
        },

        async diff(_id: string, olds: ArmImageOutputs, news: ArmImageInputs): Promise<pulumi.dynamic.DiffResult> {
            const same = (key: keyof ArmImageInputs) => JSON.stringify(olds[key] ?? null) === JSON.stringify(news[key] ?? null);
            const replaces = replacingKeys.filter((key) => !same(key));
            const labelsChanged = !same("labels");
            return {
                changes: replaces.length > 0 || labelsChanged,
                replaces,
                deleteBeforeReplace: true,
                stables: ["selfLink", "imageId", "creationTimestamp"],
            };
        },

        async update(_id: string, _olds: ArmImageOutputs, news: ArmImageInputs): Promise<pulumi.dynamic.UpdateResult<ArmImageOutputs>> {
            const client = computeClient(options);
            const image = await client.getImage(news.project, news.name);
            if (!image) {
                throw new Error(`image ${news.name} is gone from project ${news.project}; refresh the stack to recreate it`);
            }
            const operation = await client.setLabels(news.project, news.name, news.labels, image.labelFingerprint ?? "");
            await client.waitForOperation(news.project, operation);
            return { outs: outputsOf(news, image) };
        },

        async read(id: string, props?: ArmImageOutputs): Promise<pulumi.dynamic.ReadResult<ArmImageOutputs>> {
            const [, project, name] = /^projects\/([^/]+)\/global\/images\/([^/]+)$/.exec(id) ?? [];
            if (!project || !name) {
                throw new Error(`not an image ID: ${id}; expected projects/<project>/global/images/<name>`);
            }
            const image = await computeClient(options).getImage(project, name);
            if (!image) {
                return {};
            }
            if (!props) {
                props = outputsOf({
                    project,
                    name,
                    source: image.rawDisk?.source ?? "",
                    guestOsFeatures: (image.guestOsFeatures ?? []).map((f) => f.type),
                    licenses: image.licenses ?? [],
                    labels: {},
                    storageLocations: image.storageLocations ?? [],
                    ...(image.description ? { description: image.description } : {}),
                    ...(image.shieldedInstanceInitialState ? { shieldedInstanceInitialState: image.shieldedInstanceInitialState } : {}),
                }, image);
            }
            const { selfLink: _selfLink, imageId: _imageId, status: _status, creationTimestamp: _created, family: _family, ...inputs } = props;
            const refreshed: ArmImageInputs = {
                ...inputs,
                labels: image.labels ?? {},
                source: image.rawDisk?.source ?? props.source,
                ...(image.family ? { family: image.family } : {}),
            };
            return { id, props: outputsOf(refreshed, image) };
        },

        async delete(_id: string, props: ArmImageOutputs): Promise<void> {
            const client = computeClient(options);
            const operation = await client.deleteImage(props.project, props.name);
            if (operation) {
                await client.waitForOperation(props.project, operation);
            }
        },
    };
}
