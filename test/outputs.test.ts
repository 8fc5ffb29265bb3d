import * as assert from "assert";
import { compareVersions, validateOutputs, versionsNewestFirst } from "../components/outputs";

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
