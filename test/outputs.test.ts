import * as assert from "assert";
import {
    compareStrings, compareVersions, formatPath, hasVariantLevel, hasVariants, OutputsError, parseOutputs, unwrapOutputs, validateOutputs,
    variantEntries, versionsNewestFirst,
} from "../components/outputs";

describe("compareVersions", () => {
    it("compares number by number, so 1.10 is newer than 1.9", () => {
        assert.ok(compareVersions("1.9", "1.10") < 0);
        assert.ok(compareVersions("1.10", "1.9") > 0);
        assert.ok(compareVersions("2.0", "10.0") < 0);
    });

    it("is zero only for the same version", () => {
        assert.strictEqual(compareVersions("1.2.3", "1.2.3"), 0);
        assert.notStrictEqual(compareVersions("1.2.3", "1.2.4"), 0);
    });

    it("orders 1.0 before 1.0.0: two distinct keys never compare equal", () => {
        assert.ok(compareVersions("1.0", "1.0.0") < 0);
        assert.ok(compareVersions("1.0.0", "1.0") > 0);
        assert.ok(compareVersions("1.0.0", "1.1") < 0);
    });
});

describe("versionsNewestFirst", () => {
    it("lists the versions of the outputs newest first", () => {
        const outputs = validateOutputs({ images: { "1.9": {}, "1.10": {}, "1.0": {}, "1.0.0": {} } });
        assert.deepStrictEqual(versionsNewestFirst(outputs), ["1.10", "1.9", "1.0.0", "1.0"]);
    });
});

describe("variantEntries", () => {
    it("gives one unnamed item for an entry without a variant level", () => {
        const perArch = { x86_64: { "us-east-1": "ami-1" } };
        assert.deepStrictEqual(variantEntries(perArch), [{ perArch }]);
        assert.deepStrictEqual(variantEntries({}), [{ perArch: {} }]);
    });

    it("gives one named item per variant, sorted by name", () => {
        const entry = { "sev-snp": { x86_64: { "us-east-1": "ami-s" } }, "nitro-tpm": { arm64: { "us-east-1": "ami-n" } } };
        assert.deepStrictEqual(variantEntries(entry), [
            { variant: "nitro-tpm", perArch: { arm64: { "us-east-1": "ami-n" } } },
            { variant: "sev-snp", perArch: { x86_64: { "us-east-1": "ami-s" } } },
        ]);
    });

    it("gives nothing for an absent entry", () => {
        assert.deepStrictEqual(variantEntries(undefined), []);
    });
});

describe("hasVariants", () => {
    it("is true when any images, community or marketplace entry has a variant level, and false otherwise", () => {
        assert.strictEqual(hasVariants(validateOutputs({ images: { "1.0": { aws: { x86_64: { "us-east-1": "ami-1" } }, gcp: {} } } })), false);
        assert.strictEqual(hasVariants(validateOutputs({ images: { "1.0": {}, "2.0": { gcp: { tdx: { x86_64: { global: "g" } } } } } })), true);
        assert.strictEqual(hasVariants(validateOutputs({ images: {}, community: { "2.0": { azure: { cvm: {} } } } })), true);
        // One cloud of a release with variants is enough, whatever the other clouds have.
        assert.strictEqual(hasVariants(validateOutputs({
            images: { "1.0": { aws: { x86_64: { "us-east-1": "ami-1" } }, gcp: { tdx: { x86_64: { global: "g" } } } } },
        })), true);
        assert.strictEqual(hasVariants(validateOutputs({
            images: {}, marketplace: { "2.0": { aws: { "sev-snp": { x86_64: { productId: "p", changeSetId: "c", status: "SUCCEEDED" } } } } },
        })), true);
    });
});

describe("validateOutputs", () => {
    const ami = { "us-east-1": "ami-1" };
    /** The message of the OutputsError validateOutputs throws for `json`, read from "s.json". */
    function refusal(json: unknown): string {
        try {
            validateOutputs(json, "s.json");
        } catch (e) {
            assert.ok(e instanceof OutputsError, String(e));
            assert.strictEqual(e.name, "OutputsError");
            return e.message;
        }
        assert.fail("validateOutputs accepted the document");
    }
    const header = "s.json: not the stack outputs:\n";

    it("accepts a cloud entry per architecture, or per variant and then per architecture", () => {
        assert.deepStrictEqual(validateOutputs({ images: { "1.0": { aws: { x86_64: ami } } } }).images, { "1.0": { aws: { x86_64: ami } } });
        assert.deepStrictEqual(validateOutputs({ images: { "1.0": { aws: { plain: { arm64: ami } } } } }).images, { "1.0": { aws: { plain: { arm64: ami } } } });
    });

    it("refuses an entry that mixes architectures and variants, naming both", () => {
        assert.strictEqual(refusal({ images: { "1.0": { aws: { x86_64: ami, plain: { x86_64: ami }, tpm: {} } } } }), header
            + '  images["1.0"].aws: mixes architectures (x86_64) with variants ("plain", "tpm"); allowed: only architectures (x86_64, arm64), or only variant names, each holding architectures');
        assert.strictEqual(refusal({ images: { "1.0": { aws: { x86_64: ami, arm64: ami, plain: { x86_64: ami } } } } }), header
            + '  images["1.0"].aws: mixes architectures (x86_64, arm64) with variants ("plain"); allowed: only architectures (x86_64, arm64), or only variant names, each holding architectures');
    });

    it("reports the errors of the per-architecture shape for an entry with architecture keys", () => {
        assert.strictEqual(refusal({ images: { "1.0": { aws: { x86_64: { "US east": "ami-1" } } } } }), header
            + '  images["1.0"].aws.x86_64: key "US east" is not a region key; allowed: lower-case letters, digits and hyphens');
    });

    it("reports the errors of the per-architecture shape for a misspelt architecture holding regions", () => {
        assert.strictEqual(refusal({ images: { "1.0": { aws: { aarch64: ami } } } }), header + '  images["1.0"].aws: Unrecognized key: "aarch64"');
        // One value that is a region map is enough to read the entry as per architecture.
        assert.strictEqual(refusal({ images: { "1.0": { aws: { aarch64: ami, amd64: "ami-2" } } } }), header
            + '  images["1.0"].aws: Unrecognized keys: "aarch64", "amd64"');
    });

    it("reports the errors of the per-variant shape otherwise", () => {
        assert.strictEqual(refusal({ images: { "1.0": { aws: { Plain: { x86_64: ami } } } } }), header
            + '  images["1.0"].aws: key "Plain" is not a variant name; allowed: lower-case letters, digits and hyphens, at most 24, starting with a letter, and not x86_64 or arm64');
        assert.strictEqual(refusal({ images: { "1.0": { aws: { plain: { x86_64: { "us-east-1": "" } } } } } }), header
            + '  images["1.0"].aws.plain.x86_64["us-east-1"]: must not be empty');
    });

    it("refuses an entry that is not an object, null included, as a schema error", () => {
        assert.strictEqual(refusal({ images: { "1.0": { aws: null } } }), header + '  images["1.0"].aws: Invalid input: expected record, received null');
        assert.strictEqual(refusal({ images: { "1.0": { aws: "ami-1" } } }), header + '  images["1.0"].aws: Invalid input: expected record, received string');
        assert.strictEqual(refusal({ images: { "1.0": { aws: [ami] } } }), header + '  images["1.0"].aws: Invalid input: expected record, received array');
    });

    it("says what is wrong with a bad key, and names the top level", () => {
        assert.strictEqual(refusal({ images: { v1: {} } }), header + '  images: key "v1" is not a release version; allowed: MAJOR.MINOR or MAJOR.MINOR.PATCH');
        assert.strictEqual(refusal(null), header + "  (top level): Invalid input: expected object, received null");
        assert.strictEqual(refusal({}), header + "  images: Invalid input: expected record, received undefined");
    });

    it("lists every problem, one a line", () => {
        assert.strictEqual(refusal({ images: { "1.0": { aws: null, gcp: null } } }), header
            + '  images["1.0"].aws: Invalid input: expected record, received null\n  images["1.0"].gcp: Invalid input: expected record, received null');
    });

    it("names its source as outputs when given none", () => {
        assert.throws(() => validateOutputs(null), { name: "OutputsError", message: /^outputs: not the stack outputs:\n/ });
    });
});

describe("parseOutputs", () => {
    it("parses and validates the text", () => {
        assert.deepStrictEqual(parseOutputs('{"images": {"1.0": {}}}', "f.json"), { images: { "1.0": {} } });
    });

    it("names the source of text that is not JSON", () => {
        assert.throws(() => parseOutputs("{", "f.json"), (e: unknown) => {
            assert.ok(e instanceof OutputsError);
            assert.match(e.message, /^f\.json: not JSON: \S/);
            return true;
        });
    });
});

describe("unwrapOutputs", () => {
    it("takes the outputs out of an offline plan", () => {
        assert.deepStrictEqual(unwrapOutputs({ stack: "prod", resources: [], outputs: { images: {} } }), { images: {} });
    });

    it("wraps an images map alone, recognised by its version keys", () => {
        assert.deepStrictEqual(unwrapOutputs({ "1.0": {}, "1.1.2": {} }), { images: { "1.0": {}, "1.1.2": {} } });
    });

    it("leaves the outputs object, an empty object, other keys and non-objects as they are", () => {
        const outputs = { images: { "1.0": {} } };
        assert.strictEqual(unwrapOutputs(outputs), outputs);
        assert.deepStrictEqual(unwrapOutputs({}), {});
        assert.deepStrictEqual(unwrapOutputs({ "1.0": {}, other: 1 }), { "1.0": {}, other: 1 });
        assert.deepStrictEqual(unwrapOutputs({ images: {}, "1.0": {} }), { images: {}, "1.0": {} });
        assert.strictEqual(unwrapOutputs(null), null);
        assert.strictEqual(unwrapOutputs("x"), "x");
        assert.deepStrictEqual(unwrapOutputs([{ resources: 1 }]), [{ resources: 1 }]);
    });
});

describe("formatPath", () => {
    it("names the top level", () => {
        assert.strictEqual(formatPath([]), "(top level)");
    });

    it("joins plain names with dots and brackets the rest", () => {
        assert.strictEqual(formatPath(["images", "9.6", "aws", "x86_64"]), 'images["9.6"].aws.x86_64');
        assert.strictEqual(formatPath(["a", 0, "b"]), "a[0].b");
        assert.strictEqual(formatPath([0, "_x$1", "a b"]), '[0]._x$1["a b"]');
        assert.strictEqual(formatPath(["1a"]), '["1a"]');
        assert.strictEqual(formatPath(["a-b", "c"]), '["a-b"].c');
    });
});

describe("compareStrings", () => {
    it("orders by code unit, upper case before lower case", () => {
        assert.strictEqual(compareStrings("a", "b"), -1);
        assert.strictEqual(compareStrings("b", "a"), 1);
        assert.strictEqual(compareStrings("a", "a"), 0);
        assert.strictEqual(compareStrings("Z", "a"), -1);
    });
});

describe("hasVariantLevel", () => {
    it("is true only for an entry with keys none of which is an architecture", () => {
        assert.strictEqual(hasVariantLevel({ plain: {} }), true);
        assert.strictEqual(hasVariantLevel({ x86_64: {} }), false);
        assert.strictEqual(hasVariantLevel({ arm64: {} }), false);
        assert.strictEqual(hasVariantLevel({ x86_64: {}, plain: {} }), false);
        assert.strictEqual(hasVariantLevel({}), false);
        assert.strictEqual(hasVariantLevel(undefined), false);
    });
});
