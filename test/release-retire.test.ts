import * as assert from "assert";
import * as fs from "fs";
import { recordingPlan, release, stackCopy } from "./helpers/release-command";

const prod = fs.readFileSync("Pulumi.prod.yaml", "utf8");

/** The text of a file with `inserted` put in front of the first occurrence of `at`. */
function insertedBefore(text: string, at: string, inserted: string): string {
    const i = text.indexOf(at);
    assert.ok(i > 0, `${at} is in the file`);
    return `${text.slice(0, i)}${inserted}${text.slice(i)}`;
}

describe("release retire and unpublish", () => {
    for (const command of ["retire", "unpublish"] as const) {
        it(`${command} writes ${command}: true at the end of the release's entry, keeping every other byte`, async () => {
            const file = stackCopy("Pulumi.prod.yaml");
            const plan = recordingPlan();
            const run = await release([command, "1577.2", "--stack", "prod", "--config", file], { planEdit: plan.planEdit });
            assert.strictEqual(run.code, 0, run.err);
            const expected = insertedBefore(prod, "    - version: \"1592.4\"", `      ${command}: true\n`);
            assert.strictEqual(fs.readFileSync(file, "utf8"), expected);
            assert.deepStrictEqual(plan.calls, [{ before: prod, after: expected }]);
            assert.strictEqual(run.out, "(plan diff)\n");
        });
    }

    it("refuses an unknown version, listing the configured ones, and changes nothing", async () => {
        const file = stackCopy("Pulumi.prod.yaml");
        const plan = recordingPlan();
        const run = await release(["retire", "1590.1", "--stack", "prod", "--config", file], { planEdit: plan.planEdit });
        assert.strictEqual(run.code, 1);
        assert.strictEqual(run.err, "release 1590.1 is not in the stack config; allowed: 1577.2, 1592.4\n");
        assert.strictEqual(fs.readFileSync(file, "utf8"), prod);
        assert.strictEqual(plan.calls.length, 0);
    });

    it("refuses to retire a release marked unpublish, naming both keys, and changes nothing", async () => {
        const file = stackCopy("Pulumi.prod.yaml", [["      releaseNotes: Acme Linux 1577.2, security and bug fixes.\n",
            "      releaseNotes: Acme Linux 1577.2, security and bug fixes.\n      unpublish: true\n"]]);
        const before = fs.readFileSync(file, "utf8");
        const plan = recordingPlan();
        const run = await release(["retire", "1577.2", "--stack", "prod", "--config", file], { planEdit: plan.planEdit });
        assert.strictEqual(run.code, 1);
        assert.match(run.err, /releases\[0\].*sets both retire and unpublish; allowed: one of them/);
        assert.strictEqual(fs.readFileSync(file, "utf8"), before);
        assert.strictEqual(plan.calls.length, 0);
    });

    it("refuses a release already marked, and changes nothing", async () => {
        const file = stackCopy("Pulumi.prod.yaml", [["      releaseNotes: Acme Linux 1577.2, security and bug fixes.\n",
            "      releaseNotes: Acme Linux 1577.2, security and bug fixes.\n      retire: true\n"]]);
        const before = fs.readFileSync(file, "utf8");
        const run = await release(["retire", "1577.2", "--stack", "prod", "--config", file], { planEdit: recordingPlan().planEdit });
        assert.strictEqual(run.code, 1);
        assert.strictEqual(run.err, "release 1577.2 is already marked retire: true; once that is applied, remove its entry\n");
        assert.strictEqual(fs.readFileSync(file, "utf8"), before);
    });

    it("prints the plan diff of retire: nothing in the cloud changes, the release's protection becomes retention", async () => {
        // Prod on AWS alone plans in a fraction of the time; test/timeline.test.ts retires a release of the whole prod stack.
        const file = stackCopy("Pulumi.prod.yaml", ["azure", "gcp", "alicloud", "openstack"].map((cloud) => [
            `  image-publisher:${cloud}:\n    enabled: true\n`, `  image-publisher:${cloud}:\n    enabled: false\n`] as [string, string]));
        const text = fs.readFileSync(file, "utf8");
        assert.strictEqual(text.match(/enabled: false/g)?.length, 4, "every cloud but AWS is off");
        const run = await release(["retire", "1577.2", "--now", "2026-12-02", "--stack", "prod", "--config", file, "--dry-run"]);
        assert.strictEqual(run.code, 0, run.err);
        assert.match(run.out, /0 to create, 0 to update, 0 to replace, 0 to delete\./);
        assert.match(run.out, /release-1577\.2: \d+ resources from protect true, retainOnDelete false to protect false, retainOnDelete true: removing the entry later drops it from the stack and leaves it in the cloud, public/);
        assert.doesNotMatch(run.out, /release-1592\.4:/);
        assert.strictEqual(fs.readFileSync(file, "utf8"), text, "a dry run writes nothing");
    });

    it("prints the plan diff of unpublish without a policy violation: unprotecting the release is what it asks", async () => {
        const file = stackCopy("Pulumi.prod.yaml");
        const run = await release(["unpublish", "1577.2", "--now", "2026-12-02", "--stack", "prod", "--config", file]);
        assert.strictEqual(run.code, 0, run.err);
        assert.match(run.out, /release-1577\.2: \d+ resources from protect true, retainOnDelete false to protect false, retainOnDelete false: removing the entry later deletes it and revokes public access/);
        assert.match(fs.readFileSync(file, "utf8"), /unpublish: true/);
    });
});
