/**
 * The lifecycle of a deprecation on the committed prod stack: release 1577.2 is dated 2027-03-31
 * (Pulumi.prod.yaml). Before that day only the clouds that schedule a deprecation themselves hear of
 * it (AWS through aws:ImageDeprecation, Azure's informational end-of-life date); from that day on
 * every cloud and both marketplaces show it deprecated.
 */
import * as assert from "assert";
import { stringify } from "yaml";
import { diffPlans, resourceKey } from "../tools/plan-diff";
import { Plan, PlanResource, PlanRun, runPlan } from "../tools/plan-run";
import { renderJson } from "../tools/plan-render";
import { CliConfig, parseStackConfig } from "../tools/stack-config";
import { baseConfig } from "./fixtures/config";
import { committedPlan, sharedPlanCommand } from "./helpers/shared-runs";

const RELEASE = "release-1577.2";
const CURRENT = "release-1592.4";
const DATE = "2027-03-31";

const AMI = "aws:ec2/ami:Ami";
const COPY = "aws:ec2/amiCopy:AmiCopy";
const AWS_DEPRECATION = "pulumi-nodejs:dynamic/aws:ImageDeprecation";
const GCP_DEPRECATION = "pulumi-nodejs:dynamic/gcp:ImageDeprecation";
const AWS_MARKETPLACE = "pulumi-nodejs:dynamic/aws:MarketplaceVersion";
const PARTNER_CENTER = "pulumi-nodejs:dynamic/azure:MarketplaceVersion";
const COMMUNITY_SHARE = "pulumi-nodejs:dynamic/alicloud:CommunityShare";
const GLANCE = "openstack:images/image:Image";
const GALLERY_VERSION = "azure-native:compute:GalleryImageVersion";

/** The prod plan on a given day, made once per day and shared by the tests (of any file) that read it. */
const prodPlan = (day: string): Promise<PlanRun> => committedPlan("prod", day);

const ofType = (plan: Plan, type: string, prefix: string): PlanResource[] =>
    plan.resources.filter((r) => r.type === type && r.name.startsWith(`${prefix}-`));

/** Every resource of `type` under `prefix`, after checking there is at least one. */
function some(plan: Plan, type: string, prefix: string): PlanResource[] {
    const found = ofType(plan, type, prefix);
    assert.ok(found.length > 0, `no ${type} under ${prefix}`);
    return found;
}

/** A small prod stack (one release, 1.0, on AWS in three regions), with the release's `deprecated` set to `date` when given. */
function withDeprecation(date: string | undefined): CliConfig {
    const values = baseConfig("prod");
    if (date !== undefined) {
        values.releases[0].deprecated = date;
    }
    const text = stringify({ config: Object.fromEntries(Object.entries(values).map(([k, v]) => [`image-publisher:${k}`, v])) });
    return parseStackConfig(text, "Pulumi.test.yaml");
}

describe("Deprecation lifecycle on the prod stack (release 1577.2, dated 2027-03-31)", () => {
    for (const day of ["2026-11-22", "2027-03-30"]) {
        describe(`before the date, on ${day}`, () => {
            it("deprecates, restricts, hides or makes private nothing of release 1577.2 anywhere", async () => {
                const { plan } = await prodPlan(day);
                assert.deepStrictEqual(ofType(plan, GCP_DEPRECATION, RELEASE).map((r) => r.name), []);
                assert.ok(some(plan, COMMUNITY_SHARE, RELEASE).every((r) => r.inputs.isPublic === true), "AliCloud community");
                assert.ok(some(plan, GLANCE, RELEASE).every((r) => r.inputs.hidden === false), "Glance");
                assert.ok(some(plan, AWS_MARKETPLACE, RELEASE).every((r) => r.inputs.deprecated === false), "AWS Marketplace");
                assert.ok(some(plan, PARTNER_CENTER, RELEASE).every((r) => r.inputs.deprecated === false), "Partner Center");
                for (const version of some(plan, GALLERY_VERSION, RELEASE)) {
                    const profile = version.inputs.publishingProfile as Record<string, unknown>;
                    assert.strictEqual(profile.excludeFromLatest, undefined, `${version.name} stays in latest`);
                    assert.strictEqual(profile.endOfLifeDate, `${DATE}T00:00:00Z`, `${version.name} carries its end of life at once`);
                }
            });

            it("gives each AMI and copy of release 1577.2 an aws:ImageDeprecation with the date, and release 1592.4 none", async () => {
                const { plan } = await prodPlan(day);
                const images = [...some(plan, AMI, RELEASE), ...some(plan, COPY, RELEASE)];
                const deprecations = some(plan, AWS_DEPRECATION, RELEASE);
                assert.strictEqual(deprecations.length, images.length);
                for (const image of images) {
                    const mine = deprecations.filter((d) => d.dependsOn.includes(image.name));
                    assert.strictEqual(mine.length, 1, `one deprecation for ${image.name}`);
                    assert.deepStrictEqual(mine[0].inputs, { date: DATE, imageId: mine[0].inputs.imageId, region: image.inputs.region });
                    assert.strictEqual(image.inputs.deprecationTime, undefined, `${image.name} carries no time of its own`);
                }
                assert.deepStrictEqual(ofType(plan, AWS_DEPRECATION, CURRENT), []);
            });

            it("lists the release in the deprecated output with its date", async () => {
                const { plan } = await prodPlan(day);
                assert.deepStrictEqual(plan.outputs.deprecated, { "1577.2": DATE });
            });
        });
    }

    describe("from the date on, on 2027-03-31 and later", () => {
        // 2027-04-01 is also the day of the plan that test/dynamic-types.test.ts reads.
        for (const day of ["2027-03-31", "2027-04-01"]) {
            it(`shows release 1577.2 deprecated on every cloud and both marketplaces (${day})`, async () => {
                const { plan } = await prodPlan(day);
                const gcp = some(plan, GCP_DEPRECATION, RELEASE);
                assert.strictEqual(gcp.length, 2);
                for (const d of gcp) {
                    assert.strictEqual(d.inputs.deprecated, `${DATE}T00:00:00Z`);
                    assert.match(String(d.inputs.replacement), /\/global\/images\/acmelinux-1592-4-(x86-64|arm64)$/);
                }
                assert.ok(some(plan, COMMUNITY_SHARE, RELEASE).every((r) => r.inputs.isPublic === false), "AliCloud community");
                assert.ok(some(plan, GLANCE, RELEASE).every((r) => r.inputs.hidden === true), "Glance");
                assert.ok(some(plan, AWS_MARKETPLACE, RELEASE).every((r) => r.inputs.deprecated === true), "AWS Marketplace");
                assert.ok(some(plan, PARTNER_CENTER, RELEASE).every((r) => r.inputs.deprecated === true), "Partner Center");
                for (const version of some(plan, GALLERY_VERSION, RELEASE)) {
                    const profile = version.inputs.publishingProfile as Record<string, unknown>;
                    assert.strictEqual(profile.excludeFromLatest, true, version.name);
                    // Azure refuses a past end-of-life date: no longer sent, the one set before the date is kept.
                    assert.strictEqual(profile.endOfLifeDate, undefined, version.name);
                }
                assert.ok(some(plan, AWS_DEPRECATION, RELEASE).every((d) => d.inputs.date === DATE));
            });
        }

        it("leaves release 1592.4 as it was", async () => {
            const { plan } = await prodPlan("2027-04-01");
            assert.deepStrictEqual(ofType(plan, GCP_DEPRECATION, CURRENT), []);
            assert.ok(some(plan, COMMUNITY_SHARE, CURRENT).every((r) => r.inputs.isPublic === true));
            assert.ok(some(plan, GLANCE, CURRENT).every((r) => r.inputs.hidden === false));
            assert.ok(some(plan, AWS_MARKETPLACE, CURRENT).every((r) => r.inputs.deprecated === false));
        });

        it("changes on the date only what the clouds without a schedule of their own need, and replaces nothing", async () => {
            const before = await prodPlan("2027-03-30");
            const after = await prodPlan("2027-03-31");
            const options = new Map(after.recorded.map((r) => [resourceKey(r), { ignoreChanges: r.options.ignoreChanges }]));
            const diff = diffPlans(before.plan, after.plan, { environment: "prod", options });
            assert.deepStrictEqual(diff.resources.filter((r) => r.op === "replace" || r.op === "delete").map((r) => r.name), []);
            assert.deepStrictEqual([...new Set(diff.resources.map((r) => r.type))].sort(), [
                GALLERY_VERSION, PARTNER_CENTER, AWS_MARKETPLACE, COMMUNITY_SHARE, GCP_DEPRECATION, GLANCE,
            ].sort());
            assert.ok(diff.resources.every((r) => r.name.startsWith(`${RELEASE}-`)), diff.resources.map((r) => r.name).join(", "));
        });
    });

    it("prints the same plan JSON on two days before the date", async () => {
        const { code, out } = await sharedPlanCommand("--stack", "prod", "--format", "json", "--now", "2026-11-22");
        assert.strictEqual(code, 0);
        assert.ok(out.includes(AWS_DEPRECATION));
        const later = renderJson((await prodPlan("2027-03-30")).plan);
        assert.strictEqual(later, out, "the plan of 2027-03-30 prints as that of 2026-11-22");
        assert.notStrictEqual(renderJson((await prodPlan("2027-03-31")).plan), out, "on the date itself the plan changes");
    });
});

describe("A deprecation date added to a published release (a small prod stack: release 1.0 on AWS)", () => {
    it("deprecates AMIs that exist when the date is added, even a date already passed: an aws:ImageDeprecation is created for each", async () => {
        const now = new Date("2026-11-22T00:00:00Z");
        const before = await runPlan("prod", withDeprecation(undefined), { now });
        const after = await runPlan("prod", withDeprecation("2026-11-01"), { now });
        const options = new Map(after.recorded.map((r) => [resourceKey(r), { ignoreChanges: r.options.ignoreChanges }]));
        const diff = diffPlans(before.plan, after.plan, { environment: "prod", options });
        const images = [...some(before.plan, AMI, "release-1.0"), ...some(before.plan, COPY, "release-1.0")];
        for (const image of images) {
            // What the AMI ends up with, as the engine sees it: a deprecation resource created for it,
            // or a deprecationTime on the AMI that the engine does not ignore.
            const created = diff.resources.find((r) => r.op === "create" && r.type === AWS_DEPRECATION
                && after.plan.resources.find((p) => p.name === r.name)?.dependsOn.includes(image.name));
            const ownChange = diff.resources.find((r) => r.name === image.name && r.properties.some((p) => p.path === "deprecationTime" && p.new !== undefined));
            assert.ok(created ?? ownChange, `${image.name} gets no deprecation`);
        }
        assert.deepStrictEqual(diff.resources.filter((r) => r.type === AMI || r.type === COPY).map((r) => `${r.op} ${r.name}`), []);
    });
});
