import * as assert from "assert";
import { validateConfig } from "../components/config";
import { publish } from "../stacks/program";
import { ProgramError } from "../tools/mocks";
import { baseConfig } from "./fixtures/config";
import { refuses } from "./helpers/config-problems";
import { runMocked } from "./mocks";

function gcpConfig(): Record<string, any> {
    const c = baseConfig();
    c.gcp = { enabled: true, project: "test-project" };
    c.releases[0].artifacts.gcp = "gs://artifacts/{version}/{product}-{version}-{arch}-gcpimage.tar.gz";
    return c;
}

describe("Stack config for GCP", () => {
    it("takes one storage location, written alone or as a list of one", () => {
        const alone = gcpConfig();
        alone.gcp.storageLocations = "eu";
        assert.deepStrictEqual(validateConfig(alone).config.gcp.storageLocations, ["eu"]);
        const list = gcpConfig();
        list.gcp.storageLocations = ["us"];
        assert.deepStrictEqual(validateConfig(list).config.gcp.storageLocations, ["us"]);
        assert.deepStrictEqual(validateConfig(gcpConfig()).config.gcp.storageLocations, []);
    });

    it("refuses more than one storage location, since an image is stored in one", () => {
        const c = gcpConfig();
        c.gcp.storageLocations = ["eu", "us", "asia"];
        refuses(c, "image-publisher:gcp.storageLocations", /names more than one storage location; allowed: one location/);
    });

    it("accepts an https artifact on storage.googleapis.com", () => {
        const c = gcpConfig();
        c.releases[0].artifacts.gcp = "https://storage.googleapis.com/artifacts/{version}/{arch}-gcpimage.tar.gz";
        assert.strictEqual(validateConfig(c).releases[0].artifacts.gcp.arm64?.uri, "https://storage.googleapis.com/artifacts/1.0/arm64-gcpimage.tar.gz");
    });

    it("refuses an https artifact on another host, naming the host and what is allowed", () => {
        const c = gcpConfig();
        c.releases[0].artifacts.gcp = "https://downloads.example.com/{version}/{arch}-gcpimage.tar.gz";
        refuses(c, "image-publisher:releases[0].artifacts.gcp",
            /is on downloads\.example\.com, and Compute Engine reads an image's raw disk only from Cloud Storage; allowed: gs:\/\/bucket\/object or https:\/\/storage\.googleapis\.com\/bucket\/object/);
        const perArch = gcpConfig();
        perArch.releases[0].artifacts.gcp = {
            x86_64: "gs://artifacts/x86-gcpimage.tar.gz",
            arm64: { uri: "https://mirror.example.org/arm64-gcpimage.tar.gz", sha256: "a".repeat(64) },
        };
        refuses(perArch, "image-publisher:releases[0].artifacts.gcp.arm64", /is on mirror\.example\.org/);
    });

    it("registers nothing when a GCP rule is broken", async () => {
        const c = gcpConfig();
        c.gcp.storageLocations = ["eu", "us"];
        await assert.rejects(runMocked(() => publish(), { stack: "prod", config: c }), (error: ProgramError) => {
            assert.match(error.message, /image-publisher:gcp\.storageLocations: \["eu","us"\] names more than one storage location/);
            assert.deepStrictEqual(error.registered, []);
            return true;
        });
    });
});
