import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseOutputs, validateOutputs } from "../components/outputs";
import { renderSummary } from "../tools/notify";

const constellation = parseOutputs(fs.readFileSync(path.join(__dirname, "fixtures", "outputs-variants.json"), "utf8"), "outputs-variants.json");

describe("notify: the release summary with variants", () => {
    it("gives each variant of a cloud its own line, named, with its architectures, regions and IDs", () => {
        const text = renderSummary(constellation, { versions: ["2.20.1"], title: "Constellation" });
        assert.match(text, /^Constellation: 2\.20\.1\n\n2\.20\.1\n- AWS nitro-tpm: x86_64 in 2 regions\n {2}- x86_64: eu-central-1 `ami-0c20e00000000n001`, us-east-1 `ami-0c20000000000n001`\n- AWS sev-snp: x86_64 in 3 regions\n {2}- x86_64: eu-central-1 `ami-0c20e00000000s001`, eu-west-1 `ami-0c20w00000000s001`, us-east-1 `ami-0c20000000000s001`\n- Azure cvm: x86_64 in 2 regions\n {2}- x86_64: `\/subscriptions\/[^`]+\/constellation-cvm\/versions\/2\.20\.1` \(all 2 regions\)\n/);
    });

    it("names the variant of each community ID and of each marketplace listing", () => {
        const text = renderSummary(constellation, { versions: ["2.20.1"] });
        assert.match(text, /\n- Azure community cvm x86_64: `\/CommunityGalleries\/constellation-cvm-[^`]+\/Images\/constellation-cvm\/Versions\/2\.20\.1`\n/);
        assert.match(text, /\n- AWS Marketplace: sev-snp x86_64 SUCCEEDED \(`prod-sevsnpexample01`, change set `cs-sevsnpexample0001`\)\n/);
        assert.match(text, /\n- Azure Marketplace: cvm x86_64 live \(`constellation\/constellation-cvm`, job completed\)$/);
    });

    it("describes a release from before variants beside one with them, each in its own shape", () => {
        const outputs = validateOutputs({
            images: { "2.0": { aws: { "sev-snp": { x86_64: { "us-east-1": "ami-v" } } } }, "1.0": { aws: { x86_64: { "us-east-1": "ami-p" } } } },
        });
        assert.equal(renderSummary(outputs), [
            "Image release: 2.0, 1.0",
            "",
            "2.0",
            "- AWS sev-snp: x86_64 in 1 region",
            "  - x86_64: `ami-v` (us-east-1)",
            "",
            "1.0",
            "- AWS: x86_64 in 1 region",
            "  - x86_64: `ami-p` (us-east-1)",
        ].join("\n"));
    });
});
