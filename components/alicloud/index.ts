export { AliCloudImage } from "./image";
export type { AliCloudImageArgs } from "./image";
export { AliCloudRegions } from "./regions";
export type { AliCloudRegionsArgs } from "./regions";
export { AliCloudImportImage, importImageProvider } from "./import-image";
export type { AliCloudImportImageArgs } from "./import-image";
export { AliCloudCommunityShare, communityShareProvider } from "./community-share";
export type { AliCloudCommunityShareArgs } from "./community-share";
export type { EcsProviderOptions, EcsPollOptions } from "./provider-options";
