import * as assert from "assert";
import { diffPlans } from "../tools/plan-diff";
import { renderDiffJson, renderDiffMarkdown, renderDiffText } from "../tools/plan-diff-render";
import { Plan, PlanResource } from "../tools/plan-run";
import { mockId } from "../tools/mocks";

/** A plan resource with defaults for what a test does not care about. */
function res(type: string, name: string, inputs: Record<string, unknown>, extra: Partial<PlanResource> = {}): PlanResource {
    return { type, name, parent: null, provider: null, inputs, dependsOn: [], protect: false, retainOnDelete: false, ...extra };
}

const plan = (resources: PlanResource[], outputs: Record<string, unknown> = {}): Plan => ({ stack: "prod", resources, outputs });

const AMI = "aws:ec2/ami:Ami";
const SNAPSHOT = "aws:ebs/snapshotImport:SnapshotImport";
const GRANT = "aws:ec2/amiLaunchPermission:AmiLaunchPermission";
const snapshotId = mockId(SNAPSHOT, "release-1.0-aws-x86_64-snapshot");

const snapshot = (key: string) => res(SNAPSHOT, "release-1.0-aws-x86_64-snapshot", { diskContainer: { format: "RAW", userBucket: { s3Bucket: "b", s3Key: key } } });
const ami = (size: number, description = "Test Linux 1.0") => res(AMI, "release-1.0-aws-x86_64-ami", {
    description, name: "test-1.0-x86_64",
    ebsBlockDevices: [{ deviceName: "/dev/xvda", snapshotId, volumeSize: size, volumeType: "gp3" }],
}, { protect: true, dependsOn: ["release-1.0-aws-x86_64-snapshot"] });
const grant = (group?: string) => res(GRANT, "release-1.0-aws-x86_64-public", { imageId: mockId(AMI, "release-1.0-aws-x86_64-ami"), ...(group ? { group } : { accountId: "123456789012" }) },
    { dependsOn: ["release-1.0-aws-x86_64-ami"] });

describe("Plan diff", () => {
    it("replaces an AMI whose root volume size changes, naming the input, and refuses because it is protected", () => {
        const diff = diffPlans(plan([ami(8)]), plan([ami(10)]), { environment: "prod" });
        assert.strictEqual(diff.resources.length, 1);
        assert.strictEqual(diff.resources[0].op, "replace");
        assert.strictEqual(diff.resources[0].protect, true);
        assert.deepStrictEqual(diff.resources[0].properties, [{
            path: "ebsBlockDevices",
            old: [{ deviceName: "/dev/xvda", snapshotId, volumeSize: 8, volumeType: "gp3" }],
            new: [{ deviceName: "/dev/xvda", snapshotId, volumeSize: 10, volumeType: "gp3" }],
            replaces: true,
        }]);
        assert.strictEqual(diff.refusals.length, 1);
        assert.strictEqual(diff.refusals[0].resource, "release-1.0-aws-x86_64-ami");
        assert.match(diff.refusals[0].reason, /replaced \(ebsBlockDevices changes\), and it is protected/);
    });

    it("updates an AMI in place when only its description changes, and refuses nothing", () => {
        const diff = diffPlans(plan([ami(8, "old")]), plan([ami(8, "new")]), { environment: "prod" });
        assert.deepStrictEqual(diff.resources.map((r) => [r.op, r.properties]), [["update", [{ path: "description", old: "old", new: "new", replaces: false }]]]);
        assert.deepStrictEqual(diff.refusals, []);
    });

    it("follows a replaced snapshot import into the AMI that boots from it, and the AMI into its grants", () => {
        const diff = diffPlans(plan([snapshot("a.raw"), ami(8), grant("all")]), plan([snapshot("b.raw"), ami(8), grant("all")]), { environment: "prod" });
        assert.deepStrictEqual(diff.resources.map((r) => `${r.op} ${r.name}`), [
            "replace release-1.0-aws-x86_64-snapshot", "replace release-1.0-aws-x86_64-ami", "replace release-1.0-aws-x86_64-public",
        ]);
        assert.deepStrictEqual(diff.resources[0].properties.map((p) => p.path), ["diskContainer.userBucket.s3Key"]);
        assert.deepStrictEqual(diff.resources[1].properties.map((p) => [p.path, p.replaces]), [["ebsBlockDevices[0].snapshotId", true]]);
        assert.strictEqual(diff.resources[1].properties[0].new, "[known after release-1.0-aws-x86_64-snapshot is replaced]");
        assert.deepStrictEqual(diff.refusals.map((r) => r.resource), ["release-1.0-aws-x86_64-ami"]);
    });

    it("refuses deleting a protected AMI, and in prod deleting a public grant; in dev only the protection", () => {
        const before = plan([ami(8), grant("all")]);
        const prod = diffPlans(before, plan([]), { environment: "prod" });
        assert.deepStrictEqual(prod.resources.map((r) => `${r.op} ${r.name} ${r.protect}`), ["delete release-1.0-aws-x86_64-ami true", "delete release-1.0-aws-x86_64-public false"]);
        assert.deepStrictEqual(prod.refusals.map((r) => r.resource), ["release-1.0-aws-x86_64-ami", "release-1.0-aws-x86_64-public"]);
        assert.match(prod.refusals[1].reason, /revoking public access \(launch permission for group "all"\) in prod/);
        assert.deepStrictEqual(prod.exposureRemoved, ["release-1.0-aws-x86_64-public"]);
        const dev = diffPlans(before, plan([]), { environment: "dev" });
        assert.deepStrictEqual(dev.refusals.map((r) => r.resource), ["release-1.0-aws-x86_64-ami"]);
    });

    it("refuses turning a public grant private in prod", () => {
        const diff = diffPlans(plan([grant("all")]), plan([grant()]), { environment: "prod" });
        assert.strictEqual(diff.resources[0].op, "replace");
        assert.strictEqual(diff.refusals.length, 1);
        assert.match(diff.refusals[0].reason, /revoking public access/);
    });

    it("says when a replacement deletes the old resource first", () => {
        const blob = (url: string) => res("pulumi-nodejs:dynamic/azure:VhdBlob", "release-1.0-azure-x86_64-vhd", { sourceUrl: url, containerName: "vhds", blobName: "a.vhd" });
        const diff = diffPlans(plan([blob("https://a/1.vhd")]), plan([blob("https://a/2.vhd")]), { environment: "prod" });
        assert.strictEqual(diff.resources[0].op, "replace");
        assert.strictEqual(diff.resources[0].deleteFirst, true);
        assert.match(renderDiffText(diff), /VhdBlob release-1\.0-azure-x86_64-vhd {2}\(replaced: sourceUrl forces it; deleteBeforeReplace/);
        assert.ok(!("deleteFirst" in JSON.parse(renderDiffJson(diff)).resources[0]), "the JSON keeps its contract");
    });

    it("leaves out what the resource's ignoreChanges covers, as the engine does", () => {
        const image = (publisher: string) => res("azure-native:compute:GalleryImage", "azure-x86_64-v2", { identifier: { publisher, offer: "o", sku: "s" } }, { protect: true });
        const options = new Map([["azure-native:compute:GalleryImage::azure-x86_64-v2", { ignoreChanges: ["identifier"] }]]);
        assert.deepStrictEqual(diffPlans(plan([image("a")]), plan([image("b")]), { environment: "prod", options }).resources, []);
        assert.strictEqual(diffPlans(plan([image("a")]), plan([image("b")]), { environment: "prod" }).resources[0].op, "replace");
    });

    it("leaves out a Marketplace version's texts, which its provider sends once, and still shows its deprecation", () => {
        const MARKETPLACE = "pulumi-nodejs:dynamic/aws:MarketplaceVersion";
        const version = (title: string, deprecated: boolean) => res(MARKETPLACE, "release-1.0-aws-x86_64-marketplace",
            { productId: "prod-1", versionTitle: title, releaseNotes: `${title} notes`, deprecated }, { protect: true });
        assert.deepStrictEqual(diffPlans(plan([version("1.0", false)]), plan([version("v1.0", false)]), { environment: "prod" }).resources, []);
        const deprecated = diffPlans(plan([version("1.0", false)]), plan([version("v1.0", true)]), { environment: "prod" });
        assert.deepStrictEqual(deprecated.resources.map((r) => [r.op, r.properties.map((p) => p.path)]), [["update", ["deprecated"]]]);
    });

    it("shows every input of a created resource, secrets still [secret]", () => {
        const blob = res("pulumi-nodejs:dynamic/azure:VhdBlob", "release-2.0-azure-x86_64-vhd", { sourceUrl: "[secret]", blobName: "b.vhd" });
        const diff = diffPlans(plan([]), plan([blob]), { environment: "prod" });
        assert.deepStrictEqual(diff.resources[0].properties, [{ path: "blobName", new: "b.vhd", replaces: false }, { path: "sourceUrl", new: "[secret]", replaces: false }]);
        assert.match(renderDiffText(diff), /\n {4}blobName: "b\.vhd"\n {4}sourceUrl: "\[secret\]"/);
    });

    it("marks outputs added, removed and changed, with their values", () => {
        const diff = diffPlans(plan([], { images: { "1.0": "a", "1.1": "b" } }), plan([], { images: { "1.1": "c", "2.0": "d" } }), { environment: "prod" });
        assert.deepStrictEqual(diff.outputs, [
            { path: "images.1.0", op: "removed", old: "a" },
            { path: "images.1.1", op: "changed", old: "b", new: "c" },
            { path: "images.2.0", op: "added", new: "d" },
        ]);
    });

    it("prints JSON of exactly {stack, refusals, resources, outputs, kept, lifecycle}", () => {
        const json = JSON.parse(renderDiffJson(diffPlans(plan([ami(8)]), plan([ami(10)]), { environment: "prod" })));
        assert.deepStrictEqual(Object.keys(json), ["stack", "refusals", "resources", "outputs", "kept", "lifecycle"]);
        assert.deepStrictEqual(Object.keys(json.resources[0]), ["type", "name", "op", "protect", "properties"]);
        assert.deepStrictEqual(Object.keys(json.resources[0].properties[0]), ["path", "old", "new", "replaces"]);
    });
});

describe("Plan diff of a release's lifecycle", () => {
    const RELEASE = "image-publisher:index:Release";
    const component = res(RELEASE, "release-1.0", {});
    /** The AMI and public grant of release 1.0, under its Release component, with these options. */
    const release = (options: Partial<PlanResource>, size = 8) => [
        component,
        { ...ami(size), parent: "release-1.0", ...options },
        { ...grant("all"), parent: "release-1.0", ...options },
    ];
    const stackOnly = plan([]);

    it("refuses removing a published prod release, naming every protected resource of it", () => {
        const diff = diffPlans(plan(release({ protect: true })), stackOnly, { environment: "prod" });
        assert.deepStrictEqual(diff.resources.map((r) => `${r.op} ${r.name}`), ["delete release-1.0", "delete release-1.0-aws-x86_64-ami", "delete release-1.0-aws-x86_64-public"]);
        assert.deepStrictEqual([...new Set(diff.refusals.map((r) => r.resource))], ["release-1.0-aws-x86_64-ami", "release-1.0-aws-x86_64-public"]);
        assert.ok(diff.refusals.some((r) => r.resource === "release-1.0-aws-x86_64-public" && /protected/.test(r.reason)));
    });

    it("drops a retired release from the stack, leaving it in the cloud, and refuses nothing", () => {
        const diff = diffPlans(plan(release({ protect: false, retainOnDelete: true })), stackOnly, { environment: "prod" });
        assert.deepStrictEqual(diff.refusals, []);
        assert.deepStrictEqual(diff.resources.filter((r) => r.retained).map((r) => r.name), ["release-1.0-aws-x86_64-ami", "release-1.0-aws-x86_64-public"]);
        assert.deepStrictEqual(diff.exposureRemoved, [], "a retained grant stays public");
        const text = renderDiffText(diff);
        assert.match(text, /release 1\.0: 2 resources dropped from the stack, left in the cloud \(retired: its images stay public\)/);
        assert.match(text, /- aws:ec2\/amiLaunchPermission:AmiLaunchPermission release-1\.0-aws-x86_64-public {2}\(dropped from the stack, left in the cloud/);
    });

    it("shows removing an unpublished release as a deliberate revocation, and refuses nothing", () => {
        const diff = diffPlans(plan(release({ protect: false, retainOnDelete: false })), stackOnly, { environment: "prod" });
        assert.deepStrictEqual(diff.refusals, []);
        assert.deepStrictEqual(diff.resources.filter((r) => r.unpublished).map((r) => r.name), ["release-1.0-aws-x86_64-ami", "release-1.0-aws-x86_64-public"]);
        assert.deepStrictEqual(diff.exposureRemoved, ["release-1.0-aws-x86_64-public"]);
        assert.match(renderDiffText(diff), /release 1\.0: 2 resources deleted and public access revoked, deliberately \(unpublish: true\)/);
    });

    it("still refuses revoking an unprotected grant of a release that is not unpublished whole", () => {
        const mixed = [component, { ...ami(8), parent: "release-1.0" }, { ...grant("all"), parent: "release-1.0", protect: false }];
        const diff = diffPlans(plan(mixed), stackOnly, { environment: "prod" });
        assert.ok(diff.refusals.some((r) => r.resource === "release-1.0-aws-x86_64-public" && /revoking public access/.test(r.reason)));
    });

    it("lists the protection a retire flag lifts, per release, without changing anything in the cloud", () => {
        const diff = diffPlans(plan(release({ protect: true })), plan(release({ protect: false, retainOnDelete: true })), { environment: "prod" });
        assert.deepStrictEqual(diff.resources, []);
        assert.deepStrictEqual(diff.refusals, []);
        assert.deepStrictEqual(diff.lifecycle, [{
            release: "release-1.0", old: { protect: true, retainOnDelete: false }, new: { protect: false, retainOnDelete: true }, resources: 2,
        }]);
        assert.match(renderDiffText(diff), /release-1\.0: 2 resources from protect true, retainOnDelete false to protect false, retainOnDelete true: removing the entry later drops it from the stack and leaves it in the cloud, public/);
    });

    it("shows a setting a published release ignores as kept by it, not as a replacement", () => {
        const ignoring = { protect: true, ignoreChanges: ["ebsBlockDevices[0].volumeSize"] };
        const diff = diffPlans(plan(release(ignoring, 8)), plan(release(ignoring, 10)), { environment: "prod" });
        assert.deepStrictEqual(diff.resources, []);
        assert.deepStrictEqual(diff.refusals, []);
        assert.deepStrictEqual(diff.kept, [{
            release: "release-1.0", type: AMI, name: "release-1.0-aws-x86_64-ami", properties: [{ path: "ebsBlockDevices[0].volumeSize", old: 8, new: 10 }],
        }]);
        const text = renderDiffText(diff);
        assert.match(text, /Setting changes kept by existing releases; applies to new releases:\n {2}release-1\.0: 1 resources keep Ami\.ebsBlockDevices\[0\]\.volumeSize/);
        assert.match(text, /ebsBlockDevices\[0\]\.volumeSize: 8 kept; new releases get 10/);
    });

    it("still replaces what the release's own inputs change under an ignored setting", () => {
        const ignoring = { protect: true, ignoreChanges: ["ebsBlockDevices[0].volumeSize"] };
        const moved = release(ignoring).map((r) => r.type === AMI ? { ...r, inputs: { ...r.inputs, ebsBlockDevices: [{ deviceName: "/dev/xvda", snapshotId: "snap-other", volumeSize: 8, volumeType: "gp3" }] } } : r);
        const diff = diffPlans(plan(release(ignoring)), plan(moved), { environment: "prod" });
        assert.deepStrictEqual(diff.resources.map((r) => [r.op, r.name, r.properties.map((p) => p.path)]), [
            ["replace", "release-1.0-aws-x86_64-ami", ["ebsBlockDevices"]], ["replace", "release-1.0-aws-x86_64-public", ["imageId"]],
        ]);
        assert.ok(diff.refusals.some((r) => r.resource === "release-1.0-aws-x86_64-ami"));
    });
});

describe("Plan diff in Markdown", () => {
    const many = (n: number) => plan(Array.from({ length: n }, (_, i) => res(GRANT, `release-2.0-aws-x86_64-grant-${i}`, { imageId: "ami-0123456789abcdef0", accountId: String(100000000000 + i), region: "eu-central-1" })));

    it("leads with the refusals and the counts by release and cloud, before any detail", () => {
        const text = renderDiffMarkdown(diffPlans(plan([ami(8)]), plan([ami(10)]), { environment: "prod" }));
        const refused = text.indexOf("**Refused: 1 reason");
        const table = text.indexOf("| 1.0 | aws | 0 | 0 | 1 | 0 |");
        const details = text.indexOf("<details>");
        assert.ok(refused > 0 && table > refused && details > table, text);
    });

    it("keeps the summary whole and cuts the details with a note to stay under the limit", () => {
        const diff = diffPlans(plan([]), many(400), { environment: "prod" });
        const full = renderDiffMarkdown(diff, 10_000_000);
        assert.ok(full.length > 20000);
        assert.ok(!full.includes("Details cut"));
        const cut = renderDiffMarkdown(diff, 8000);
        assert.ok(cut.length <= 8000, String(cut.length));
        assert.match(cut, /\| 2\.0 \| aws \| 400 \| 0 \| 0 \| 0 \|/);
        assert.match(cut, /Details cut to fit GitHub's comment limit: \d+ of 400 entries shown/);
        assert.strictEqual(cut.split("```").length % 2, 1, "every code fence is closed");
        assert.strictEqual((cut.match(/<details>/g) ?? []).length, (cut.match(/<\/details>/g) ?? []).length);
    });
});
