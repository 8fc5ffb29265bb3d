export { OpenStackImage } from "./image";
export type { OpenStackImageArgs } from "./image";
export { OpenStackClouds } from "./clouds";
export type { OpenStackCloudsArgs, OpenStackLocation } from "./clouds";
export { glanceDiskFormat } from "./disk-format";
export type { GlanceDiskFormat } from "./disk-format";
