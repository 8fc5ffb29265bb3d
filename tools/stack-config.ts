import * as fs from "fs";
import { Document, Node, isAlias, isCollection, isPair, parseDocument } from "yaml";
import { secretMarker } from "./secret-marker";
import { maxConfigDepth, nestingDepth } from "../components/config/checks/depth";

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
 * The most values a stack file may hold once its aliases are expanded. A 500-release prod file is
 * about 30,000; an alias bomb (each anchor a list of aliases of the one before) is billions.
 */
export const maxExpandedValues = 500_000;

/**
 * How many values a YAML node holds with every alias expanded, computed once per anchored node,
 * so that an alias bomb is measured without being expanded. Stops counting past the limit.
 */
function expandedSize(doc: Document, root: unknown, source: string): number {
    const sizes = new Map<unknown, number>();
    const open = new Set<unknown>();
    const size = (node: unknown): number => {
        if (isAlias(node)) {
            const target = node.resolve(doc);
            if (target === undefined) {
                return 1;
            }
            if (open.has(target)) {
                throw new Error(`${source}: the alias *${node.source} refers to the node that contains it; allowed: aliases of nodes defined before them`);
            }
            return size(target);
        }
        if (!isCollection(node) && !isPair(node)) {
            return 1;
        }
        const known = sizes.get(node);
        if (known !== undefined) {
            return known;
        }
        open.add(node);
        let total = 1;
        const children: unknown[] = isPair(node) ? [node.key, node.value] : (node.items as unknown[]);
        for (const child of children) {
            total += child === null || child === undefined ? 0 : size(child);
            if (total > maxExpandedValues) {
                break;
            }
        }
        open.delete(node);
        sizes.set(node, total);
        return total;
    };
    return size(root);
}

/** Parses the YAML of a stack file as the CLI does (merge keys included), refusing alias bombs and absurd nesting with a message that says so. */
function parseYaml(text: string, source: string): unknown {
    let doc: Document;
    try {
        doc = parseDocument(text, { merge: true, uniqueKeys: true });
    } catch (error) {
        throw new Error(`${source}: not valid YAML: ${(error as Error).message}`, { cause: error });
    }
    const [first] = doc.errors;
    if (first !== undefined) {
        if (/call stack/i.test(first.message)) {
            throw new Error(`${source}: nests lists and maps too deep to read (${first.linePos?.[0] ? `line ${first.linePos[0].line}; ` : ""}allowed: at most ${maxConfigDepth} levels under a key)`);
        }
        throw new Error(`${source}: not valid YAML: ${first.message}`);
    }
    const values = expandedSize(doc, doc.contents as Node | null, source);
    if (values > maxExpandedValues) {
        throw new Error(`${source}: its aliases expand to more than ${maxExpandedValues} values (an alias bomb?); allowed: at most ${maxExpandedValues} values once every alias is expanded`);
    }
    const value: unknown = doc.toJS({ maxAliasCount: -1 });
    // config: + the key are two levels above the value.
    if (nestingDepth(value, maxConfigDepth + 2) > maxConfigDepth + 2) {
        throw new Error(`${source}: nests lists and maps more than ${maxConfigDepth} levels deep under a key; allowed: at most ${maxConfigDepth} levels`);
    }
    return value;
}

/**
 * Reads a Pulumi.<stack>.yaml text the way the CLI does: keys without a namespace belong to the
 * project, structured values become JSON, and secure values are never decrypted.
 */
export function parseStackConfig(text: string, source: string): CliConfig {
    const doc = parseYaml(text, source);
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
