import * as fs from "fs";
import { parse } from "yaml";
import { secretMarker } from "./mocks";

/** A stack's config as the CLI hands it to the program. */
export interface CliConfig {
    /** Namespaced keys; structured values as JSON text, secure values as "[secret]". */
    values: Record<string, string>;
    /** The keys that hold a secure value somewhere inside. */
    secretKeys: string[];
}

const projectNamespace = "image-publisher";

/** Replaces every `{secure: ...}` leaf with the secret marker; reports whether there was one. */
function hideSecure(value: unknown): { value: unknown; secret: boolean } {
    if (Array.isArray(value)) {
        const items = value.map(hideSecure);
        return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
    }
    if (value !== null && typeof value === "object") {
        const entries = Object.entries(value as Record<string, unknown>);
        if (entries.length === 1 && entries[0][0] === "secure") {
            return { value: secretMarker, secret: true };
        }
        const mapped = entries.map(([k, v]) => [k, hideSecure(v)] as const);
        return { value: Object.fromEntries(mapped.map(([k, v]) => [k, v.value])), secret: mapped.some(([, v]) => v.secret) };
    }
    return { value, secret: false };
}

/**
 * Reads a Pulumi.<stack>.yaml text the way the CLI does: keys without a namespace belong to the
 * project, structured values become JSON, and secure values are never decrypted.
 */
export function parseStackConfig(text: string, source: string): CliConfig {
    let doc: unknown;
    try {
        doc = parse(text);
    } catch (error) {
        throw new Error(`${source}: not valid YAML: ${(error as Error).message}`, { cause: error });
    }
    const config = (doc as { config?: Record<string, unknown> } | null)?.config ?? {};
    if (typeof config !== "object" || Array.isArray(config)) {
        throw new Error(`${source}: "config" must be a map of keys to values`);
    }
    const values: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const [rawKey, rawValue] of Object.entries(config)) {
        const key = rawKey.includes(":") ? rawKey : `${projectNamespace}:${rawKey}`;
        const { value, secret } = hideSecure(rawValue);
        values[key] = typeof value === "string" ? value : JSON.stringify(value);
        if (secret) {
            secretKeys.push(key);
        }
    }
    return { values, secretKeys };
}

/** Reads a stack config file. */
export function readStackConfig(file: string): CliConfig {
    return parseStackConfig(fs.readFileSync(file, "utf8"), file);
}
