import { CheckContext } from "./context";
import { enabledClouds } from "./artifacts";
import { variantsTo } from "./variants";
import { Architecture, Cloud, renderTemplate } from "../model";
import { gceName } from "../../gcp/names";

/** The largest part of an Azure gallery image version: each of Major.Minor.Patch is a 32-bit signed integer. */
const azureVersionPartMax = 2147483647;

/** A cloud's rule for an image name, with the rule as the message says it. */
interface NameRule {
    /** The name the cloud gets, from the rendered template. */
    name: (rendered: string) => string;
    /** Whether the cloud accepts it. */
    accepts: (name: string) => boolean;
    /** The rule, for the message. */
    rule: string;
}

const nameRules: Record<Cloud, NameRule> = {
    // EC2 RegisterImage / CopyImage Name: "3-128 alphanumeric characters, parentheses (()), square
    // brackets ([]), spaces ( ), periods (.), slashes (/), dashes (-), single quotes ('), at-signs (@),
    // or underscores(_)" (docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RegisterImage.html).
    aws: {
        name: (r) => r,
        accepts: (n) => /^[A-Za-z0-9()[\] ./'@_-]{3,128}$/.test(n),
        rule: "an AMI name is 3-128 letters, digits, spaces and ( ) [ ] . / - ' @ _",
    },
    // The VHD's page blob is "<name>.vhd". Blob names are 1-1024 characters
    // (learn.microsoft.com/rest/api/storageservices/naming-and-referencing-containers--blobs--and-metadata);
    // characters that a URL reserves (? # % \ and spaces) would have to be escaped in every call, so they are refused.
    azure: {
        name: (r) => `${r}.vhd`,
        accepts: (n) => n.length <= 1024 && /^[A-Za-z0-9._()'@[\]-]+$/.test(n),
        rule: "an Azure blob name (<name>.vhd) is at most 1024 characters; allowed here: letters, digits and . _ - ( ) ' @ [ ]",
    },
    // gcp.compute.Image names are made valid by gceName (lower case, '-', at most 63 characters,
    // longer ones shortened with a hash), so only their uniqueness is checked.
    gcp: {
        name: (r) => gceName(r),
        accepts: () => true,
        rule: "",
    },
    // ECS ImportImage ImageName: "2 to 128 characters in length. It must start with a letter and cannot
    // start with http:// or https://. It can contain letters, digits, periods (.), colons (:),
    // underscores (_), and hyphens (-)" (alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-importimage).
    alicloud: {
        name: (r) => r,
        accepts: (n) => /^[A-Za-z][A-Za-z0-9.:_-]{1,127}$/.test(n) && !/^https?:\/\//i.test(n),
        rule: "an AliCloud image name is 2-128 letters, digits and . : _ -, starting with a letter, not with http:// or https://",
    },
    // Glance image name: "Maximum 255 characters" (docs.openstack.org/api-ref/image/v2/, Create image).
    openstack: {
        name: (r) => r,
        accepts: (n) => n.length >= 1 && n.length <= 255,
        rule: "a Glance image name is 1-255 characters",
    },
};

/** "1592.04" as the gallery version Azure gets, "1592.4.0"; undefined when a part does not fit 32 bits. */
function azureVersion(version: string): string | undefined {
    const parts = version.split(".").map((p) => BigInt(p));
    while (parts.length < 3) {
        parts.push(0n);
    }
    return parts.some((n) => n > BigInt(azureVersionPartMax)) ? undefined : parts.map(String).join(".");
}

/**
 * Names rendered from naming.image: the template names each release and architecture, every
 * rendered name follows its cloud's rules, and no two images (or Azure blobs, or Azure gallery
 * versions) of the stack get the same name, since the second would replace or clash with the first.
 */
export function checkNames(ctx: CheckContext): void {
    const { config, add } = ctx;
    const template = config.naming?.image;
    const product = config.product?.name;
    if (template === undefined || product === undefined) {
        return;
    }
    const missing = ["version", "arch"].filter((p) => !template.includes(`{${p}}`));
    if (missing.length > 0) {
        add(["naming", "image"], template,
            `has no ${missing.map((p) => `{${p}}`).join(" or ")}, so images of different releases or architectures would get the same name; allowed: a template with both {version} and {arch}`);
        return;
    }
    const releases = config.releases ?? [];
    for (const cloud of enabledClouds(config)) {
        const rule = nameRules[cloud];
        const seen = new Map<string, string>();
        // Each variant of the cloud gets its own images, so its own names (checks/variants.ts).
        const variants = config.variants === undefined ? [undefined] : variantsTo(config, cloud).map((v) => v.variant.name);
        releases.forEach((r, i) => {
            if (r === undefined) {
                return;
            }
            const own = r.withoutVariants ? [undefined] : variants.filter((v) => v === undefined || r.variants === undefined || r.variants.includes(v));
            for (const variant of own) {
                for (const arch of r.architectures as Architecture[]) {
                    const name = rule.name(renderTemplate(template, { product, version: r.version, arch, cloud, variant }));
                    const where = `releases[${i}] ${arch}${variant === undefined ? "" : ` variant ${variant}`}`;
                    if (!rule.accepts(name)) {
                        add(["naming", "image"], template, `renders ${JSON.stringify(name)} for ${cloud} (${where}); allowed: ${rule.rule}`);
                    }
                    const first = seen.get(name);
                    if (first !== undefined) {
                        add(["naming", "image"], template, `renders ${JSON.stringify(name)} for ${cloud} for both ${first} and ${where}; allowed: a template that gives every release and architecture ${variants.length > 1 ? "and variant (with {variant}) " : ""}its own name`);
                    } else {
                        seen.set(name, where);
                    }
                }
            }
        });
    }
    if (config.azure?.enabled) {
        checkAzureVersions(ctx);
    }
}

/**
 * Azure gallery image versions are Major.Minor.Patch, each a 32-bit integer ("Allowed characters
 * are digit and period. Digits must be within the range of a 32-bit integer", GalleryImageVersion
 * name, learn.microsoft.com/rest/api/compute/gallery-image-versions/create-or-update). Leading
 * zeros and a missing patch are dropped (components/azure/names.ts), so 1592.4, 1592.04 and 1592.4.0
 * are one version, and the second would overwrite the first.
 */
function checkAzureVersions(ctx: CheckContext): void {
    const seen = new Map<string, number>();
    (ctx.config.releases ?? []).forEach((r, i) => {
        if (r === undefined) {
            return;
        }
        const name = azureVersion(r.version);
        if (name === undefined) {
            ctx.add(["releases", i, "version"], r.version,
                `does not fit an Azure gallery image version; allowed: each part at most ${azureVersionPartMax} (a 32-bit integer)`);
            return;
        }
        const first = seen.get(name);
        if (first !== undefined) {
            ctx.add(["releases", i, "version"], r.version,
                `is Azure gallery image version ${name}, like releases[${first}].version; allowed: versions that differ after leading zeros and a missing .0 are dropped`);
        } else {
            seen.set(name, i);
        }
    });
}
