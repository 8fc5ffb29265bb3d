/**
 * The dynamic provider behind {@link GcpImageDeprecation}: images.deprecate with state DEPRECATED, the
 * deprecation time and an optional replacement. It reads the image first and sends nothing when the
 * image already carries that status. Deleting the resource sends state ACTIVE, which clears the
 * deprecation: the image is ACTIVE again.
 */
import * as pulumi from "@pulumi/pulumi";
import { ComputeClientOptions, DeprecationStatus, computeClient, hasStatus } from "./compute-client";

/** The settled inputs of an image deprecation. */
export interface ImageDeprecationInputs {
    /** The project of the image. */
    project: string;
    /** The name of the image to deprecate. */
    image: string;
    /** Always DEPRECATED. */
    state: "DEPRECATED";
    /** When the image is deprecated, RFC 3339. */
    deprecated?: string;
    /** The URL of the image that replaces it. */
    replacement?: string;
}

/** The images.deprecate document. */
export function deprecationDocument(inputs: ImageDeprecationInputs): DeprecationStatus {
    const doc: DeprecationStatus = { state: inputs.state };
    if (inputs.replacement) {
        doc.replacement = inputs.replacement;
    }
    if (inputs.deprecated) {
        doc.deprecated = inputs.deprecated;
    }
    return doc;
}

/** An image URL from "projects/" on, so that a full and a partial URL of the same image compare equal. */
function imagePathOf(url: string | undefined): string {
    if (!url) {
        return "";
    }
    const at = url.indexOf("projects/");
    return at >= 0 ? url.slice(at) : url;
}

/** The same instant, however the two RFC 3339 texts write it; a missing or unreadable time (NaN) matches only the same text, or absence. */
function sameTime(a: string | undefined, b: string | undefined): boolean {
    return a === b || Date.parse(String(a)) === Date.parse(String(b));
}

/** Whether the image's current status already is the wanted one. */
export function deprecationMatches(current: DeprecationStatus | undefined, wanted: DeprecationStatus): boolean {
    return current !== undefined
        && current.state === wanted.state
        && imagePathOf(current.replacement) === imagePathOf(wanted.replacement)
        && sameTime(current.deprecated, wanted.deprecated);
}

/** The provider; `options` aims it at an endpoint and token source other than the defaults. */
export function imageDeprecationProvider(options: ComputeClientOptions = {}): pulumi.dynamic.ResourceProvider<ImageDeprecationInputs, ImageDeprecationInputs> {
    const apply = async (inputs: ImageDeprecationInputs): Promise<void> => {
        const client = computeClient(options);
        const image = await client.getImage(inputs.project, inputs.image);
        if (!image) {
            throw new Error(`cannot deprecate image ${inputs.image}: it does not exist in project ${inputs.project}`);
        }
        const wanted = deprecationDocument(inputs);
        if (!deprecationMatches(image.deprecated, wanted)) {
            await client.waitForOperation(inputs.project, await client.deprecateImage(inputs.project, inputs.image, wanted));
        }
    };
    return {
        async create(inputs: ImageDeprecationInputs): Promise<pulumi.dynamic.CreateResult<ImageDeprecationInputs>> {
            await apply(inputs);
            return { id: `projects/${inputs.project}/global/images/${inputs.image}/deprecated`, outs: inputs };
        },

        async diff(_id: string, olds: ImageDeprecationInputs, news: ImageDeprecationInputs): Promise<pulumi.dynamic.DiffResult> {
            // Only these inputs count, so the resourceKind input that a deprecation made before it had its
            // type token (gcp:ImageDeprecation) still holds in the state changes nothing.
            const changed = (key: keyof ImageDeprecationInputs) => (olds[key] ?? "") !== (news[key] ?? "");
            const replaces = (["project", "image"] as const).filter(changed);
            return { changes: replaces.length > 0 || (["state", "deprecated", "replacement"] as const).some(changed), replaces };
        },

        async update(_id: string, _olds: ImageDeprecationInputs, news: ImageDeprecationInputs): Promise<pulumi.dynamic.UpdateResult<ImageDeprecationInputs>> {
            await apply(news);
            return { outs: news };
        },

        async read(id: string, _props?: ImageDeprecationInputs): Promise<pulumi.dynamic.ReadResult<ImageDeprecationInputs>> {
            const [, project, imageName] = /^projects\/([^/]+)\/global\/images\/([^/]+)\/deprecated$/.exec(id) ?? [];
            if (!project || !imageName) {
                throw new Error(`not an image deprecation ID: ${id}; expected projects/<project>/global/images/<name>/deprecated`);
            }
            const image = await computeClient(options).getImage(project, imageName);
            const status = image?.deprecated;
            if (!status?.state || status.state === "ACTIVE") {
                return {};
            }
            return {
                id,
                props: {
                    project,
                    image: imageName,
                    state: status.state as "DEPRECATED",
                    ...(status.deprecated ? { deprecated: status.deprecated } : {}),
                    ...(status.replacement ? { replacement: status.replacement } : {}),
                },
            };
        },

        async delete(_id: string, props: ImageDeprecationInputs): Promise<void> {
            const client = computeClient(options);
            const image = await client.getImage(props.project, props.image);
            if (!image?.deprecated?.state || image.deprecated.state === "ACTIVE") {
                return;
            }
            try {
                // State ACTIVE clears the deprecation, as `gcloud compute images deprecate --state=ACTIVE` does.
                await client.waitForOperation(props.project, await client.deprecateImage(props.project, props.image, { state: "ACTIVE" }));
            } catch (error) {
                if (!hasStatus(error, 404)) {
                    throw error;
                }
            }
        },
    };
}
