import * as assert from "assert";
import { validateConfig } from "../components/config";
import { baseConfig } from "./fixtures/config";
import { refuses } from "./helpers/config-problems";

function aliConfig(): Record<string, any> {
    const c = baseConfig();
    c.alicloud = { enabled: true, sourceRegion: "eu-central-1", regions: ["eu-central-1"], image: {} };
    c.releases[0].artifacts.alicloud = "oss://artifacts/{version}/{product}-{version}-{arch}.qcow2";
    return c;
}

describe("Stack config for AliCloud", () => {
    it("takes the boot modes ImportImage takes, BIOS and UEFI", () => {
        const c = aliConfig();
        c.releases[0].architectures = ["x86_64"];
        c.alicloud.image.bootMode = "BIOS";
        assert.strictEqual(validateConfig(c).config.alicloud.image.bootMode, "BIOS");
        assert.strictEqual(validateConfig(aliConfig()).config.alicloud.image.bootMode, "UEFI");
    });

    it("refuses another boot mode, such as UEFI-Preferred", () => {
        const c = aliConfig();
        c.alicloud.image.bootMode = "UEFI-Preferred";
        refuses(c, "image-publisher:alicloud.image.bootMode", /is not a boot mode ImportImage takes; allowed: BIOS or UEFI/);
    });

    it("refuses BIOS when a release ships arm64, since ImportImage takes arm64 only with UEFI", () => {
        const c = aliConfig();
        c.alicloud.image.bootMode = "BIOS";
        refuses(c, "image-publisher:alicloud.image.bootMode", /cannot import arm64 \(release 1\.0 ships arm64\), since ImportImage takes arm64 only with UEFI; allowed: UEFI/);
    });
});
