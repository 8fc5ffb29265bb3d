import * as assert from "assert";
import * as fs from "fs";
import { parse } from "yaml";
import { publicExposure } from "../policy/rules";
import { PlanDiff, releasesOf } from "../tools/plan-diff";
import { ConfigValues, entry, tally, Timeline } from "./helpers/timeline";

const dayBefore = new Date("2026-12-02T00:00:00Z");
const dayAfter = new Date("2027-04-01T00:00:00Z");
const committed = parse(fs.readFileSync("Pulumi.prod.yaml", "utf8")).config as Record<string, unknown>;
const release1592 = (committed["image-publisher:releases"] as Record<string, unknown>[])[1];
const regions = (values: ConfigValues) => (values.aws as { regions: string[] }).regions;

/** The names of a diff's resources of one release with this op. */
const named = (diff: PlanDiff, op: string, release: string) => diff.resources.filter((r) => r.op === op && r.name.startsWith(`${release}-`)).map((r) => r.name);

describe("A prod release over time (timeline)", () => {
    // Prod as committed, but before 1592.4 was published, without ca-central-1, and with 1577.2 not yet deprecated.
    const timeline = new Timeline("prod", "Pulumi.prod.yaml", (v) => {
        v.releases = v.releases.filter((r) => r.version !== "1592.4");
        delete entry(v, "1577.2").deprecated;
        (v.aws as { regions: string[] }).regions = regions(v).filter((r) => r !== "ca-central-1");
    });

    before(async () => {
        await timeline.begin(dayBefore);
    });

    it("protects or retains every publicly exposed resource of the prod plan", () => {
        const exposed = timeline.plan.plan.resources.filter((r) => publicExposure({ ...r, options: {} }) !== undefined);
        assert.ok(exposed.length > 0);
        assert.deepStrictEqual(exposed.filter((r) => !r.protect && !r.retainOnDelete).map((r) => r.name), []);
    });

    it("1. publishing a release creates its resources and touches no other release", async () => {
        const diff = await timeline.step(dayBefore, (v) => { v.releases.push(JSON.parse(JSON.stringify(release1592))); });
        assert.deepStrictEqual(tally(diff), {
            "create alicloud:ecs/imageCopy:ImageCopy": 10,
            "create alicloud:ecs/imageImport:ImageImport": 2,
            "create aws:ebs/snapshotImport:SnapshotImport": 2,
            "create aws:ec2/ami:Ami": 2,
            "create aws:ec2/amiCopy:AmiCopy": 34,
            "create aws:ec2/amiLaunchPermission:AmiLaunchPermission": 36,
            "create azure-native:compute:GalleryImageVersion": 3,
            "create gcp:compute/image:Image": 1,
            "create gcp:compute/imageIamMember:ImageIamMember": 2,
            "create image-publisher:alicloud:Image": 2,
            "create image-publisher:aws:Image": 2,
            "create image-publisher:azure:Image": 2,
            "create image-publisher:azure:MarketplaceVersion": 1,
            "create image-publisher:gcp:Image": 2,
            "create image-publisher:index:Release": 1,
            "create image-publisher:openstack:Image": 2,
            "create openstack:images/image:Image": 6,
            "create pulumi-nodejs:dynamic/alicloud:CommunityShare": 12,
            "create pulumi-nodejs:dynamic/alicloud:ImportImage": 2,
            "create pulumi-nodejs:dynamic/aws:MarketplaceVersion": 2,
            "create pulumi-nodejs:dynamic/azure:MarketplaceVersion": 1,
            "create pulumi-nodejs:dynamic/azure:VhdBlob": 2,
            "create pulumi-nodejs:dynamic/gcp:ArmImage": 1,
        });
        assert.ok(diff.resources.every((r) => r.name.startsWith("release-1592.4")));
        assert.ok(diff.resources.filter((r) => !r.type.startsWith("image-publisher:")).every((r) => r.protect), "a new prod release is protected whole");
    });

    it("2. adding a region gives every release a copy and its launch permission there, and changes nothing else", async () => {
        const diff = await timeline.step(dayBefore, (v) => { regions(v).push("ca-central-1"); });
        assert.deepStrictEqual(tally(diff), {
            "create aws:ec2/amiCopy:AmiCopy": 4,
            "create aws:ec2/amiLaunchPermission:AmiLaunchPermission": 4,
            "create aws:ec2/imageBlockPublicAccess:ImageBlockPublicAccess": 1,
        });
        assert.deepStrictEqual(diff.resources.filter((r) => r.type === "aws:ec2/amiCopy:AmiCopy").map((r) => r.name).sort(), [
            "release-1577.2-aws-arm64-ca-central-1", "release-1577.2-aws-x86_64-ca-central-1",
            "release-1592.4-aws-arm64-ca-central-1", "release-1592.4-aws-x86_64-ca-central-1",
        ]);
    });

    it("3. a stack-wide setting that would replace images applies to new releases only: published AMIs keep theirs", async () => {
        const diff = await timeline.step(dayBefore, (v) => { (v.aws as { image: { volumeSize: number } }).image.volumeSize = 10; });
        assert.deepStrictEqual(tally(diff), {});
        assert.deepStrictEqual(diff.refusals, []);
        assert.deepStrictEqual(diff.kept.map((k) => [k.name, k.properties]).sort(), [
            ["release-1577.2-aws-arm64-ami", [{ path: "ebsBlockDevices[0].volumeSize", old: 8, new: 10 }]],
            ["release-1577.2-aws-x86_64-ami", [{ path: "ebsBlockDevices[0].volumeSize", old: 8, new: 10 }]],
            ["release-1592.4-aws-arm64-ami", [{ path: "ebsBlockDevices[0].volumeSize", old: 8, new: 10 }]],
            ["release-1592.4-aws-x86_64-ami", [{ path: "ebsBlockDevices[0].volumeSize", old: 8, new: 10 }]],
        ]);
    });

    it("3b. a release that opts in with reapplySettings is replaced, and prod refuses it as a protected replacement", async () => {
        const diff = await timeline.peek(dayBefore, (v) => { entry(v, "1592.4").reapplySettings = true; });
        assert.deepStrictEqual(named(diff, "replace", "release-1577.2"), []);
        assert.deepStrictEqual(named(diff, "replace", "release-1592.4").filter((n) => n.endsWith("-ami")).sort(), ["release-1592.4-aws-arm64-ami", "release-1592.4-aws-x86_64-ami"]);
        assert.ok(diff.refusals.some((r) => r.resource === "release-1592.4-aws-x86_64-ami" && /replaced \(.*ebsBlockDevices\[0\]\.volumeSize.*\), and it is protected/.test(r.reason)));
        assert.ok(diff.refusals.every((r) => r.resource.startsWith("release-1592.4-")));
        // The offline plan cannot know the value the AMI was published with, and says so.
        const ami = diff.resources.find((r) => r.name === "release-1592.4-aws-x86_64-ami");
        assert.deepStrictEqual(ami?.properties.find((p) => p.path === "ebsBlockDevices[0].volumeSize"),
            { path: "ebsBlockDevices[0].volumeSize", old: "[as published: unknown offline]", new: 10, replaces: true });
    });

    it("3c. a new artifact of a published release still replaces its snapshot import and AMIs, and is refused", async () => {
        const diff = await timeline.peek(dayBefore, (v) => {
            (entry(v, "1577.2").artifacts as Record<string, string>).aws = "s3://acmelinux-artifacts/{version}/{product}-{version}-{arch}-respin.raw";
        });
        assert.deepStrictEqual([...named(diff, "replace", "release-1577.2").filter((n) => /-(snapshot|ami)$/.test(n))].sort(), [
            "release-1577.2-aws-arm64-ami", "release-1577.2-aws-arm64-snapshot", "release-1577.2-aws-x86_64-ami", "release-1577.2-aws-x86_64-snapshot",
        ]);
        assert.ok(diff.refusals.some((r) => r.resource === "release-1577.2-aws-x86_64-snapshot" && /diskContainer/.test(r.reason)));
    });

    // ---- Deprecation: a date is a date. AWS and Azure schedule it themselves and get it at once;
    // ---- every other cloud and both marketplaces change on the first run on or after it.
    it("4. dating a deprecation in the future schedules it on AWS (every AMI and copy) and Azure, and changes nothing else", async () => {
        const diff = await timeline.step(dayBefore, (v) => { entry(v, "1577.2").deprecated = "2027-03-31"; });
        assert.deepStrictEqual(tally(diff), {
            "create pulumi-nodejs:dynamic/aws:ImageDeprecation": 38,
            "update azure-native:compute:GalleryImageVersion": 3,
        });
        assert.ok(diff.resources.every((r) => r.name.startsWith("release-1577.2-")));
        assert.deepStrictEqual(diff.refusals, []);
    });

    it("5. passing the date deprecates it on GCP, AliCloud, Glance, Azure's latest and both marketplaces, replacing nothing", async () => {
        const diff = await timeline.step(dayAfter);
        assert.deepStrictEqual(tally(diff), {
            "create pulumi-nodejs:dynamic/gcp:ImageDeprecation": 2,
            "update azure-native:compute:GalleryImageVersion": 3,
            "update openstack:images/image:Image": 6,
            "update pulumi-nodejs:dynamic/alicloud:CommunityShare": 12,
            "update pulumi-nodejs:dynamic/aws:MarketplaceVersion": 2,
            "update pulumi-nodejs:dynamic/azure:MarketplaceVersion": 1,
        });
        assert.ok(diff.resources.every((r) => r.name.startsWith("release-1577.2-")));
        assert.deepStrictEqual(diff.refusals, []);
    });
    // ---- End of the deprecation steps.

    it("6. retiring a release changes nothing in the cloud and turns its protection into retention", async () => {
        const diff = await timeline.step(dayAfter, (v) => { entry(v, "1577.2").retire = true; });
        assert.deepStrictEqual(tally(diff), {});
        assert.deepStrictEqual(diff.refusals, []);
        // Its deprecations were never protected (deleting one only takes a deprecation back); retired, they are retained too.
        assert.deepStrictEqual(diff.lifecycle.map((l) => [l.release, l.old, l.new]), [
            ["release-1577.2", { protect: true, retainOnDelete: false }, { protect: false, retainOnDelete: true }],
            ["release-1577.2", { protect: false, retainOnDelete: false }, { protect: false, retainOnDelete: true }],
        ]);
    });

    it("6b. removing a published release is refused whole: every resource of it, and each that makes it public, is protected", async () => {
        const releases = releasesOf(timeline.plan.plan);
        const resources = timeline.plan.plan.resources.filter((r) => releases.get(r.name) === "release-1592.4" && !r.type.startsWith("image-publisher:"));
        const diff = await timeline.peek(dayAfter, (v) => { v.releases = v.releases.filter((r) => r.version !== "1592.4"); });
        const deleted = diff.resources.filter((r) => r.op === "delete" && !r.type.startsWith("image-publisher:"));
        assert.deepStrictEqual(deleted.map((r) => r.name).sort(), resources.map((r) => r.name).sort());
        assert.deepStrictEqual(deleted.filter((r) => !r.protect).map((r) => r.name), [], "nothing of the release is left unprotected");
        const refusedProtected = new Set(diff.refusals.filter((r) => /and it is protected/.test(r.reason)).map((r) => r.resource));
        assert.deepStrictEqual(deleted.filter((r) => !refusedProtected.has(r.name)).map((r) => r.name), []);
        for (const type of ["aws:ec2/amiLaunchPermission:AmiLaunchPermission", "gcp:compute/imageIamMember:ImageIamMember", "pulumi-nodejs:dynamic/alicloud:CommunityShare"]) {
            assert.ok(deleted.some((r) => r.type === type), `${type} is among what the removal refuses`);
        }
    });

    it("7. removing the retired release drops all of it from the stack and leaves it public", async () => {
        const releases = releasesOf(timeline.plan.plan);
        const resources = timeline.plan.plan.resources.filter((r) => releases.get(r.name) === "release-1577.2" && !r.type.startsWith("image-publisher:"));
        const diff = await timeline.step(dayAfter, (v) => { v.releases = v.releases.filter((r) => r.version !== "1577.2"); });
        assert.deepStrictEqual(diff.refusals, []);
        assert.deepStrictEqual(diff.exposureRemoved, []);
        assert.deepStrictEqual(diff.resources.filter((r) => r.op === "delete" && r.retained).map((r) => r.name).sort(), resources.map((r) => r.name).sort());
        assert.deepStrictEqual(diff.resources.filter((r) => r.op !== "delete"), []);
    });

    it("8. unpublishing a release, then removing it, deletes and revokes it deliberately, refusing nothing", async () => {
        // A stack keeps at least one release: 1600.1 comes first (off AWS Marketplace, which has no product for it).
        await timeline.step(dayAfter, (v) => { v.releases.push({ ...JSON.parse(JSON.stringify(release1592)), version: "1600.1", releaseNotes: "1600.1", awsMarketplace: false }); });
        const flagged = await timeline.step(dayAfter, (v) => { entry(v, "1592.4").unpublish = true; });
        assert.deepStrictEqual(tally(flagged), {});
        assert.deepStrictEqual(flagged.lifecycle.map((l) => [l.release, l.new]), [["release-1592.4", { protect: false, retainOnDelete: false }]]);
        const removed = await timeline.step(dayAfter, (v) => { v.releases = v.releases.filter((r) => r.version !== "1592.4"); });
        assert.deepStrictEqual(removed.refusals, []);
        assert.ok(removed.exposureRemoved.length > 0);
        assert.ok(removed.resources.filter((r) => !r.type.startsWith("image-publisher:")).every((r) => r.op === "delete" && r.unpublished));
    });
});
