import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { gcpSchema } from "../components/config/schema";
import { Architecture, GcpTarget, Release, VariantEntry } from "../components/config/model";
import { GcpImage, GcpImageArgs, gceLabelValue, gceName, imageUsers, rawDiskSource, shieldedState } from "../components/gcp/image";
import { runUnderMocks } from "../tools/mocks";
import { recordingComponentOutputs } from "./helpers/component-outputs";
import { gcpRelease } from "./helpers/release";
import { loadSerialised } from "./helpers/serialise";
import { MockRun, named, ofType } from "./mocks";

const IMAGE = "gcp:compute/image:Image";
const IAM = "gcp:compute/imageIamMember:ImageIamMember";

const release = gcpRelease;

function target(overrides: Record<string, unknown> = {}): GcpTarget {
    return gcpSchema.parse({ enabled: true, project: "images-project", ...overrides });
}

interface Case {
    architecture?: Architecture;
    environment?: "dev" | "prod";
    target?: GcpTarget;
    release?: Release;
    variant?: VariantEntry;
    /** Stack config beside the program's own, namespaced, such as gcp:project. */
    config?: Record<string, string>;
    /** Runs inside the program before the image is made, such as a stack transformation. */
    before?: () => void;
}

interface Published {
    ids: Record<string, string>;
    registered: Record<string, unknown> | undefined;
}

/** Publishes one image under mocks and returns the run with the outputs the component registered. */
function publish(c: Case = {}): Promise<MockRun<Published>> {
    const environment = c.environment ?? "prod";
    const architecture = c.architecture ?? "x86_64";
    const args: GcpImageArgs = {
        release: c.release ?? release(),
        architecture,
        target: c.target ?? target(),
        product: "flatcar",
        imageName: `flatcar-1592.4-${architecture}`,
        environment,
        variant: c.variant,
    };
    return recordingComponentOutputs((registered) => runUnderMocks(async () => {
        c.before?.();
        const image = new GcpImage("gcp-1592-4", args);
        return { ids: image.imageIds, registered: registered.get("gcp-1592-4") };
    }, { stack: environment, config: c.config ?? {} })) as unknown as Promise<MockRun<Published>>;
}

/** The value of an output, secret or not. */
function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply((v) => { resolve(v); return v; }));
}

describe("GcpImage (names and sharing rules)", () => {
    it("collapses each run of characters GCE does not take into one hyphen, in label values, image names and member suffixes", async () => {
        assert.strictEqual(gceLabelValue("OS  Images"), "os-images");
        assert.strictEqual(gceName("Flatcar  1592..4"), "flatcar-1592-4");
        const run = await publish({ target: target({ sharing: { members: ["user:alice..smith@example.com"] } }) });
        assert.deepStrictEqual(ofType(run, IAM).map((r) => r.name), ["gcp-1592-4-user-user-alice-smith-example-com"]);
    });

    it("drops a trailing hyphen from a member's resource-name suffix", async () => {
        const run = await publish({ target: target({ sharing: { members: ["domain:example.com."] } }) });
        assert.deepStrictEqual(ofType(run, IAM).map((r) => [r.name, r.inputs.member]), [["gcp-1592-4-user-domain-example-com", "domain:example.com."]]);
    });

    it("keeps a name of exactly 63 characters as it is, and shortens a longer one to its first 54 characters (trailing hyphens dropped), a hyphen and 8 hex digits", () => {
        const exact = `a${"b".repeat(61)}c`;
        assert.strictEqual(gceName(exact), exact);
        const long = `${"a".repeat(20)}-${"b".repeat(33)}-${"c".repeat(20)}`;
        const shortened = gceName(long);
        assert.match(shortened, new RegExp(`^${"a".repeat(20)}-${"b".repeat(33)}-[0-9a-f]{8}$`));
        const hyphenAt54 = `${"a".repeat(53)}-${"c".repeat(20)}`;
        assert.match(gceName(hyphenAt54), new RegExp(`^${"a".repeat(53)}-[0-9a-f]{8}$`));
    });

    it("reads only gs:// URIs as Cloud Storage objects, not a URL that has gs:// further on", () => {
        assert.strictEqual(rawDiskSource("https://mirror.example.com/gs://images/flatcar.tar.gz"), "https://mirror.example.com/gs://images/flatcar.tar.gz");
    });

    it("maps the Secure Boot forbidden signatures (dbx) to X509 entries", () => {
        assert.deepStrictEqual(shieldedState({ keks: [], dbs: [], dbxs: ["REJY"] }), { dbxs: [{ content: "REJY", fileType: "X509" }] });
    });

    it("grants nothing in prod when sharing is private and lists no members", () => {
        assert.deepStrictEqual(imageUsers({ public: false, members: [] }, "prod"), []);
        assert.deepStrictEqual(imageUsers({ public: false, members: ["group:a@example.com"] }, "prod"), ["group:a@example.com"]);
    });
});

describe("GcpImage (registration)", () => {
    it("takes the project from gcp:project when the target names none", async () => {
        const run = await publish({ target: target({ project: undefined }), config: { "gcp:project": "fallback-project" } });
        assert.strictEqual(named(run, "gcp-1592-4-image").inputs.project, "fallback-project");
        assert.deepStrictEqual(run.outputs.ids, { global: "projects/fallback-project/global/images/flatcar-1592-4-x86-64" });
    });

    it("refuses a target without a project when gcp:project is not set either", async () => {
        await assert.rejects(publish({ target: target({ project: undefined }) }),
            { message: "the GCP target has no project: set gcp.project in the stack config or gcp:project" });
    });

    it("refuses a release without any GCP artifact with a message, not a TypeError", async () => {
        const none = release({ artifacts: { ...release().artifacts, gcp: undefined as unknown as Release["artifacts"]["gcp"] } });
        await assert.rejects(publish({ release: none }), { message: "release 1592.4 has no GCP artifact for x86_64" });
    });

    it("names the variant in the description and in a variant label", async () => {
        const run = await publish({ variant: { name: "Pro_Edition" } });
        const image = named(run, "gcp-1592-4-image");
        assert.strictEqual(image.inputs.description, "flatcar 1592.4 Pro_Edition (x86_64)");
        assert.deepStrictEqual(image.inputs.labels, { version: "1592-4", arch: "x86_64", variant: "pro_edition" });
    });

    it("sends no licenses and no storage locations when config sets none, rather than empty lists", async () => {
        const image = named(await publish(), "gcp-1592-4-image");
        assert.strictEqual(image.type, IMAGE);
        assert.strictEqual(image.inputs.licenses, undefined);
        assert.strictEqual(image.inputs.storageLocations, undefined);
        assert.deepStrictEqual(image.dependsOn, []);
    });

    it("stages an artifact outside Cloud Storage under the image component, and makes the image wait for the copy", async () => {
        const staged = release({ artifacts: { ...release().artifacts, gcp: { x86_64: { uri: "s3://artifacts/flatcar-1592.4-x86_64.tar.gz" } } } });
        const run = await publish({ release: staged, target: target({ stagingBucket: "staging-bucket" }) });
        const staging = named(run, "gcp-1592-4-staging");
        assert.strictEqual(staging.parent, "gcp-1592-4");
        const image = named(run, "gcp-1592-4-image");
        assert.deepStrictEqual(image.dependsOn, ["gcp-1592-4-staging"]);
        assert.deepStrictEqual(image.inputs.rawDisk, { source: "https://storage.googleapis.com/staging-bucket/flatcar-1592.4-x86_64.tar.gz", containerType: "TAR" });
    });

    it("registers its grants and its deprecation under itself, the deprecation deleted with the image", async () => {
        const deprecated = release({ deprecation: { time: "2026-03-01T00:00:00.000Z", date: "2026-03-01", passed: true } });
        const run = await publish({ release: deprecated, target: target({ sharing: { members: ["group:testers@example.com"] } }) });
        assert.strictEqual(named(run, "gcp-1592-4-user-group-testers-example-com").parent, "gcp-1592-4");
        const deprecation = named(run, "gcp-1592-4-deprecation");
        assert.strictEqual(deprecation.parent, "gcp-1592-4");
        assert.strictEqual(deprecation.options.deletedWith, "gcp-1592-4-image");
    });

    it("registers its image IDs, image name and URL as the component's outputs", async () => {
        const run = await publish();
        assert.deepStrictEqual(run.outputs.registered, {
            imageIds: { global: "projects/images-project/global/images/flatcar-1592-4-x86-64" },
            imageName: "flatcar-1592-4-x86-64",
            selfLink: "https://www.googleapis.com/compute/v1/projects/images-project/global/images/flatcar-1592-4-x86-64",
        });
    });

    it("hands Pulumi a serialised provider that can create the ARM image and the deprecation", async () => {
        const providers: Record<string, pulumi.Output<string>> = {};
        const capture = () => pulumi.runtime.registerStackTransformation((args) => {
            const provider = (args.props as Record<string, unknown>).__provider;
            if (provider !== undefined) {
                providers[args.name] = provider as pulumi.Output<string>;
            }
            return undefined;
        });
        const deprecated = release({ deprecation: { time: "2026-03-01T00:00:00.000Z", date: "2026-03-01", passed: true } });
        await publish({ architecture: "arm64", release: deprecated, before: capture });
        assert.deepStrictEqual(Object.keys(providers).sort(), ["gcp-1592-4-deprecation", "gcp-1592-4-image"]);
        for (const [name, text] of Object.entries(providers)) {
            const provider = loadSerialised<{ create?: unknown; delete?: unknown } | undefined>(await valueOf(text));
            assert.strictEqual(typeof provider?.create, "function", `${name}'s provider creates`);
        }
    });
});
