import * as crypto from "crypto";

/**
 * Mock outputs of the AliCloud resources whose real outputs the program reads back; see mock-state.ts.
 * The arm64 import (a dynamic resource) yields its image ID as `imageId`, shaped like an ECS image ID.
 * The provider resources (ImageImport, ImageCopy) need nothing here: their ID is the image ID.
 */
export function alicloudMockState(type: string, name: string): Record<string, unknown> | undefined {
    if (type === "pulumi-nodejs:dynamic/alicloud:ImportImage") {
        const hex = crypto.createHash("sha256").update(`alicloud:ImportImage\0${name}`).digest("hex");
        return { imageId: `m-${hex.slice(0, 20)}`, status: "Available" };
    }
    return undefined;
}
