import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { gcpSchema } from "../components/config/schema";
import { Release, StackConfig, VariantEntry } from "../components/config/model";
import { GcpPublisher, successorOf } from "../components/gcp/publisher";
import { runUnderMocks } from "../tools/mocks";
import { releaseIn } from "./helpers/release";
import { named, ofType } from "./mocks";

const DEPRECATION = "pulumi-nodejs:dynamic/gcp:ImageDeprecation";
const passed = { time: "2026-03-01T00:00:00.000Z", date: "2026-03-01", passed: true };
const dated = { time: "2027-03-01T00:00:00.000Z", date: "2027-03-01", passed: false };

function release(version: string, overrides: Partial<Release> = {}): Release {
    return releaseIn("gcp", version, {
        x86_64: { uri: `gs://images-bucket/acmelinux-${version}-x86_64.tar.gz` },
        arm64: { uri: `gs://images-bucket/acmelinux-${version}-arm64.tar.gz` },
    }, overrides);
}

function config(gcp: Record<string, unknown> = { project: "images-project" }, naming = "{product}-{version}-{arch}"): StackConfig {
    return {
        product: { name: "acmelinux" }, environment: "prod", naming: { image: naming },
        gcp: gcpSchema.parse({ enabled: true, ...gcp }),
    } as unknown as StackConfig;
}

/** Publishes `published` of `releases` through a GcpPublisher under mocks, as stack prod; returns the replacement its deprecation names, if any. */
async function replacementOf(c: StackConfig, releases: Release[], published: Release, variant?: VariantEntry, stackConfig: Record<string, string> = {}) {
    const run = await runUnderMocks(() => {
        const publisher = new GcpPublisher(c, releases);
        publisher.setUp();
        const parent = new pulumi.ComponentResource("test:index:Release", `release-${published.version}`);
        const image = publisher.image(`release-${published.version}-gcp-x86_64`, {
            release: published, architecture: "x86_64", imageName: `acmelinux-${published.version}-x86_64`, variant,
        }, parent);
        return { ids: image.imageIds };
    }, { stack: "prod", config: stackConfig });
    const deprecations = ofType(run, DEPRECATION);
    return { run, deprecations, replacement: deprecations[0]?.inputs.replacement };
}

describe("GcpPublisher", () => {
    it("is the gcp cloud, with nothing to check or set up before the images", async () => {
        const publisher = new GcpPublisher(config(), []);
        assert.strictEqual(publisher.cloud, "gcp");
        await publisher.preflight();
    });

    it("registers each image under the given parent, with the stack's product and environment, and returns its image IDs", async () => {
        const { run } = await replacementOf(config({ project: "images-project", labels: { team: "OS" } }), [release("1.0")], release("1.0"));
        const image = named(run, "release-1.0-gcp-x86_64");
        assert.strictEqual(image.type, "image-publisher:gcp:Image");
        assert.strictEqual(image.parent, "release-1.0");
        const created = named(run, "release-1.0-gcp-x86_64-image");
        assert.strictEqual(created.inputs.description, "acmelinux 1.0 (x86_64)");
        assert.deepStrictEqual(created.inputs.labels, { team: "os", version: "1-0", arch: "x86_64" });
        assert.strictEqual(created.options.protect, true);
        assert.deepStrictEqual(run.outputs.ids, { global: "projects/images-project/global/images/acmelinux-1-0-x86-64" });
    });

    it("uses a variant's guest OS features in place of the stack's", async () => {
        const { run } = await replacementOf(config({ project: "images-project", guestOsFeatures: ["UEFI_COMPATIBLE"] }, "{product}-{version}-{variant}-{arch}"),
            [release("1.0")], release("1.0"), { name: "tdx", gcp: { guestOsFeatures: ["UEFI_COMPATIBLE", "TDX_CAPABLE"] } });
        assert.deepStrictEqual(named(run, "release-1.0-gcp-x86_64-image").inputs.guestOsFeatures, [{ type: "UEFI_COMPATIBLE" }, { type: "TDX_CAPABLE" }]);
    });

    it("names as a deprecated image's replacement the same architecture's image of the newest live release, named by the naming template", async () => {
        const releases = [release("1.0", { deprecation: passed }), release("1.3"), release("1.1"), release("1.2")];
        const { replacement } = await replacementOf(config(undefined, "{product}-{cloud}-{version}-{arch}"), releases, releases[0]);
        assert.strictEqual(replacement, "https://www.googleapis.com/compute/v1/projects/images-project/global/images/acmelinux-gcp-1-3-x86-64");
    });

    it("passes over newer releases that are deprecated too, but not one whose deprecation date has not come", async () => {
        const releases = [release("1.0", { deprecation: passed }), release("1.1", { deprecation: dated }), release("1.2", { deprecation: passed })];
        const { replacement } = await replacementOf(config(), releases, releases[0]);
        assert.strictEqual(replacement, "https://www.googleapis.com/compute/v1/projects/images-project/global/images/acmelinux-1-1-x86-64");
    });

    it("names no replacement when no live release is newer", async () => {
        const releases = [release("1.0"), release("1.1", { deprecation: passed })];
        const { deprecations, replacement } = await replacementOf(config(), releases, releases[1]);
        assert.strictEqual(deprecations.length, 1);
        assert.strictEqual(replacement, undefined);
    });

    it("names a variant's replacement among the releases published in that variant, with the variant in the name", async () => {
        const naming = "{product}-{version}-{variant}-{arch}";
        const releases = [release("1.0", { deprecation: passed }), release("1.1"), release("1.2", { variants: ["lts"] }), release("1.3", { variants: ["edge"] })];
        const lts = await replacementOf(config(undefined, naming), releases, releases[0], { name: "lts" });
        assert.strictEqual(lts.replacement, "https://www.googleapis.com/compute/v1/projects/images-project/global/images/acmelinux-1-2-lts-x86-64");
        const pro = await replacementOf(config(undefined, naming), releases, releases[0], { name: "pro" });
        assert.strictEqual(pro.replacement, "https://www.googleapis.com/compute/v1/projects/images-project/global/images/acmelinux-1-1-pro-x86-64");
    });

    it("names no replacement when the stack config's GCP block has no project", async () => {
        const releases = [release("1.0", { deprecation: passed }), release("1.1")];
        const { deprecations, replacement } = await replacementOf(config({}), releases, releases[0], undefined, { "gcp:project": "fallback-project" });
        assert.strictEqual(deprecations.length, 1);
        assert.strictEqual(deprecations[0].inputs.project, "fallback-project");
        assert.strictEqual(replacement, undefined);
    });
});

describe("successorOf", () => {
    it("is the newest release newer than this one that is not deprecated", () => {
        const releases = [release("1.1"), release("1.10"), release("1.9"), release("1.2", { deprecation: passed })];
        assert.strictEqual(successorOf(release("1.0"), releases)?.version, "1.10");
    });

    it("is no release of the same version or older", () => {
        assert.strictEqual(successorOf(release("1.1"), [release("1.0"), release("1.1")]), undefined);
        assert.strictEqual(successorOf(release("1.1"), []), undefined);
    });

    it("counts a release whose deprecation date has not come as live", () => {
        assert.strictEqual(successorOf(release("1.0"), [release("1.1", { deprecation: dated })])?.version, "1.1");
    });
});
