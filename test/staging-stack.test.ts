import * as assert from "assert";
import { ConfigError, validateConfig } from "../components/config";
import { needsStaging, stagedLocation } from "../components/staging/location";
import { publish } from "../stacks/program";
import { main } from "../tools/plan";
import { ProgramError } from "../tools/mocks";
import { baseConfig } from "./fixtures/config";
import { runMocked } from "./mocks";

const EXAMPLE = "examples/Pulumi.s3-artifacts.yaml";
const SHA = "3f786850e387550fdab836ed7e6dc881de23001b3f786850e387550fdab836ed";

interface PlannedResource {
    type: string;
    name: string;
    parent: string | null;
    provider: string | null;
    inputs: Record<string, any>;
    dependsOn: string[];
}

async function planJson(...argv: string[]): Promise<{ code: number; resources: PlannedResource[]; err: string }> {
    let out = "";
    let err = "";
    const code = await main([...argv, "--format", "json", "--now", "2026-12-01"], { out: (t) => { out += t; }, err: (t) => { err += t; } });
    return { code, resources: code === 0 ? JSON.parse(out).resources : [], err };
}

/** A prod config with GCP and AliCloud on, both fed from S3. */
function s3Config(gcpBucket?: string, aliBuckets?: Record<string, string>): Record<string, any> {
    const c = baseConfig("prod");
    c.releases[0].artifacts.gcp = "s3://artifacts/{version}/{product}-{version}-{arch}-gcpimage.tar.gz";
    c.releases[0].artifacts.alicloud = "s3://artifacts/{version}/{product}-{version}-{arch}.qcow2";
    c.gcp = { enabled: true, project: "test-project", ...(gcpBucket ? { stagingBucket: gcpBucket } : {}) };
    c.alicloud = { enabled: true, sourceRegion: "eu-central-1", regions: ["eu-central-1"], ...(aliBuckets ? { stagingBucket: aliBuckets } : {}) };
    return c;
}

function problemsOf(config: Record<string, unknown>): { path: string; value?: unknown; message: string }[] {
    try {
        validateConfig(config);
    } catch (error) {
        assert.ok(error instanceof ConfigError, String(error));
        return error.problems;
    }
    return assert.fail("the config was accepted");
}

describe("Staging artifacts from S3 or HTTPS", () => {
    describe("where a staged copy goes", () => {
        it("stages what the import cannot read where it is, and nothing else", () => {
            assert.strictEqual(needsStaging("gcp", "gs://b/a.tar.gz"), false);
            assert.strictEqual(needsStaging("gcp", "https://storage.googleapis.com/b/a.tar.gz"), false);
            assert.strictEqual(needsStaging("gcp", "s3://b/a.tar.gz"), true);
            assert.strictEqual(needsStaging("gcp", "https://downloads.example.org/a.tar.gz"), true);
            assert.strictEqual(needsStaging("alicloud", "oss://b/a.qcow2"), false);
            assert.strictEqual(needsStaging("alicloud", "s3://b/a.qcow2"), true);
            assert.strictEqual(needsStaging("alicloud", "https://downloads.example.org/a.qcow2"), true);
        });

        it("keeps the source's key, so the file name and its format stay, and drops a presigned query", () => {
            assert.deepStrictEqual(stagedLocation("gcp", "s3://artifacts/1.0/x-gcpimage.tar.gz", "stage"),
                { store: "gcs", bucket: "stage", key: "1.0/x-gcpimage.tar.gz", uri: "gs://stage/1.0/x-gcpimage.tar.gz" });
            assert.deepStrictEqual(stagedLocation("alicloud", "https://h.example.org/builds/1.0/x.qcow2?X-Amz-Signature=abc", "stage-eu"),
                { store: "oss", bucket: "stage-eu", key: "builds/1.0/x.qcow2", uri: "oss://stage-eu/builds/1.0/x.qcow2" });
        });
    });

    describe("config", () => {
        it("accepts s3:// GCP and AliCloud artifacts when a staging bucket is set for GCP and for AliCloud's source region", () => {
            const { config, releases } = validateConfig(s3Config("test-staging", { "eu-central-1": "test-staging-eu" }));
            assert.strictEqual(config.gcp.stagingBucket, "test-staging");
            assert.deepStrictEqual(config.alicloud.stagingBucket, { "eu-central-1": "test-staging-eu" });
            assert.strictEqual(releases[0].artifacts.gcp.x86_64?.uri, "s3://artifacts/1.0/testlinux-1.0-x86_64-gcpimage.tar.gz");
        });

        it("refuses s3:// GCP and AliCloud artifacts without a staging bucket, naming the artifact and what is allowed", () => {
            const found = problemsOf(s3Config(undefined, { "eu-west-1": "test-staging-west" }));
            assert.deepStrictEqual(found, [
                {
                    path: "image-publisher:releases[0].artifacts.gcp",
                    value: "s3://artifacts/{version}/{product}-{version}-{arch}-gcpimage.tar.gz",
                    message: "cannot be imported where it is: GCE imports only from Cloud Storage; allowed: gs:// or https://storage.googleapis.com/ URIs, "
                        + "or set gcp.stagingBucket to copy it there first",
                },
                {
                    path: "image-publisher:releases[0].artifacts.alicloud",
                    value: "s3://artifacts/{version}/{product}-{version}-{arch}.qcow2",
                    message: "cannot be imported where it is: ECS imports only from OSS in the import region (eu-central-1); allowed: oss:// URIs, "
                        + "or set alicloud.stagingBucket.eu-central-1 to an OSS bucket in that region to copy it there first",
                },
            ]);
        });

        it("refuses an https:// GCP artifact outside Cloud Storage without a staging bucket, and still takes one inside it", () => {
            const c = s3Config(undefined, { "eu-central-1": "test-staging-eu" });
            c.releases[0].artifacts.gcp = { x86_64: "https://storage.googleapis.com/b/x.tar.gz", arm64: "https://downloads.example.org/arm64.tar.gz" };
            const found = problemsOf(c);
            assert.deepStrictEqual(found.map((p) => [p.path, p.value]), [["image-publisher:releases[0].artifacts.gcp.arm64", "https://downloads.example.org/arm64.tar.gz"]]);
            c.releases[0].artifacts.gcp.arm64 = "gs://b/arm64.tar.gz";
            assert.doesNotThrow(() => validateConfig(c));
        });

        it("refuses malformed staging bucket names and a staging region that is not in the catalogue", () => {
            const found = problemsOf(s3Config("Not_A_Bucket!", { "eu-centrl-1": "-bad-" }));
            const at = (path: string) => found.find((p) => p.path === path);
            assert.match(at("image-publisher:gcp.stagingBucket")?.message ?? "", /is not a Cloud Storage bucket name; allowed: 3-63 lower-case letters/);
            assert.match(at("image-publisher:alicloud.stagingBucket.eu-centrl-1")?.message ?? "", /is not an OSS bucket name; allowed: 3-63 lower-case letters, digits and '-'/);
            const region = problemsOf(s3Config("test-staging", { "eu-central-1": "test-staging-eu", "eu-centrl-1": "test-staging-typo" }));
            assert.deepStrictEqual(region.map((p) => [p.path, p.value]), [["image-publisher:alicloud.stagingBucket.eu-centrl-1", "eu-centrl-1"]]);
            assert.match(region[0].message, /did you mean eu-central-1\?/);
        });

        it("refuses a scheme that the cloud can neither import nor stage", () => {
            const c = s3Config("test-staging", { "eu-central-1": "test-staging-eu" });
            c.releases[0].artifacts.alicloud = "gs://artifacts/{arch}.qcow2";
            const found = problemsOf(c);
            assert.match(found.find((p) => p.path === "image-publisher:releases[0].artifacts.alicloud")?.message ?? "",
                /allowed: oss:\/\/ or s3:\/\/ or https:\/\/ URIs/);
        });

        it("registers nothing when a staging bucket is missing", async () => {
            await assert.rejects(runMocked(() => publish(), { stack: "prod", config: s3Config() }), (error: ProgramError) => {
                assert.match(error.message, /image-publisher:releases\[0\]\.artifacts\.gcp: .* or set gcp\.stagingBucket/);
                assert.deepStrictEqual(error.registered, []);
                return true;
            });
        });
    });

    describe("the plan of a stack fed from S3", () => {
        let resources: PlannedResource[];
        before(async () => {
            const planned = await planJson("--stack", "dev", "--config", EXAMPLE);
            assert.strictEqual(planned.code, 0, planned.err);
            resources = planned.resources;
        });
        const named = (name: string) => {
            const found = resources.find((r) => r.name === name);
            assert.ok(found, `no ${name} in the plan`);
            return found;
        };
        const position = (name: string) => resources.findIndex((r) => r.name === name);

        it("stages each GCP artifact into gcp.stagingBucket, then imports the staged object after the copy", () => {
            const staging = named("release-1592.4-gcp-x86_64-staging");
            assert.strictEqual(staging.parent, "release-1592.4-gcp-x86_64");
            assert.deepStrictEqual(staging.inputs, {
                bucket: "acmelinux-dev-staging",
                key: "1592.4/acmelinux-1592.4-x86_64-gcpimage.tar.gz",
                sha256: SHA,
                source: "s3://acmelinux-dev-artifacts/1592.4/acmelinux-1592.4-x86_64-gcpimage.tar.gz",
                store: "gcs",
            });
            const image = named("release-1592.4-gcp-x86_64-image");
            assert.strictEqual(image.inputs.rawDisk.source, "https://storage.googleapis.com/acmelinux-dev-staging/1592.4/acmelinux-1592.4-x86_64-gcpimage.tar.gz");
            assert.deepStrictEqual(image.dependsOn, ["release-1592.4-gcp-x86_64-staging"]);
            assert.ok(position("release-1592.4-gcp-x86_64-staging") < position("release-1592.4-gcp-x86_64-image"));

            const arm = named("release-1592.4-gcp-arm64-image");
            assert.strictEqual(arm.type, "pulumi-nodejs:dynamic/gcp:ArmImage");
            assert.strictEqual(arm.inputs.source, "https://storage.googleapis.com/acmelinux-dev-staging/1592.4/acmelinux-1592.4-arm64-gcpimage.tar.gz");
            assert.deepStrictEqual(arm.dependsOn, ["release-1592.4-gcp-arm64-staging"]);
            assert.strictEqual(named("release-1592.4-gcp-arm64-staging").inputs.sha256, undefined);
        });

        it("stages each AliCloud artifact into the source region's OSS bucket, then imports it from there after the copy", () => {
            const staging = named("release-1592.4-alicloud-x86_64-staging");
            assert.deepStrictEqual(staging.inputs, {
                bucket: "acmelinux-dev-staging-eu-central-1",
                key: "1592.4/acmelinux-1592.4-x86_64.qcow2",
                region: "eu-central-1",
                source: "s3://acmelinux-dev-artifacts/1592.4/acmelinux-1592.4-x86_64.qcow2",
                store: "oss",
            });
            const imported = named("release-1592.4-alicloud-x86_64-import");
            assert.deepStrictEqual(imported.inputs.diskDeviceMappings, [{
                diskImageSize: 20, format: "qcow2", ossBucket: "acmelinux-dev-staging-eu-central-1", ossObject: "1592.4/acmelinux-1592.4-x86_64.qcow2",
            }]);
            assert.deepStrictEqual(imported.dependsOn, ["release-1592.4-alicloud-x86_64-staging"]);
            assert.ok(position("release-1592.4-alicloud-x86_64-staging") < position("release-1592.4-alicloud-x86_64-import"));

            const arm = named("release-1592.4-alicloud-arm64-import");
            assert.strictEqual(arm.type, "pulumi-nodejs:dynamic/alicloud:ImportImage");
            assert.strictEqual(arm.inputs.ossBucket, "acmelinux-dev-staging-eu-central-1");
            assert.strictEqual(arm.inputs.ossObject, "1592.4/acmelinux-1592.4-arm64.qcow2");
            assert.deepStrictEqual(arm.dependsOn, ["release-1592.4-alicloud-arm64-staging"]);
        });

        it("registers one staging copy per cloud and architecture, and none for artifacts the import reads in place", async () => {
            const staged = resources.filter((r) => r.type === "pulumi-nodejs:dynamic/staging:StagedArtifact").map((r) => r.name).sort();
            assert.deepStrictEqual(staged, [
                "release-1592.4-alicloud-arm64-staging", "release-1592.4-alicloud-x86_64-staging",
                "release-1592.4-gcp-arm64-staging", "release-1592.4-gcp-x86_64-staging",
            ]);
            const dev = await planJson("--stack", "dev");
            assert.strictEqual(dev.code, 0, dev.err);
            assert.deepStrictEqual(dev.resources.filter((r) => r.type === "pulumi-nodejs:dynamic/staging:StagedArtifact"), []);
        });
    });
});
