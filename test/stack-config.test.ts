import * as assert from "assert";
import { parseStackConfig } from "../tools/stack-config";

describe("Reading Pulumi.<stack>.yaml for the offline plan", () => {
    it("puts keys without a namespace in the project's, keeps other namespaces, and writes structured values as JSON", () => {
        const { values, secretKeys } = parseStackConfig([
            "config:",
            "  environment: dev",
            "  aws:region: eu-central-1",
            "  image-publisher:releases:",
            "    - version: \"1.0\"",
            "      deprecated: true",
        ].join("\n"), "Pulumi.dev.yaml");
        assert.deepStrictEqual(values, {
            "image-publisher:environment": "dev",
            "aws:region": "eu-central-1",
            "image-publisher:releases": "[{\"version\":\"1.0\",\"deprecated\":true}]",
        });
        assert.deepStrictEqual(secretKeys, []);
    });

    it("never decrypts a secure value: it becomes [secret] and its key is marked secret", () => {
        const { values, secretKeys } = parseStackConfig([
            "config:",
            "  image-publisher:token:",
            "    secure: AAABAFd0cmFwcGVk",
            "  image-publisher:secrets:",
            "    openstack:",
            "      lab:",
            "        password:",
            "          secure: AAABAHBhc3N3b3Jk",
        ].join("\n"), "Pulumi.prod.yaml");
        assert.strictEqual(values["image-publisher:token"], "[secret]");
        assert.strictEqual(values["image-publisher:secrets"], "{\"openstack\":{\"lab\":{\"password\":\"[secret]\"}}}");
        assert.deepStrictEqual(secretKeys.sort(), ["image-publisher:secrets", "image-publisher:token"]);
        assert.ok(!JSON.stringify(values).includes("AAAB"));
    });

    it("names the file when it is not YAML", () => {
        assert.throws(() => parseStackConfig("config: [unclosed", "Pulumi.bad.yaml"), /^Error: Pulumi\.bad\.yaml: not valid YAML/);
    });
});
