import * as assert from "assert";
import { withFormerType } from "../components/dynamic/named-type";
import { StagedArtifact } from "../components/staging/staged-artifact";
import { committedStackRun } from "./helpers/shared-runs";
import { runMocked } from "./mocks";

/** The type token every dynamic resource had before each got its own (Pulumi's default for pulumi.dynamic.Resource). */
const formerType = "pulumi-nodejs:dynamic:Resource";

/** The dynamic resources that existed before type tokens, by the type each has now. */
const namedSince = [
    "pulumi-nodejs:dynamic/alicloud:CommunityShare",
    "pulumi-nodejs:dynamic/alicloud:ImportImage",
    "pulumi-nodejs:dynamic/azure:CommunitySharing",
    "pulumi-nodejs:dynamic/azure:MarketplaceVersion",
    "pulumi-nodejs:dynamic/azure:VhdBlob",
    "pulumi-nodejs:dynamic/gcp:ArmImage",
    "pulumi-nodejs:dynamic/gcp:ImageDeprecation",
];

describe("Dynamic resources", () => {
    it("each register their own type token, never the former shared one, and no resourceKind input", async () => {
        // After release 1577.2's deprecation date, so that the GCP deprecation is registered too.
        const run = await committedStackRun("prod", "2027-04-01");
        const dynamic = run.resources.filter((r) => r.type.startsWith("pulumi-nodejs:"));

        assert.deepStrictEqual(dynamic.filter((r) => r.type === formerType).map((r) => r.name), []);
        assert.deepStrictEqual(dynamic.filter((r) => "resourceKind" in r.inputs).map((r) => r.name), []);
        for (const type of namedSince) {
            assert.ok(dynamic.some((r) => r.type === type), `the prod stack registers a ${type}`);
        }
    });

    it("keep the former type as an alias, so that a stack created before keeps each resource instead of replacing it", async () => {
        const run = await committedStackRun("prod", "2027-04-01");

        const withoutAlias = run.resources.filter((r) => namedSince.includes(r.type) && !(r.options.aliasTypes ?? []).includes(formerType));
        assert.deepStrictEqual(withoutAlias.map((r) => `${r.type} ${r.name}`), []);
    });

    it("include the staged copy of an artifact, with its type and the alias to the former one", async () => {
        const run = await runMocked(() => {
            new StagedArtifact("release-1592.4-gcp-arm64-staged", {
                source: "s3://acmelinux-artifacts/1592.4/acmelinux-1592.4-arm64-gcpimage.tar.gz",
                store: "gcs", bucket: "acmelinux-staging", key: "1592.4/acmelinux-1592.4-arm64-gcpimage.tar.gz",
            });
        });

        const [staged] = run.resources;
        assert.strictEqual(staged.type, "pulumi-nodejs:dynamic/staging:StagedArtifact");
        assert.deepStrictEqual(staged.options.aliasTypes, [formerType]);
        assert.strictEqual("resourceKind" in staged.inputs, false);
    });
});

describe("withFormerType", () => {
    it("aliases a resource without options to the former shared type only", () => {
        assert.deepStrictEqual(withFormerType(undefined), { aliases: [{ type: "pulumi-nodejs:dynamic:Resource" }] });
        assert.deepStrictEqual(withFormerType({}), { aliases: [{ type: "pulumi-nodejs:dynamic:Resource" }] });
    });

    it("keeps the resource's own options and aliases, and adds the former type after them", () => {
        assert.deepStrictEqual(withFormerType({ protect: true, aliases: [{ name: "old-name" }] }), {
            protect: true, aliases: [{ name: "old-name" }, { type: "pulumi-nodejs:dynamic:Resource" }],
        });
    });
});
