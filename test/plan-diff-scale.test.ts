import * as assert from "assert";
import { benchFixtures, prodWithReleases } from "../bench/scenario";
import { diffRuns } from "../tools/plan-diff";
import { githubCommentLimit, renderDiffMarkdown } from "../tools/plan-diff-render";
import { runPlan } from "../tools/plan-run";

describe("Plan diff of a prod stack of 20 releases", () => {
    before(function () {
        // Two plans of about 2,800 resources each (10 to 25 s): under Stryker every surviving mutant
        // of components/ would run them again, for no kill the smaller plans of the suite miss.
        if ((globalThis as { __stryker__?: unknown }).__stryker__ !== undefined) {
            this.skip();
        }
    });

    it("shows a 21st release whole, every new resource with its inputs, in one GitHub comment, refusing nothing", async () => {
        const options = { now: new Date("2026-11-22T00:00:00Z"), fixtures: benchFixtures() };
        const before = await runPlan("prod", prodWithReleases(20), options);
        const after = await runPlan("prod", prodWithReleases(21), options);
        const diff = await diffRuns(before, after, "prod");
        assert.deepStrictEqual(diff.refusals, []);
        assert.ok(diff.resources.length > 100);
        assert.deepStrictEqual([...new Set(diff.resources.map((r) => `${r.op} ${r.name.split("-").slice(0, 2).join("-")}`))], ["create release-2020.0"]);
        const markdown = renderDiffMarkdown(diff);
        assert.ok(markdown.length < githubCommentLimit, `${markdown.length} characters`);
        assert.doesNotMatch(markdown, /Details cut/);
        // Every new resource is in the details, with its inputs (the AMI's artifact key, for one).
        for (const r of diff.resources) {
            assert.ok(markdown.includes(` ${r.name}`), r.name);
        }
        assert.match(markdown, /s3Key":"2020\.0\/acmelinux-2020\.0-x86_64\.raw"/);
    });
});
