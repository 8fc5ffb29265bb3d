import { CheckContext, PartialConfig } from "./context";
import { enabledClouds, rawArtifact } from "./artifacts";
import { Architecture, Cloud, VariantEntry, renderTemplate } from "../model";
import { gceName } from "../../gcp/names";
import { HyperVGeneration, definitionName, definitionSku, generationsFor } from "../../azure/names";
import { needsStaging } from "../../staging/location";
import { variantClouds } from "../variants";

/** Whether a template uses {variant}. */
const usesVariant = (text: string | undefined) => text !== undefined && text.includes("{variant}");

/** The variants that go to a cloud, with their index in `variants`. */
export function variantsTo(config: PartialConfig, cloud: Cloud): { variant: VariantEntry; index: number }[] {
    return (config.variants ?? []).map((variant, index) => ({ variant, index }))
        .filter(({ variant }) => variantClouds(config, variant).includes(cloud));
}

/**
 * The rules of `variants`: names unique, each variant's clouds enabled and each enabled cloud with a
 * variant, settings only for a variant's own clouds, {variant} only when variants are configured and
 * wherever two variants of one cloud would otherwise share a name, and each marketplace listing one
 * variant that exists and goes to its cloud. Image names are checked per variant in checks/names.ts.
 */
export function checkVariants(ctx: CheckContext): void {
    const { config } = ctx;
    if (config.variants === undefined) {
        refuseVariantPlaceholders(ctx);
        return;
    }
    const enabled = enabledClouds(config);
    const seen = new Map<string, number>();
    config.variants.forEach((variant, i) => {
        const first = seen.get(variant.name);
        if (first !== undefined) {
            ctx.add(["variants", i, "name"], variant.name, `is also variants[${first}].name; allowed: a name of its own, since each variant's images and outputs go under its name`);
        } else {
            seen.set(variant.name, i);
        }
        (variant.clouds ?? []).forEach((cloud, j) => {
            if (!enabled.includes(cloud)) {
                ctx.add(["variants", i, "clouds", j], cloud, `is not enabled; allowed: ${enabled.join(", ") || "no cloud (none is enabled)"}`);
            } else if (variant.clouds?.indexOf(cloud) !== j) {
                ctx.add(["variants", i, "clouds", j], cloud, "is listed twice; allowed: each cloud once");
            }
        });
        // A variant that leaves its clouds out goes to whatever is enabled, so its settings of a cloud switched off wait.
        const goesTo = variant.clouds ?? enabled;
        for (const cloud of ["aws", "azure", "gcp", "alicloud"] as const) {
            if (variant[cloud] !== undefined && variant.clouds !== undefined && !goesTo.includes(cloud)) {
                ctx.add(["variants", i, cloud], variant[cloud], `sets ${cloud} image settings for a variant that does not go to ${cloud}; allowed: settings of the variant's clouds (${goesTo.join(", ")})`);
            }
        }
    });
    for (const cloud of enabled) {
        if (variantsTo(config, cloud).length === 0) {
            ctx.add(["variants"], config.variants.map((v) => v.name),
                `has no variant for ${cloud}, which is enabled, so ${cloud} would publish nothing; allowed: a variant whose clouds include ${cloud} (or leave its clouds out), or disable ${cloud}`);
        }
    }
    (config.releases ?? []).forEach((r, i) => {
        if (r?.withoutVariants && r.variants !== undefined) {
            ctx.add(["releases", i, "withoutVariants"], true, "is set beside releases[].variants; allowed: one of them: the variants the release ships, or none (published before the stack had variants)");
        }
        for (const cloud of enabled) {
            const spec = r?.artifacts[cloud];
            const uris = r === undefined ? [] : r.architectures.map((arch) => rawArtifact(r, cloud, arch)).filter((a) => a !== undefined);
            if (r?.withoutVariants && uris.some((a) => usesVariant(a.uri))) {
                ctx.add(["releases", i, "artifacts", cloud], spec, "uses {variant} in a release without variants; allowed: the artifact it was published from");
            }
            // One sha256 cannot check a file per variant (VhdBlob and the staging copy verify it).
            if (!r?.withoutVariants && uris.some((a) => a.sha256 !== undefined && usesVariant(a.uri))) {
                ctx.add(["releases", i, "artifacts", cloud], spec, "gives one sha256 for a URI with {variant}, which names a file per variant; allowed: no sha256 there, or one URI per file");
            }
        }
        r?.variants?.forEach((name, j) => {
            if (!seen.has(name)) {
                ctx.add(["releases", i, "variants", j], name, `is not a variant; allowed: ${[...seen.keys()].join(", ")}`);
            } else if (r.variants?.indexOf(name) !== j) {
                ctx.add(["releases", i, "variants", j], name, "is listed twice; allowed: each variant once");
            }
        });
    });
    checkSharedNames(ctx);
    checkMarketplaceVariant(ctx, "aws");
    checkMarketplaceVariant(ctx, "azure");
    checkVariantSettings(ctx);
    checkStagedVariants(ctx);
}

/** Without `variants`, {variant} has nothing to stand for, and would be sent as literal text. */
function refuseVariantPlaceholders(ctx: CheckContext): void {
    const { config } = ctx;
    const message = "uses {variant}, but no variants are configured; allowed: the other placeholders, or configure variants";
    const templates: [PropertyKey[], string | undefined][] = [
        [["naming", "image"], config.naming?.image],
        [["gcp", "family"], config.gcp?.family],
        [["azure", "image", "sku"], config.azure?.image.sku],
        [["aws", "marketplace", "versionTitle"], config.aws?.marketplace.versionTitle],
        [["aws", "marketplace", "releaseNotes"], config.aws?.marketplace.releaseNotes],
        [["aws", "marketplace", "osVersion"], config.aws?.marketplace.osVersion],
    ];
    (config.releases ?? []).forEach((r, i) => {
        if (r === undefined) {
            return;
        }
        templates.push([["releases", i, "releaseNotes"], r.releaseNotes]);
        for (const cloud of enabledClouds(config)) {
            for (const arch of r.architectures) {
                templates.push([["releases", i, "artifacts", cloud], rawArtifact(r, cloud, arch)?.uri]);
            }
        }
    });
    const reported = new Set<string>();
    (config.releases ?? []).forEach((r, i) => {
        if (r?.variants !== undefined) {
            ctx.add(["releases", i, "variants"], r.variants, "names variants, but no variants are configured; allowed: no key, or configure variants");
        }
        if (r?.withoutVariants !== undefined) {
            ctx.add(["releases", i, "withoutVariants"], r.withoutVariants, "is for a stack with variants, and none are configured; allowed: no key");
        }
    });
    for (const [path, text] of templates) {
        const key = path.join(".");
        if (usesVariant(text) && !reported.has(key)) {
            reported.add(key);
            ctx.add(path, text, message);
        }
    }
    for (const cloud of ["aws", "azure"] as const) {
        const named = config[cloud]?.marketplace.variant;
        if (named !== undefined) {
            ctx.add([cloud, "marketplace", "variant"], named, "names a variant, but no variants are configured; allowed: no key, or configure variants");
        }
    }
}

/**
 * The groups of images a cloud publishes: each variant that goes to it, and, when releases
 * published before the stack had variants keep theirs (`withoutVariants`), the unnamed group.
 */
function groupsOf(config: PartialConfig, cloud: Cloud): (VariantEntry | undefined)[] {
    const unvaried = (config.releases ?? []).some((r) => r?.withoutVariants === true);
    return [...(unvaried ? [undefined] : []), ...variantsTo(config, cloud).map((v) => v.variant)];
}

const groupName = (v: VariantEntry | undefined) => (v === undefined ? "the releases without variants" : v.name);

/**
 * Where two groups of one cloud would share a stack-wide name once rendered, the template must tell
 * them apart. A GCP image family points at its newest image ("an image family always points to the
 * latest image in the family that is not deprecated",
 * cloud.google.com/compute/docs/images/image-families-best-practices), so two variants in one family
 * would hand out either. An Azure image definition is one (publisher, offer, SKU) in its gallery
 * (learn.microsoft.com/azure/virtual-machines/shared-image-galleries, "Image definitions") and holds
 * one security type; its name gets "-arm64" and "-gen1" added (azure/names.ts), so names are compared
 * as rendered, per architecture and generation.
 */
function checkSharedNames(ctx: CheckContext): void {
    const { config } = ctx;
    const product = config.product?.name;
    if (product === undefined) {
        return;
    }
    const architectures = [...new Set((config.releases ?? []).flatMap((r) => r?.architectures ?? []))].sort() as Architecture[];
    if (config.gcp?.enabled && config.gcp.family !== undefined) {
        const family = config.gcp.family;
        const seen = new Map<string, string>();
        for (const group of groupsOf(config, "gcp")) {
            for (const arch of architectures) {
                const name = gceName(renderTemplate(family, { product, version: "0.0", arch, cloud: "gcp", variant: group?.name }));
                const first = seen.get(name);
                if (first !== undefined && first !== groupName(group)) {
                    ctx.add(["gcp", "family"], family,
                        `renders family ${JSON.stringify(name)} for both ${first} and ${groupName(group)}, whose newest image would be either; allowed: a family template with {variant}`);
                    return;
                }
                seen.set(name, groupName(group));
            }
        }
    }
    const azure = config.azure;
    if (azure?.enabled) {
        const seen = new Map<string, string>();
        for (const group of groupsOf(config, "azure")) {
            const generations = (group?.azure?.hyperVGenerations ?? azure.image.hyperVGenerations) as HyperVGeneration[];
            for (const arch of architectures) {
                for (const generation of generationsFor(arch, generations)) {
                    // A SKU that cannot render is reported by checks/azure.ts.
                    const name = attempt(() => definitionName(definitionSku(azure.image.sku, product, arch, generation, group?.name)));
                    if (name === undefined) {
                        return;
                    }
                    const first = seen.get(name);
                    if (first !== undefined) {
                        ctx.add(["azure", "image", "sku"], azure.image.sku,
                            `renders image definition ${JSON.stringify(name)} for both ${first} and ${groupName(group)} ${arch} ${generation}, one definition with one security type; allowed: a SKU template with {variant}, and variant names that stay apart once -arm64 and -gen1 are added`);
                        return;
                    }
                    seen.set(name, `${groupName(group)} ${arch} ${generation}`);
                }
            }
        }
    }
}

/** A marketplace lists one variant: the one it names, which must exist and go to its cloud, or the cloud's only one. */
function checkMarketplaceVariant(ctx: CheckContext, cloud: "aws" | "azure"): void {
    const target = ctx.config[cloud];
    if (!target?.enabled) {
        return;
    }
    const named = target.marketplace.variant;
    const candidates = variantsTo(ctx.config, cloud).map((v) => v.variant.name);
    const path = [cloud, "marketplace", "variant"];
    if (named !== undefined && !candidates.includes(named)) {
        const exists = (ctx.config.variants ?? []).some((v) => v.name === named);
        ctx.add(path, named, `${exists ? `is a variant that does not go to ${cloud}` : "is not a variant"}; allowed: ${candidates.join(", ") || "none (no variant goes to " + cloud + ")"}`);
    } else if (named === undefined && target.marketplace.enabled && candidates.length > 1) {
        ctx.add(path, undefined, `is missing: ${candidates.length} variants go to ${cloud} (${candidates.join(", ")}) and its marketplace lists one; allowed: one of them`);
    }
}

/** The rules of the stack's image settings, checked again with each variant's settings in place. */
function checkVariantSettings(ctx: CheckContext): void {
    const { config } = ctx;
    const ships = (cloud: Cloud) => (config.releases ?? []).some((r) => r?.architectures.includes("arm64") && r.artifacts[cloud] !== undefined);
    (config.variants ?? []).forEach((variant, i) => {
        // NitroTPM needs UEFI boot ("Amazon EC2 NitroTPM", prerequisites: the AMI's boot mode is uefi or uefi-preferred).
        if (config.aws?.enabled && variant.aws !== undefined) {
            const tpm = variant.aws.tpmSupport ?? config.aws.image.tpmSupport;
            const bootMode = variant.aws.bootMode ?? config.aws.image.bootMode;
            if ((variant.aws.uefiData ?? config.aws.image.uefiData) !== undefined && bootMode === "legacy-bios") {
                ctx.add(["variants", i, "aws"], "[UEFI variable store]", "has a UEFI variable store with legacy-bios boot, which has no UEFI variables; allowed: bootMode uefi or uefi-preferred, or no uefiData");
            }
            if (tpm && bootMode === "legacy-bios") {
                ctx.add(["variants", i, "aws"], variant.aws, "has NitroTPM with legacy-bios boot, and NitroTPM needs UEFI; allowed: tpmSupport false, or bootMode uefi or uefi-preferred");
            }
        }
        // ImportImage takes arm64 only with BootMode UEFI (alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-importimage).
        if (config.alicloud?.enabled && variant.alicloud?.bootMode === "BIOS" && ships("alicloud")) {
            ctx.add(["variants", i, "alicloud", "bootMode"], "BIOS", "cannot import arm64, which a release ships, since ImportImage takes arm64 only with UEFI; allowed: UEFI");
        }
        // Graviton boots UEFI only ("Boot modes", docs.aws.amazon.com/AWSEC2/latest/UserGuide/ami-boot.html:
        // "Graviton instance types ... support UEFI"), so an arm64 AMI cannot boot legacy BIOS.
        if (config.aws?.enabled && variant.aws?.bootMode === "legacy-bios" && ships("aws")) {
            ctx.add(["variants", i, "aws", "bootMode"], "legacy-bios", "cannot boot arm64, which a release ships: Graviton instances boot UEFI only; allowed: uefi or uefi-preferred");
        }
        // Confidential VMs are Generation 2 and x64 only ("Azure confidential VMs", learn.microsoft.com/azure/confidential-computing/
        // confidential-vm-overview: Gen 2 images; DCasv5/ECasv5/DCesv5 sizes are x64); a V1 definition would silently not be confidential.
        const securityType = variant.azure?.securityType;
        if (config.azure?.enabled && securityType !== undefined && /Confidential/.test(securityType)) {
            const generations = variant.azure?.hyperVGenerations ?? config.azure.image.hyperVGenerations;
            if (generations.includes("V1") || ships("azure")) {
                ctx.add(["variants", i, "azure"], variant.azure,
                    `makes ${securityType} images${generations.includes("V1") ? " of Hyper-V generation 1" : ""}${ships("azure") ? " for arm64, which a release ships" : ""}, and confidential VMs run generation 2 x64 images only; allowed: hyperVGenerations [V2], x86_64 releases`);
            }
        }
        // Confidential VM images boot UEFI: the confidential guest OS features come with UEFI_COMPATIBLE
        // (cloud.google.com/confidential-computing/confidential-vm/docs/create-custom-confidential-vm-images).
        const features = variant.gcp?.guestOsFeatures;
        if (config.gcp?.enabled && features !== undefined) {
            if (features.some((f) => /^(SEV_|TDX_)/.test(f)) && !features.includes("UEFI_COMPATIBLE")) {
                ctx.add(["variants", i, "gcp", "guestOsFeatures"], features, "has a confidential computing feature without UEFI_COMPATIBLE, which confidential VMs boot with; allowed: add UEFI_COMPATIBLE (the list replaces the stack's)");
            }
            features.forEach((f, j) => {
                if (features.indexOf(f) !== j) {
                    ctx.add(["variants", i, "gcp", "guestOsFeatures", j], f, "is listed twice; allowed: each feature once");
                }
            });
        }
        // Azure runs arm64 images only as Hyper-V generation 2.
        if (config.azure?.enabled && variant.azure?.hyperVGenerations !== undefined && !variant.azure.hyperVGenerations.includes("V2") && ships("azure")) {
            ctx.add(["variants", i, "azure", "hyperVGenerations"], variant.azure.hyperVGenerations, "has no V2, and Azure runs arm64 images (which a release ships) only as Hyper-V generation 2; allowed: include V2");
        }
    });
}

/**
 * A staged copy goes to the object its source names (staging/location.ts), so two variants staging
 * one artifact would make two resources of one object, and deleting either would take the other's
 * copy away. Where a cloud stages and has several variants, each variant needs its own artifact.
 */
function checkStagedVariants(ctx: CheckContext): void {
    const { config } = ctx;
    for (const cloud of ["gcp", "alicloud"] as const) {
        if (!config[cloud]?.enabled || variantsTo(config, cloud).length < 2) {
            continue;
        }
        (config.releases ?? []).forEach((r, i) => {
            const own = variantsTo(config, cloud).filter((v) => r?.variants === undefined || r.variants.includes(v.variant.name));
            if (r === undefined || r.withoutVariants || own.length < 2) {
                return;
            }
            const uri = r.architectures.map((arch) => rawArtifact(r, cloud, arch)?.uri).find((u) => u !== undefined && needsStaging(cloud, u) && !usesVariant(u));
            if (uri !== undefined) {
                ctx.add(["releases", i, "artifacts", cloud], uri,
                    `is staged once per variant of ${cloud} into one object; allowed: an artifact template with {variant}, so that each variant stages its own file`);
            }
        });
    }
}

/** The value of `make`, or undefined when it throws. */
function attempt<T>(make: () => T): T | undefined {
    try {
        return make();
    } catch {
        return undefined;
    }
}
