import * as assert from "assert";
import { compareVersions, hasVariants, validateOutputs, variantEntries, versionsNewestFirst } from "../components/outputs";

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
        assert.strictEqual(hasVariants(validateOutputs({
            images: {}, marketplace: { "2.0": { aws: { "sev-snp": { x86_64: { productId: "p", changeSetId: "c", status: "SUCCEEDED" } } } } },
        })), true);
    });
});
