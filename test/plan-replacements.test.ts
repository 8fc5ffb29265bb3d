import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { createMarketplaceProvider } from "../components/aws/marketplace-provider";
import { keptAt, replacementTable, replacesAt } from "../tools/plan-replacements";
import { versionInputs } from "./helpers/aws-marketplace";
import { committedPlan } from "./helpers/shared-runs";

/** Every source file under a folder. */
function sources(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(dir, e.name);
        return e.isDirectory() ? sources(full) : e.name.endsWith(".ts") ? [full] : [];
    });
}

/** The type tokens of every Pulumi SDK resource class the program's source constructs (`new aws.ec2.Ami(...)`). */
function constructedTypes(): Set<string> {
    const types = new Set<string>();
    for (const file of [...sources("components"), ...sources("stacks")]) {
        const text = fs.readFileSync(file, "utf8");
        // `import * as ec2 from "@pulumi/aws/ec2"`, or a module loaded where it is needed: `const s3 = require("@pulumi/aws/s3")`.
        const packages = new Map([...text.matchAll(/(?:import \* as (\w+) from|const (\w+) = require\()\s*"(@pulumi\/(?:aws|azure-native|gcp|alicloud|openstack)[^"]*)"/g)]
            .map((m) => [m[1] ?? m[2], m[3]]));
        for (const m of text.matchAll(/new (\w+)((?:\.\w+)+)\(/g)) {
            const pkg = packages.get(m[1]);
            if (pkg === undefined) {
                continue;
            }
            let target: unknown = require(pkg);
            for (const part of m[2].slice(1).split(".")) {
                target = (target as Record<string, unknown>)[part];
            }
            const type = (target as { __pulumiType?: string }).__pulumiType;
            assert.ok(type, `${file}: new ${m[1]}${m[2]} is not a resource class`);
            types.add(type === "alicloud" || type === "openstack" ? `pulumi:providers:${type}` : type);
        }
    }
    return types;
}

describe("Replacement table", () => {
    it("has every resource type the program registers, in the dev and prod plans and in the source", async function () {
        this.timeout(600_000);
        const registered = new Set<string>();
        for (const stack of ["dev", "prod"] as const) {
            const { plan } = await committedPlan(stack);
            plan.resources.forEach((r) => registered.add(r.type));
        }
        const constructed = constructedTypes();
        assert.ok(registered.size >= 30, `only ${registered.size} types registered`);
        assert.ok(constructed.has("aws:s3/bucketObjectv2:BucketObjectv2"), "the source scan finds the file:// upload");
        assert.ok(constructed.has("alicloud:ecs/imageSharePermission:ImageSharePermission"), "the source scan finds the AliCloud account shares");
        const missing = [...registered, ...constructed].filter((t) => replacementTable[t] === undefined);
        assert.deepStrictEqual([...new Set(missing)], []);
    });

    it("gives the source of every fact", () => {
        const entries = Object.entries(replacementTable);
        assert.ok(entries.length >= 30);
        assert.deepStrictEqual(entries.filter(([, f]) => typeof f.source !== "string" || f.source.length < 20).map(([t]) => t), []);
    });

    it("keeps exactly the AWS Marketplace inputs whose change the provider's diff calls no change", async () => {
        const type = "pulumi-nodejs:dynamic/aws:MarketplaceVersion";
        const provider = createMarketplaceProvider();
        const olds = { ...versionInputs("http://127.0.0.1:1"), changeSetId: "changeset000001", changeSetStatus: "SUCCEEDED" };
        const changed: Record<string, unknown> = {
            versionTitle: "Renamed", releaseNotes: "Other", accessRoleArn: "arn:aws:iam::123456789012:role/other", osName: "UBUNTU",
            osVersion: "3", username: "admin", scanningPort: 2222, usageInstructions: "Other", recommendedInstanceType: "m7i.large",
            securityGroups: [{ ipProtocol: "tcp", fromPort: 443, toPort: 443, ipRanges: ["10.0.0.0/8"] }],
            deprecated: true, waitForCompletion: false, productId: "prod-other",
        };
        for (const [field, value] of Object.entries(changed)) {
            const diff = await provider.diff!("changeset000001", olds, { ...versionInputs("http://127.0.0.1:1"), [field]: value });
            assert.strictEqual(diff.changes === false, keptAt(type, field), `${field}: the provider says changes=${diff.changes}, the table says kept=${keptAt(type, field)}`);
        }
        assert.deepStrictEqual([...(replacementTable[type].keeps ?? [])].sort(), Object.keys(changed).filter((f) => keptAt(type, f)).sort(), "every kept input is tried");
    });

    it("keeps an AWS Marketplace version restricted, as the provider's diff does: deprecated true -> false is no change, false -> true is one", async () => {
        const type = "pulumi-nodejs:dynamic/aws:MarketplaceVersion";
        const provider = createMarketplaceProvider();
        const state = (deprecated: boolean) => ({ ...versionInputs("http://127.0.0.1:1", { deprecated }), changeSetId: "changeset000001", changeSetStatus: "SUCCEEDED" });
        const undeprecate = await provider.diff!("changeset000001", state(true), versionInputs("http://127.0.0.1:1", { deprecated: false }));
        assert.strictEqual(undeprecate.changes, false);
        assert.strictEqual(keptAt(type, "deprecated", true), true);
        const deprecate = await provider.diff!("changeset000001", state(false), versionInputs("http://127.0.0.1:1", { deprecated: true }));
        assert.strictEqual(deprecate.changes, true);
        assert.strictEqual(keptAt(type, "deprecated", false), false);
    });

    it("says which inputs replace an AMI and which update it", () => {
        assert.strictEqual(replacesAt("aws:ec2/ami:Ami", "ebsBlockDevices[0].volumeSize"), true);
        assert.strictEqual(replacesAt("aws:ec2/ami:Ami", "description"), false);
        assert.strictEqual(replacesAt("aws:ec2/ami:Ami", "deprecationTime"), false);
        assert.strictEqual(replacesAt("gcp:compute/image:Image", "labels.release"), false);
        assert.strictEqual(replacesAt("gcp:compute/image:Image", "rawDisk.source"), true);
        assert.throws(() => replacesAt("aws:ec2/instance:Instance", "ami"), /not in tools\/plan-replacement-table\.json/);
    });
});
