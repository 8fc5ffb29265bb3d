import * as crypto from "crypto";

/** The URL prefix of Compute Engine resources. */
const computeUrl = "https://www.googleapis.com/compute/v1/";

/** A deterministic numeric ID, as Compute assigns them. */
function numericId(name: string): string {
    return BigInt(`0x${crypto.createHash("sha256").update(name).digest("hex").slice(0, 15)}`).toString();
}

/**
 * Mock outputs of the Gcp resources whose real outputs the program reads back; see mock-state.ts.
 * gcp.compute.Image gets its selfLink; the `gcp:ArmImage` dynamic resource gets the outputs of its
 * provider: selfLink, numeric imageId and status READY.
 */
export function gcpMockState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> | undefined {
    const isArmImage = type === "pulumi-nodejs:dynamic/gcp:ArmImage";
    if (type !== "gcp:compute/image:Image" && !isArmImage) {
        return undefined;
    }
    const project = String(inputs.project ?? "mock-project");
    const imageName = String(inputs.name ?? name);
    const selfLink = `${computeUrl}projects/${project}/global/images/${imageName}`;
    return isArmImage ? { selfLink, imageId: numericId(selfLink), status: "READY" } : { selfLink };
}
