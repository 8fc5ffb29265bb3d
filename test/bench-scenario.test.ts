import * as assert from "assert";
import { benchFixtures, prodWithReleases } from "../bench/scenario";
import { runPlan } from "../tools/plan-run";

describe("The bench's scenario (bench/scenario.ts)", () => {
    it("is a prod stack the program accepts, with the oldest of several releases deprecated later and the others current", async () => {
        const config = prodWithReleases(2);
        const releases = JSON.parse(config.values["image-publisher:releases"]) as { version: string; deprecated?: string }[];
        assert.deepStrictEqual(releases.map((r) => [r.version, r.deprecated]), [["2000.0", "2027-03-31"], ["2001.0", undefined]]);
        const run = await runPlan("prod", config, { now: new Date("2026-11-22T00:00:00Z"), fixtures: benchFixtures() });
        assert.ok(run.recorded.some((r) => r.name.startsWith("release-2001.0-")));
    });
});
