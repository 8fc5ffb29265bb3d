/**
 * Edits the `releases` list of a Pulumi.<stack>.yaml text in place. The yaml package's document
 * API finds each node and its source range; the edit splices new text into those ranges, so that
 * every byte outside the edited entry (comments, order, quoting, flow style, blank lines) stays
 * exactly as it was. Each edit is checked by parsing the result again.
 */
import { Document, isMap, isScalar, isSeq, parseDocument, Scalar, YAMLMap, YAMLSeq } from "yaml";
import { isDeepStrictEqual } from "util";

const releasesKey = "image-publisher:releases";

/** A release entry as plain data, the way it is written in the stack file. */
export type EntryData = Record<string, unknown>;

/** The releases of a stack file, with the nodes that hold them. */
interface Located {
    /** The parsed document, source ranges kept. */
    doc: Document.Parsed;
    /** The releases list. */
    seq: YAMLSeq;
    /** Each entry's map node. */
    entries: YAMLMap[];
}

function locate(text: string, source: string): Located {
    const doc = parseDocument(text, { keepSourceTokens: true });
    if (doc.errors.length > 0) {
        throw new Error(`${source}: not valid YAML: ${doc.errors[0].message}`);
    }
    const config = doc.get("config");
    const seq = isMap(config) ? config.get(releasesKey, true) : undefined;
    if (!isSeq(seq) || seq.flow) {
        throw new Error(`${source}: config.${releasesKey} must be a block list of releases`);
    }
    const entries = seq.items.map((item, i) => {
        if (!isMap(item) || item.flow) {
            throw new Error(`${source}: ${releasesKey}[${i}] must be a block map`);
        }
        return item;
    });
    return { doc, seq, entries };
}

/** The releases written in a stack file, as plain data, in file order. */
export function readEntries(text: string, source: string): EntryData[] {
    return locate(text, source).entries.map((e) => e.toJSON() as EntryData);
}

/** The version of each entry, as written (a version written unquoted may have been read as a number). */
export function entryVersion(entry: EntryData): string {
    return String(entry.version);
}

function lineStart(text: string, pos: number): number {
    return text.lastIndexOf("\n", pos - 1) + 1;
}

function lineEnd(text: string, pos: number): number {
    if (pos > 0 && text[pos - 1] === "\n") {
        return pos;
    }
    const nl = text.indexOf("\n", pos);
    return nl === -1 ? text.length : nl + 1;
}

/** Renders a map as block YAML indented to `keyIndent`; scalars that YAML would read as something else are quoted. */
function renderBlock(data: EntryData, keyIndent: number): string[] {
    const doc = new Document(data);
    doc.contents = quoteStrings(doc.contents);
    const text = doc.toString({ indent: 2, lineWidth: 0, flowCollectionPadding: false });
    return text.replace(/\n$/, "").split("\n").map((line) => `${" ".repeat(keyIndent)}${line}`);
}

/** Versions and dates are written double-quoted, as in the stack files, so no YAML reader takes them for numbers or timestamps. */
function quoteStrings<T>(node: T): T {
    if (isMap(node)) {
        for (const pair of node.items) {
            quoteStrings(pair.value);
        }
    } else if (isSeq(node)) {
        node.flow = node.items.every(isScalar);
        node.items.forEach(quoteStrings);
    } else if (isScalar(node) && typeof node.value === "string" && /^[0-9][0-9.:-]*$/.test(node.value)) {
        (node as Scalar).type = Scalar.QUOTE_DOUBLE;
    }
    return node;
}

function verify(after: string, source: string, expected: EntryData[]): void {
    const got = readEntries(after, source);
    if (!isDeepStrictEqual(got, expected)) {
        throw new Error(`${source}: internal error: the edited file does not read back as intended`);
    }
}

/** Inserts a new release entry at `index` of the releases list (the list's length appends it). */
export function insertEntry(text: string, source: string, index: number, entry: EntryData): string {
    const { entries } = locate(text, source);
    if (entries.length === 0) {
        throw new Error(`${source}: config.${releasesKey} is empty; write the first release by hand`);
    }
    // The new entry takes the dash and key indentation of the entry it goes beside.
    const model = entries[Math.min(index, entries.length - 1)];
    const start = model.range![0];
    const dashAt = lineStart(text, start);
    const firstPrefix = text.slice(dashAt, start);
    const lines = renderBlock(entry, start - dashAt);
    lines[0] = `${firstPrefix}${lines[0].trimStart()}`;
    const block = `${lines.join("\n")}\n`;
    let at: number;
    if (index >= entries.length) {
        at = lineEnd(text, entries[entries.length - 1].range![2]);
    } else {
        // Before the next entry's dash, and before the comment lines written just above it.
        at = dashAt;
        while (at > 0) {
            const previous = lineStart(text, at - 1);
            if (!/^\s*#/.test(text.slice(previous, at))) {
                break;
            }
            at = previous;
        }
    }
    const head = text.slice(0, at);
    const after = `${head}${head === "" || head.endsWith("\n") ? "" : "\n"}${block}${text.slice(at)}`;
    const expected = readEntries(text, source);
    expected.splice(index, 0, entry);
    verify(after, source, expected);
    return after;
}

/** Sets one key of the entry at `index`: replaces its value where it has one, else adds it before `before` (or at the end). */
export function setEntryKey(text: string, source: string, index: number, key: string, value: string | boolean, before?: string): string {
    const { entries } = locate(text, source);
    const entry = entries[index];
    const pair = entry.items.find((p) => isScalar(p.key) && p.key.value === key);
    let after: string;
    const rendered = renderBlock({ [key]: value }, 0)[0];
    if (pair && isScalar(pair.value) && pair.value.range) {
        const [from, to] = pair.value.range;
        after = `${text.slice(0, from)}${rendered.slice(rendered.indexOf(":") + 2)}${text.slice(to)}`;
    } else if (pair) {
        throw new Error(`${source}: ${releasesKey}[${index}].${key} is not a single value; edit it by hand`);
    } else {
        const keyIndent = entry.range![0] - lineStart(text, entry.range![0]);
        const next = before ? entry.items.find((p) => isScalar(p.key) && p.key.value === before) : undefined;
        const at = next && isScalar(next.key) ? lineStart(text, next.key.range![0]) : lineEnd(text, entry.range![2]);
        after = `${text.slice(0, at)}${" ".repeat(keyIndent)}${rendered}\n${text.slice(at)}`;
    }
    const expected = readEntries(text, source);
    expected[index] = { ...expected[index], [key]: value };
    verify(after, source, expected);
    return after;
}
