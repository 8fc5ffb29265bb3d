import { artifactExtension } from "../config/model";

/** The Glance disk formats an artifact can have. */
export type GlanceDiskFormat = "qcow2" | "vmdk" | "raw";

const formats: Record<string, GlanceDiskFormat> = { qcow2: "qcow2", vmdk: "vmdk", raw: "raw", img: "raw" };

/** The Glance disk format of an artifact, from its file extension (.img is raw). */
export function glanceDiskFormat(uri: string): GlanceDiskFormat {
    const format = formats[artifactExtension(uri)];
    if (!format) {
        throw new Error(`OpenStack cannot import ${uri}: allowed extensions are ${Object.keys(formats).map((e) => `.${e}`).join(", ")}`);
    }
    return format;
}
