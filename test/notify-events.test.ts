import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { FakeClock } from "./helpers/clock";
import { NotifyIo, main } from "../tools/notify";
import { readEventLog, renderRunReport } from "../tools/notify-events";

const fixture = path.join(__dirname, "fixtures", "pulumi-events-scheduled.jsonl");
const logText = fs.readFileSync(fixture, "utf8");

function io(files: Record<string, string>, env: Record<string, string | undefined> = {}) {
    const out: string[] = [];
    const err: string[] = [];
    const value: NotifyIo = {
        readStdin: async () => { throw new Error("no stdin in this test"); },
        readFile: async (file) => {
            if (!(file in files)) {
                throw new Error(`ENOENT: ${file}`);
            }
            return files[file];
        },
        writeFile: async () => { throw new Error("notify writes no files"); },
        stdout: (t) => { out.push(t); },
        stderr: (t) => { err.push(t); },
        env,
        clock: new FakeClock(),
    };
    return { io: value, stdout: () => out.join(""), stderr: () => err.join("") };
}

describe("notify: the report of a pulumi up event log", () => {
    it("lists what the run created, updated and replaced, from resource outputs events, leaving out the preview and unchanged resources", () => {
        const report = readEventLog(logText);
        assert.deepEqual(report.changed, [
            { op: "create", type: "pulumi-nodejs:dynamic/gcp:ImageDeprecation", name: "release-1577.2-gcp-x86_64-deprecation" },
            { op: "update", type: "pulumi-nodejs:dynamic/alicloud:CommunityShare", name: "release-1577.2-alicloud-x86_64-eu-central-1-community" },
            { op: "update", type: "openstack:images/image:Image", name: "release-1577.2-openstack-x86_64-lab-RegionOne" },
            { op: "update", type: "pulumi-nodejs:dynamic/aws:MarketplaceVersion", name: "release-1577.2-aws-x86_64-marketplace" },
            { op: "replace", type: "azure-native:compute:GalleryImageVersion", name: "release-1577.2-azure-x86_64-v2" },
        ]);
        assert.equal(report.complete, true);
    });

    it("lists each failed resource with the engine's error for it, then the run's own errors; warnings are not failures", () => {
        const report = readEventLog(logText);
        assert.deepEqual(report.failed, [
            {
                type: "pulumi-nodejs:dynamic/gcp:ImageDeprecation", name: "release-1577.2-gcp-arm64-deprecation", op: "create",
                messages: ["gave up after 6 attempts: images.deprecate acme-images/acmelinux-1577-2-arm64: 503 backendError"],
            },
            { messages: ["update failed"] },
        ]);
    });

    it("renders counts first, failures before changes, each named", () => {
        const text = renderRunReport(readEventLog(logText), { title: "Scheduled run of prod" });
        assert.equal(text.split("\n")[0], "Scheduled run of prod: 1 created, 3 updated, 1 replaced; 2 failed");
        assert.match(text, /\nFailed \(the next run retries these\):\n- create `release-1577\.2-gcp-arm64-deprecation` \(pulumi-nodejs:dynamic\/gcp:ImageDeprecation\): gave up after 6 attempts: [^\n]+\n- the run: update failed\n/);
        assert.match(text, /\nChanged:\n- create `release-1577\.2-gcp-x86_64-deprecation` \(pulumi-nodejs:dynamic\/gcp:ImageDeprecation\)\n- update `release-1577\.2-alicloud-x86_64-eu-central-1-community`/);
        assert.ok(text.indexOf("Failed") < text.indexOf("Changed"));
    });

    it("cuts a long list of changes with a count of the rest", () => {
        const report = readEventLog(logText);
        const text = renderRunReport(report, { listLimit: 2 });
        assert.match(text, /\n- and 3 more$/);
    });

    it("says when the log has no summary, as when the run was stopped, and skips a last line cut short", () => {
        const lines = logText.trimEnd().split("\n");
        const cut = [...lines.slice(0, 8), lines[8].slice(0, 40)].join("\n");
        const report = readEventLog(cut);
        assert.equal(report.complete, false);
        assert.equal(report.changed.length, 1);
        assert.match(renderRunReport(report), /the log has no summary: the run may have been stopped/);
    });

    it("refuses a log with a line that is not an engine event, naming the line", () => {
        const lines = logText.trimEnd().split("\n");
        const bad = [lines[0], "not json", ...lines.slice(1)].join("\n");
        assert.throws(() => readEventLog(bad, "events.jsonl"), /events\.jsonl, line 2: not a Pulumi engine event/);
        assert.throws(() => readEventLog(`{"hello":1}\n${lines[0]}\n`, "events.jsonl"), /line 1: not a Pulumi engine event \(not an engine event\)/);
    });

    it("posts the run's report through the notify command with --event-log", async () => {
        const { io: cli, stdout } = io({ "events.jsonl": logText });
        const code = await main(["--event-log", "events.jsonl", "--dry-run", "--title", "Scheduled run of prod", "--username", "image-publisher"], cli);
        assert.equal(code, 0);
        const message = JSON.parse(stdout()) as { text: string; username: string };
        assert.equal(message.username, "image-publisher");
        assert.match(message.text, /^Scheduled run of prod: 1 created, 3 updated, 1 replaced; 2 failed\n/);
    });

    it("posts nothing when the run changed nothing and nothing failed", async () => {
        const quiet = logText.trimEnd().split("\n").filter((l) => !/resOutputsEvent|resOpFailedEvent|"severity":"error"/.test(l) || /"planning":true|"op":"same"/.test(l)).join("\n");
        const { io: cli, stdout } = io({ "events.jsonl": quiet }, { IMAGE_PUBLISHER_WEBHOOK_URL: "http://127.0.0.1:1/hooks/never" });
        const code = await main(["--event-log", "events.jsonl"], cli);
        assert.equal(code, 0);
        assert.match(stdout(), /the run changed nothing and nothing failed; nothing posted/);
    });

    it("fails, naming the file, when the event log is missing", async () => {
        const { io: cli, stderr } = io({});
        assert.equal(await main(["--event-log", "events.jsonl", "--dry-run"], cli), 1);
        assert.match(stderr(), /ENOENT: events\.jsonl/);
    });
});
