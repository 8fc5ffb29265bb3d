import { artifactExtension, bucketAndKey } from "../config/model";

/** Where an AliCloud disk image is in OSS, and the format ECS is told it has. */
export interface OssDiskImage {
    /** The OSS bucket. */
    ossBucket: string;
    /** The object key. */
    ossObject: string;
    /** The ECS import format: qcow2, RAW or VHD. */
    format: "qcow2" | "RAW" | "VHD";
}

const formats: Record<string, OssDiskImage["format"]> = { qcow2: "qcow2", raw: "RAW", img: "RAW", vhd: "VHD" };

/** Reads bucket, key and format from an oss:// artifact URI; the format comes from the file extension. */
export function ossDiskImage(uri: string): OssDiskImage {
    const format = formats[artifactExtension(uri)];
    if (!format) {
        throw new Error(`AliCloud cannot import ${uri}: allowed extensions are ${Object.keys(formats).map((e) => `.${e}`).join(", ")}`);
    }
    const { bucket, key } = bucketAndKey(uri);
    return { ossBucket: bucket, ossObject: key, format };
}
