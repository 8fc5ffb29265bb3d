import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../tools/policy-config";

/** Runs the command; returns its exit code and what it printed. */
function run(argv: string[]): { code: number; out: string; err: string } {
    let out = "";
    let err = "";
    const code = main(argv, { out: (t) => { out += t; }, err: (t) => { err += t; } });
    return { code, out, err };
}

describe("policy-config", () => {
    it("prints the protect-prod-images config with the releases marked retire or unpublish", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-config-"));
        const file = path.join(dir, "Pulumi.prod.yaml");
        fs.writeFileSync(file, [
            "config:",
            "  image-publisher:environment: prod",
            "  image-publisher:releases:",
            "    - version: \"1.0\"",
            "      retire: true",
            "    - version: \"1.1\"",
            "    - version: \"1.2\"",
            "      unpublish: true",
            "    - version: \"1.3\"",
            "      retire: false",
        ].join("\n"));
        const { code, out } = run(["--stack", "prod", "--config", file]);
        assert.equal(code, 0);
        assert.deepEqual(JSON.parse(out), { "protect-prod-images": { leavingReleases: ["1.0", "1.2"] } });
    });

    it("prints an empty list for the committed prod stack, which retires nothing", () => {
        const { code, out } = run(["--stack", "prod"]);
        assert.equal(code, 0);
        assert.deepEqual(JSON.parse(out), { "protect-prod-images": { leavingReleases: [] } });
    });

    it("exits 2 with the usage without --stack, and 1 naming a file it cannot read", () => {
        assert.equal(run([]).code, 2);
        assert.match(run([]).err, /--stack is required\nUsage:/);
        const missing = run(["--stack", "prod", "--config", "/nonexistent/Pulumi.prod.yaml"]);
        assert.equal(missing.code, 1);
        assert.match(missing.err, /^\/nonexistent\/Pulumi\.prod\.yaml: /);
    });
});
