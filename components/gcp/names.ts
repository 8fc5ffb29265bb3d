import * as crypto from "crypto";

/**
 * A name GCE accepts for an image or a family: lower case, letters, digits and hyphens (dots,
 * underscores and anything else become hyphens, runs of hyphens collapse), starting with a letter
 * ("i-" is put in front otherwise), not ending with a hyphen, at most 63 characters. A longer name
 * keeps its first 54 characters and gets 8 hex digits of its SHA-256, so that two long names that
 * differ only at the end stay distinct.
 */
export function gceName(raw: string): string {
    let name = raw.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
    if (name === "") {
        throw new Error(`cannot make a GCE name out of ${JSON.stringify(raw)}`);
    }
    if (!/^[a-z]/.test(name)) {
        name = `i-${name}`;
    }
    if (name.length > 63) {
        const hash = crypto.createHash("sha256").update(name).digest("hex").slice(0, 8);
        name = `${name.slice(0, 54).replace(/-+$/, "")}-${hash}`;
    }
    return name;
}
