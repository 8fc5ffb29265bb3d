import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { lifecycleOptions, releaseTransformation, settingsInputs } from "../components/lifecycle";
import { replacementTable, replacesAt } from "../tools/plan-replacements";
import { publish } from "../stacks/program";
import { baseConfig } from "./fixtures/config";
import { runMocked } from "./mocks";

describe("Release lifecycle options", () => {
    it("protects a published release in prod, and nothing in dev", () => {
        assert.deepStrictEqual(lifecycleOptions({}, "prod"), { protect: true });
        assert.deepStrictEqual(lifecycleOptions({ lifecycle: "published" }, "prod"), { protect: true });
        assert.deepStrictEqual(lifecycleOptions({}, "dev"), {});
    });

    it("unprotects a retired release and retains it on delete, in either environment", () => {
        assert.deepStrictEqual(lifecycleOptions({ lifecycle: "retired" }, "prod"), { protect: false, retainOnDelete: true });
        assert.deepStrictEqual(lifecycleOptions({ lifecycle: "retired" }, "dev"), { protect: false, retainOnDelete: true });
    });

    it("unprotects an unpublished release and retains nothing", () => {
        assert.deepStrictEqual(lifecycleOptions({ lifecycle: "unpublished" }, "prod"), { protect: false, retainOnDelete: false });
    });
});

describe("Stack-wide settings a published release keeps", () => {
    for (const [type, paths] of Object.entries(settingsInputs)) {
        it(`lists only inputs of ${type} that force replacement, as tools/plan-replacement-table.json says`, () => {
            assert.ok(type in replacementTable, `${type} is in the replacement table`);
            assert.deepStrictEqual(paths.filter((p) => !replacesAt(type, p)), []);
        });
    }

    it("never keeps an input that comes from the release's own artifact, so a new artifact still replaces", () => {
        assert.ok(!settingsInputs["aws:ebs/snapshotImport:SnapshotImport"].includes("diskContainer"));
        assert.ok(!settingsInputs["aws:ec2/ami:Ami"].includes("ebsBlockDevices"), "only the size and device name, never the snapshot ID");
        assert.ok(!settingsInputs["gcp:compute/image:Image"].includes("rawDisk"));
        assert.ok(!settingsInputs["openstack:images/image:Image"].includes("imageSourceUrl"));
        assert.ok(!settingsInputs["pulumi-nodejs:dynamic/azure:VhdBlob"].includes("sourceUrl"));
    });
});

describe("releaseTransformation", () => {
    /** A resource object that is a custom resource to `instanceof`, without registering anything. */
    const customResource = Object.create(pulumi.CustomResource.prototype) as pulumi.Resource;
    const transform = (
        release: Parameters<typeof releaseTransformation>[0], type: string, opts: pulumi.ResourceOptions, resource = customResource,
    ) => releaseTransformation(release, "prod")({ resource, type, name: "r", props: { a: 1 }, opts });

    it("leaves component resources alone: only custom resources get the release's options", () => {
        const component = Object.create(pulumi.ComponentResource.prototype) as pulumi.Resource;
        assert.strictEqual(transform({}, "image-publisher:index:Release", {}, component), undefined);
        assert.strictEqual(transform({}, "aws:ec2/amiCopy:AmiCopy", {}, component), undefined);
    });

    it("adds the type's stack-wide inputs to what the resource ignores already, each once", () => {
        assert.deepStrictEqual(transform({}, "aws:ec2/amiCopy:AmiCopy", { ignoreChanges: ["tags", "name"] }), {
            props: { a: 1 }, opts: { ignoreChanges: ["tags", "name"], protect: true },
        });
        assert.deepStrictEqual(transform({}, "aws:ec2/amiCopy:AmiCopy", {}), {
            props: { a: 1 }, opts: { ignoreChanges: ["name"], protect: true },
        });
    });

    it("adds no ignoreChanges option where there is nothing to ignore", () => {
        assert.deepStrictEqual(transform({}, "aws:ec2/amiLaunchPermission:AmiLaunchPermission", {}), { props: { a: 1 }, opts: { protect: true } });
        assert.deepStrictEqual(transform({ reapplySettings: true }, "aws:ec2/amiCopy:AmiCopy", {}), { props: { a: 1 }, opts: { protect: true } });
    });

    it("keeps only the resource's own ignored inputs on a release that says reapplySettings", () => {
        assert.deepStrictEqual(transform({ reapplySettings: true }, "aws:ec2/amiCopy:AmiCopy", { ignoreChanges: ["tags"] }), {
            props: { a: 1 }, opts: { ignoreChanges: ["tags"], protect: true },
        });
    });
});

describe("Release (the component) under mocks", () => {
    const custom = (run: Awaited<ReturnType<typeof runMocked>>) => run.resources.filter((r) => r.custom && r.name.startsWith("release-1.0-"));

    it("gives every resource of a retired prod release protect false and retainOnDelete true", async () => {
        const c = baseConfig("prod");
        c.releases[0].retire = true;
        const run = await runMocked(() => publish(), { stack: "prod", config: c });
        assert.ok(custom(run).length > 5);
        assert.deepStrictEqual(custom(run).filter((r) => r.options.protect || !r.options.retainOnDelete).map((r) => r.name), []);
    });

    it("protects every resource of a published prod release, launch permissions included", async () => {
        const run = await runMocked(() => publish(), { stack: "prod", config: baseConfig("prod") });
        assert.ok(custom(run).some((r) => r.type === "aws:ec2/amiLaunchPermission:AmiLaunchPermission"));
        assert.deepStrictEqual(custom(run).filter((r) => r.options.protect !== true).map((r) => r.name), []);
    });

    it("keeps stack-wide settings on a published release, and not on one that says reapplySettings", async () => {
        const kept = await runMocked(() => publish(), { stack: "prod", config: baseConfig("prod") });
        const ami = (run: typeof kept) => run.resources.find((r) => r.name === "release-1.0-aws-x86_64-ami");
        assert.ok(ami(kept)?.options.ignoreChanges?.includes("ebsBlockDevices[0].volumeSize"));
        const c = baseConfig("prod");
        c.releases[0].reapplySettings = true;
        const reapplied = await runMocked(() => publish(), { stack: "prod", config: c });
        assert.deepStrictEqual(ami(reapplied)?.options.ignoreChanges, ["deprecationTime"], "only what the component itself always ignores");
    });

    it("leaves a prod release's deprecations unprotected, so that removing its date undoes them, deletes them with their image, and retains them when it retires", async () => {
        const c = baseConfig("prod");
        c.releases[0].deprecated = "2026-06-30";
        c.gcp = { enabled: true, project: "images-prod" };
        c.releases[0].artifacts.gcp = "gs://artifacts/{version}/{product}-{version}-{arch}-gcpimage.tar.gz";
        const dated = await runMocked(() => publish({ now: new Date("2026-07-01T00:00:00Z") }), { stack: "prod", config: c });
        const markers = (run: typeof dated) => custom(run).filter((r) => /ImageDeprecation$/.test(r.type));
        assert.ok(markers(dated).length >= 2);
        assert.deepStrictEqual(markers(dated).filter((r) => r.options.protect === true).map((r) => r.name), []);
        assert.deepStrictEqual(custom(dated).filter((r) => !/ImageDeprecation$/.test(r.type) && r.options.protect !== true).map((r) => r.name), []);
        // Deleted with their image: removing the whole release, which the protected images refuse, cannot take them back first.
        assert.ok(markers(dated).some((r) => r.type === "pulumi-nodejs:dynamic/gcp:ImageDeprecation"));
        for (const marker of markers(dated)) {
            const image = marker.name.replace(/-deprecation$/, "").replace(/^(release-1\.0-gcp-[a-z0-9_]+)$/, "$1-image");
            assert.strictEqual(marker.options.deletedWith, image, marker.name);
        }
        c.releases[0].retire = true;
        const retired = await runMocked(() => publish({ now: new Date("2026-07-01T00:00:00Z") }), { stack: "prod", config: c });
        assert.ok(markers(retired).every((r) => r.options.retainOnDelete === true));
    });
});
