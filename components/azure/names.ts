/**
 * Names and identifiers of the Azure gallery: image definitions, versions, Partner Center image
 * types, resource IDs. Pure functions, shared by the gallery, the image and the marketplace version.
 */
import { Architecture, renderTemplate } from "../config/model";

/** A Hyper-V generation of an image definition. */
export type HyperVGeneration = "V1" | "V2";

/**
 * The Partner Center image types of a virtual machine plan (product ingestion API, as sent by Red
 * Hat's cloudpub, Flatcar and FreeBSD): there is no "armGen2".
 */
export const marketplaceImageTypes = ["x64Gen1", "x64Gen2", "arm64Gen2"] as const;

/** The Partner Center image type of one architecture and generation. */
export type MarketplaceImageType = typeof marketplaceImageTypes[number];

/** The placeholders a definition's SKU template may use: a definition outlives every release. */
const definitionPlaceholders = ["product", "arch", "cloud", "variant"];

/** Azure's name of an architecture. */
export function azureArchitecture(arch: Architecture): "x64" | "Arm64" {
    return arch === "arm64" ? "Arm64" : "x64";
}

/** The configured generations that an architecture can have: Arm64 only boots Generation 2. */
export function generationsFor(arch: Architecture, configured: readonly HyperVGeneration[]): HyperVGeneration[] {
    const unique = [...new Set(configured)].sort();
    return arch === "arm64" ? unique.filter((g) => g === "V2") : unique;
}

/** The generation whose versions stand for an architecture in `imageIds`: V2 when configured, else V1. */
export function primaryGeneration(generations: readonly HyperVGeneration[]): HyperVGeneration {
    return generations.includes("V2") ? "V2" : "V1";
}

/** A gallery version name: three numbers, so "1592.4" becomes "1592.4.0". */
export function galleryVersionName(version: string): string {
    const parts = version.split(".");
    if (parts.length < 1 || parts.length > 3 || parts.some((p) => !/^[0-9]+$/.test(p))) {
        throw new Error(`"${version}" is not a release version; allowed: MAJOR.MINOR or MAJOR.MINOR.PATCH, digits only`);
    }
    while (parts.length < 3) {
        parts.push("0");
    }
    return parts.map((p) => String(Number(p))).join(".");
}

/** The Partner Center image type of an architecture and generation. */
export function marketplaceImageType(arch: Architecture, generation: HyperVGeneration): MarketplaceImageType {
    if (arch === "arm64") {
        if (generation !== "V2") {
            throw new Error("an arm64 image is Hyper-V generation V2 only");
        }
        return "arm64Gen2";
    }
    return generation === "V1" ? "x64Gen1" : "x64Gen2";
}

/**
 * The SKU of one image definition's identifier: the configured template rendered, then "-arm64"
 * for arm64 (unless the template already names the architecture) and "-gen1" for generation V1.
 * Adding an architecture or a generation later never changes an existing definition's SKU.
 */
export function definitionSku(template: string, product: string, arch: Architecture, generation: HyperVGeneration, variant?: string): string {
    const placeholders = [...template.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]);
    const refused = placeholders.filter((p) => !definitionPlaceholders.includes(p));
    if (refused.length > 0) {
        throw new Error(`azure.image.sku "${template}" uses ${refused.map((p) => `{${p}}`).join(", ")}, but an image definition serves every release; ` +
            `allowed: ${definitionPlaceholders.map((p) => `{${p}}`).join(", ")}`);
    }
    let sku = renderTemplate(template, { product, version: "", arch, cloud: "azure", variant });
    if (arch === "arm64" && !placeholders.includes("arch")) {
        sku += "-arm64";
    }
    if (generation === "V1") {
        sku += "-gen1";
    }
    return sku;
}

/** A gallery image definition name from its SKU: letters, digits, '-', '_' and '.', at most 80, starting and ending alphanumeric. */
export function definitionName(sku: string): string {
    const cleaned = sku.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "").slice(0, 80).replace(/[^A-Za-z0-9]+$/, "");
    if (cleaned === "") {
        throw new Error(`the image SKU "${sku}" leaves no valid definition name; use letters and digits`);
    }
    return cleaned;
}

/** The key of one definition in the gallery's lookup. */
export function definitionKey(arch: Architecture, generation: HyperVGeneration, variant?: string): string {
    return variant === undefined ? `${arch}/${generation}` : `${variant}:${arch}/${generation}`;
}

/** The community gallery image version ID that anyone can launch. */
export function communityImageId(publicName: string, definition: string, version: string): string {
    return `/CommunityGalleries/${publicName}/Images/${definition}/Versions/${version}`;
}

/** The resource ID of a storage account. */
export function storageAccountId(subscriptionId: string, resourceGroup: string, account: string): string {
    return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Storage/storageAccounts/${account}`;
}

/** The subscription of an Azure resource ID. */
export function subscriptionOf(resourceId: string): string {
    const m = /^\/subscriptions\/([^/]+)\//i.exec(resourceId);
    if (!m) {
        throw new Error(`not an Azure resource ID: ${resourceId}`);
    }
    return m[1];
}
