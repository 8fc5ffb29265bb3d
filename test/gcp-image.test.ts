import * as assert from "assert";
import { gcpSchema } from "../components/config/schema";
import { Architecture, GcpTarget, Release } from "../components/config/model";
import { GcpImage, GcpImageArgs, gceLabelValue, gceName, imageUsers, rawDiskSource, shieldedState } from "../components/gcp/image";
import { gcpRelease } from "./helpers/release";
import { MockRun, named, ofType, runMocked } from "./mocks";

const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs: () => Promise<void> };

const IMAGE = "gcp:compute/image:Image";
const IAM = "gcp:compute/imageIamMember:ImageIamMember";
const ARM_IMAGE = "pulumi-nodejs:dynamic/gcp:ArmImage";
const DEPRECATION = "pulumi-nodejs:dynamic/gcp:ImageDeprecation";

const release = gcpRelease;

function target(overrides: Record<string, unknown> = {}): GcpTarget {
    return gcpSchema.parse({
        enabled: true,
        project: "images-project",
        family: "{product}-{major}-{arch}",
        guestOsFeatures: ["UEFI_COMPATIBLE", "GVNIC", "SEV_CAPABLE"],
        licenses: ["projects/images-project/global/licenses/flatcar-pro"],
        labels: { team: "OS Images" },
        storageLocations: ["eu"],
        ...overrides,
    });
}

interface Case {
    architecture?: Architecture;
    environment?: "dev" | "prod";
    target?: GcpTarget;
    release?: Release;
    replacement?: string;
}

async function publish(c: Case = {}): Promise<MockRun<{ ids: Record<string, string>; name: string; selfLink: string }>> {
    const environment = c.environment ?? "prod";
    const args: GcpImageArgs = {
        release: c.release ?? release(),
        architecture: c.architecture ?? "x86_64",
        target: c.target ?? target(),
        product: "flatcar",
        imageName: `flatcar-1592.4-${c.architecture ?? "x86_64"}`,
        environment,
        replacement: c.replacement,
    };
    const run = await runMocked(async () => {
        const image = new GcpImage("gcp-1592-4", args);
        return { ids: image.imageIds, name: image.imageName, selfLink: image.selfLink };
    }, { stack: environment }) as unknown as MockRun<{ ids: Record<string, string>; name: string; selfLink: string }>;
    // The component registers its outputs after they resolve; let that reach this run's mocks before the next run replaces them.
    await waitForRPCs();
    return run;
}

describe("GcpImage", () => {
    describe("names", () => {
        it("makes image and family names GCE accepts: lower case, hyphens for dots and underscores, a letter first, at most 63 characters", () => {
            assert.strictEqual(gceName("Flatcar-1592.4-x86_64"), "flatcar-1592-4-x86-64");
            assert.strictEqual(gceName("9.6.20250522_arm64"), "i-9-6-20250522-arm64");
            assert.strictEqual(gceName("--My Image__"), "my-image");
            const long = gceName(`${"a".repeat(70)}-x86_64`);
            assert.strictEqual(long.length, 63);
            assert.match(long, /^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$/);
            assert.notStrictEqual(long, gceName(`${"a".repeat(70)}-arm64`));
            assert.throws(() => gceName("..."), /cannot make a GCE name/);
        });

        it("makes label values GCE accepts", () => {
            assert.strictEqual(gceLabelValue("OS Images"), "os-images");
            assert.strictEqual(gceLabelValue("x86_64"), "x86_64");
            assert.strictEqual(gceLabelValue("1592.4"), "1592-4");
            assert.strictEqual(gceLabelValue("v".repeat(80)).length, 63);
        });

        it("turns a gs:// artifact into the storage.googleapis.com URL rawDisk needs, and keeps https URLs", () => {
            assert.strictEqual(rawDiskSource("gs://images-bucket/dir/flatcar.tar.gz"), "https://storage.googleapis.com/images-bucket/dir/flatcar.tar.gz");
            assert.strictEqual(rawDiskSource("https://storage.googleapis.com/b/o.tar.gz"), "https://storage.googleapis.com/b/o.tar.gz");
        });

        it("maps Secure Boot certificates to X509 entries and leaves out what config does not set", () => {
            assert.deepStrictEqual(shieldedState({ pk: "UEs=", keks: ["S0VL"], dbs: ["REI=", "REIy"], dbxs: [] }), {
                pk: { content: "UEs=", fileType: "X509" },
                keks: [{ content: "S0VL", fileType: "X509" }],
                dbs: [{ content: "REI=", fileType: "X509" }, { content: "REIy", fileType: "X509" }],
            });
            assert.strictEqual(shieldedState(undefined), undefined);
            assert.strictEqual(shieldedState({ keks: [], dbs: [], dbxs: [] }), undefined);
        });
    });

    it("publishes x86_64 through gcp.compute.Image with the config's features, licenses, family, labels and storage", async () => {
        const run = await publish({
            target: target({ secureBoot: { pk: "UEs=", dbs: ["REI="] } }),
        });

        assert.strictEqual(ofType(run, ARM_IMAGE).length, 0);
        const image = named(run, "gcp-1592-4-image");
        assert.strictEqual(image.type, IMAGE);
        assert.strictEqual(image.parent, "gcp-1592-4");
        assert.deepStrictEqual(image.inputs, {
            project: "images-project",
            name: "flatcar-1592-4-x86-64",
            description: "flatcar 1592.4 (x86_64)",
            rawDisk: { source: "https://storage.googleapis.com/images-bucket/flatcar-1592.4-x86_64-gcpimage.tar.gz", containerType: "TAR" },
            family: "flatcar-1592-x86-64",
            guestOsFeatures: [{ type: "UEFI_COMPATIBLE" }, { type: "GVNIC" }, { type: "SEV_CAPABLE" }],
            licenses: ["projects/images-project/global/licenses/flatcar-pro"],
            labels: { team: "os-images", version: "1592-4", arch: "x86_64" },
            storageLocations: ["eu"],
            shieldedInstanceInitialState: { pk: { content: "UEs=", fileType: "X509" }, dbs: [{ content: "REI=", fileType: "X509" }] },
        });
        assert.deepStrictEqual(run.outputs.ids, { global: "projects/images-project/global/images/flatcar-1592-4-x86-64" });
        assert.strictEqual(run.outputs.selfLink, "https://www.googleapis.com/compute/v1/projects/images-project/global/images/flatcar-1592-4-x86-64");
    });

    it("publishes arm64 through the GcpArmImage dynamic resource with architecture ARM64, never through gcp.compute.Image", async () => {
        const run = await publish({ architecture: "arm64" });

        assert.strictEqual(ofType(run, IMAGE).length, 0);
        const image = named(run, "gcp-1592-4-image");
        assert.strictEqual(image.type, ARM_IMAGE);
        assert.strictEqual(image.parent, "gcp-1592-4");
        const { selfLink: _s, imageId: _i, status: _st, creationTimestamp: _c, ...inputs } = image.inputs;
        assert.deepStrictEqual(inputs, {
            project: "images-project",
            name: "flatcar-1592-4-arm64",
            source: "https://storage.googleapis.com/images-bucket/flatcar-1592.4-arm64-gcpimage.tar.gz",
            family: "flatcar-1592-arm64",
            description: "flatcar 1592.4 (arm64)",
            guestOsFeatures: ["UEFI_COMPATIBLE", "GVNIC", "SEV_CAPABLE"],
            licenses: ["projects/images-project/global/licenses/flatcar-pro"],
            labels: { team: "os-images", version: "1592-4", arch: "arm64" },
            storageLocations: ["eu"],
        });
        assert.deepStrictEqual(run.outputs.ids, { global: "projects/images-project/global/images/flatcar-1592-4-arm64" });
        assert.strictEqual(run.outputs.selfLink, "https://www.googleapis.com/compute/v1/projects/images-project/global/images/flatcar-1592-4-arm64");
    });

    it("makes the image public to all authenticated users only in prod with public sharing", async () => {
        const prod = await publish({ environment: "prod", target: target({ sharing: { public: true } }) });
        const grants = ofType(prod, IAM);
        assert.strictEqual(grants.length, 1);
        assert.deepStrictEqual(grants[0].inputs, { project: "images-project", image: "flatcar-1592-4-x86-64", role: "roles/compute.imageUser", member: "allAuthenticatedUsers" });
        assert.strictEqual(grants[0].name, "gcp-1592-4-public");
        assert.deepStrictEqual(grants[0].dependsOn, ["gcp-1592-4-image"]);

        const privateProd = await publish({ environment: "prod", target: target({ sharing: { public: false } }) });
        assert.strictEqual(ofType(privateProd, IAM).length, 0);
    });

    it("never makes anything public in dev, even when config asks for public sharing", async () => {
        for (const architecture of ["x86_64", "arm64"] as const) {
            const run = await publish({ environment: "dev", architecture, target: target({ sharing: { public: true, members: ["group:testers@example.com"] } }) });
            const members = ofType(run, IAM).map((r) => r.inputs.member);
            assert.deepStrictEqual(members, ["group:testers@example.com"]);
        }
        const sharing = { public: true, members: ["allUsers", "allAuthenticatedUsers", "user:a@example.com"] };
        assert.deepStrictEqual(imageUsers(sharing, "dev"), ["user:a@example.com"]);
    });

    it("grants roles/compute.imageUser to each configured member, on the ARM image too", async () => {
        const run = await publish({
            architecture: "arm64",
            target: target({ sharing: { public: true, members: ["user:alice@example.com", "serviceAccount:ci@proj.iam.gserviceaccount.com"] } }),
        });
        const grants = ofType(run, IAM).map((r) => [r.name, r.inputs.member, r.inputs.role, r.inputs.image]);
        assert.deepStrictEqual(grants, [
            ["gcp-1592-4-public", "allAuthenticatedUsers", "roles/compute.imageUser", "flatcar-1592-4-arm64"],
            ["gcp-1592-4-user-user-alice-example-com", "user:alice@example.com", "roles/compute.imageUser", "flatcar-1592-4-arm64"],
            ["gcp-1592-4-user-serviceaccount-ci-proj-iam-gserviceaccount-com", "serviceAccount:ci@proj.iam.gserviceaccount.com", "roles/compute.imageUser", "flatcar-1592-4-arm64"],
        ]);
    });

    it("deprecates a release whose date has passed through images.deprecate at the release's deprecation time, with the replacement", async () => {
        const deprecated = release({ deprecation: { time: "2026-03-01T00:00:00.000Z", date: "2026-03-01", passed: true } });
        const run = await publish({ release: deprecated, replacement: "projects/images-project/global/images/flatcar-1593-0-x86-64" });

        const deprecation = named(run, "gcp-1592-4-deprecation");
        assert.strictEqual(deprecation.type, DEPRECATION);
        assert.deepStrictEqual(deprecation.inputs, {
            state: "DEPRECATED",
            project: "images-project",
            image: "flatcar-1592-4-x86-64",
            deprecated: "2026-03-01T00:00:00.000Z",
            replacement: "projects/images-project/global/images/flatcar-1593-0-x86-64",
        });
        assert.deepStrictEqual(deprecation.dependsOn, ["gcp-1592-4-image"]);
        assert.strictEqual(deprecation.options.ignoreChanges, undefined);
    });

    it("does not deprecate a current release, nor one whose date has not come (GCE would not wait for it)", async () => {
        const run = await publish();
        assert.ok(run.resources.length > 0);
        assert.strictEqual(ofType(run, DEPRECATION).length, 0);
        const dated = await publish({ release: release({ deprecation: { time: "2027-03-31T00:00:00Z", date: "2027-03-31", passed: false } }) });
        assert.ok(dated.resources.length > 0);
        assert.strictEqual(ofType(dated, DEPRECATION).length, 0);
    });

    it("protects the image in prod and not in dev", async () => {
        for (const architecture of ["x86_64", "arm64"] as const) {
            assert.strictEqual(named(await publish({ architecture, environment: "prod" }), "gcp-1592-4-image").options.protect, true);
            assert.strictEqual(named(await publish({ architecture, environment: "dev" }), "gcp-1592-4-image").options.protect, undefined);
        }
    });

    it("puts no credentials in any input or output", async () => {
        const run = await publish({ architecture: "arm64", release: release({ deprecation: { time: "2026-03-01T00:00:00.000Z", date: "2026-03-01", passed: true } }) });
        const everything = JSON.stringify({ resources: run.resources, outputs: run.outputs });
        assert.doesNotMatch(everything, /token|Bearer|private_key|client_secret|password|credentials/i);
        const dynamic = run.resources.filter((x) => x.type === ARM_IMAGE || x.type === DEPRECATION);
        assert.strictEqual(dynamic.length, 2);
        for (const r of dynamic) {
            assert.ok(!("endpoint" in r.inputs) && !("token" in r.inputs), `${r.name} takes no endpoint or token input`);
        }
    });

    it("refuses a release without a GCP artifact for the architecture", async () => {
        const noArm = release({ artifacts: { ...release().artifacts, gcp: { x86_64: { uri: "gs://b/x.tar.gz" } } } });
        await assert.rejects(publish({ architecture: "arm64", release: noArm }), /release 1592.4 has no GCP artifact for arm64/);
    });
});
