import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import * as path from "node:path";
import { parseOutputs, validateOutputs } from "../components/outputs";
import { FakeClock } from "./helpers/clock";
import { NotifyIo, compactIds, main, makeRedactor, parseRetryAfter, renderSummary } from "../tools/notify";

const token = "hk7Qz9TokenPathSecret0123456789";
const prodText = fs.readFileSync(path.join(__dirname, "fixtures", "outputs-prod.json"), "utf8");
const prod = parseOutputs(prodText, "outputs-prod.json");

/** What the local webhook answers, one entry per request; the last one repeats. */
type Answer = { status: number; headers?: Record<string, string>; body?: string } | "drop";

/** A local incoming-webhook server on 127.0.0.1 that records every request. */
class WebhookServer {
    readonly requests: { method: string; url: string; contentType: string; body: string }[] = [];
    answers: Answer[] = [{ status: 200, body: "ok" }];
    private readonly server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
            this.requests.push({ method: req.method ?? "", url: req.url ?? "", contentType: String(req.headers["content-type"]), body: Buffer.concat(chunks).toString("utf8") });
            const answer = this.answers.length > 1 ? this.answers.shift()! : this.answers[0];
            if (answer === "drop") {
                req.socket.destroy();
                return;
            }
            res.writeHead(answer.status, { "content-type": "text/plain", ...answer.headers });
            res.end(answer.body ?? "");
        });
    });

    async start(): Promise<void> {
        await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    }

    get url(): string {
        return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/${token}`;
    }

    async stop(): Promise<void> {
        this.server.closeAllConnections();
        await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }
}

function notifyIo(env: Record<string, string | undefined>, stdin = prodText) {
    const out: string[] = [];
    const err: string[] = [];
    const clock = new FakeClock(Date.parse("2026-06-01T12:00:00Z"));
    const io: NotifyIo = {
        readStdin: async () => stdin,
        readFile: async (file) => fs.promises.readFile(file, "utf8"),
        writeFile: async () => { throw new Error("notify writes no files"); },
        stdout: (t) => { out.push(t); },
        stderr: (t) => { err.push(t); },
        env,
        clock,
        retry: { attempts: 4, baseDelayMs: 1_000, maxDelayMs: 20_000, timeoutMs: 10_000 },
    };
    return { io, clock, stdout: () => out.join(""), stderr: () => err.join("") };
}

describe("notify: the release summary", () => {
    it("lists each release with, per cloud, its architectures, the number of regions and a compact list of IDs", () => {
        const text = renderSummary(prod);
        assert.equal(text.split("\n")[0], "Image release: 9.6, 9.5");
        assert.match(text, /\n9\.6\n- AWS: x86_64, arm64 in 4 regions\n {2}- x86_64: ap-southeast-2 `ami-0a96a00000000a001`, eu-west-1 `ami-0a96e00000000e001`, us-east-1 `ami-0a96000000000u001` and 1 more\n {2}- arm64: ap-southeast-2 `ami-0b96a00000000a002`, eu-west-1 `ami-0b96e00000000e002`, us-east-1 `ami-0b96000000000u002`\n/);
        assert.match(text, /- Azure: x86_64, arm64 in 2 regions\n {2}- x86_64: `\/subscriptions\/[^`]+exampleos-9-x64\/versions\/9\.6\.0` \(all 2 regions\)/);
        assert.match(text, /- GCP: x86_64, arm64 in global\n {2}- x86_64: `projects\/exampleos-images\/global\/images\/exampleos-9-6-x86-64` \(global\)/);
        assert.match(text, /- OpenStack: x86_64 in 2 regions/);
        assert.match(text, /\n9\.5 \(deprecated from 2026-03-01\)\n- AWS: x86_64 in 2 regions\n/);
    });

    it("says a deprecation is scheduled before its date and has happened from its date on", () => {
        const before = renderSummary(prod, { versions: ["9.5"], now: new Date("2026-02-28T23:59:59Z") });
        assert.match(before, /\n9\.5 \(deprecation scheduled for 2026-03-01\)\n/);
        const on = renderSummary(prod, { versions: ["9.5"], now: new Date("2026-03-01T00:00:00Z") });
        assert.match(on, /\n9\.5 \(deprecated from 2026-03-01\)\n/);
    });

    it("gives the marketplace states and the community IDs", () => {
        const text = renderSummary(prod);
        assert.match(text, /- Azure community x86_64: `\/CommunityGalleries\/exampleos-[^`]+\/Images\/exampleos-9-x64\/Versions\/9\.6\.0`/);
        assert.match(text, /- AWS Marketplace: x86_64 SUCCEEDED \(`prod-x8664example01`, change set `cs-x8664example0001`\); arm64 APPLYING \(`prod-arm64example01`, change set `cs-arm64example0001`\)/);
        assert.match(text, /- Azure Marketplace: x86_64 preview \(`exampleos\/exampleos-9`, job completed\)/);
    });

    it("describes only the releases asked for, and refuses one that is not there", () => {
        const text = renderSummary(prod, { versions: ["9.5"], title: "ExampleOS" });
        assert.equal(text, "ExampleOS: 9.5\n\n9.5 (deprecated from 2026-03-01)\n- AWS: x86_64 in 2 regions\n  - x86_64: eu-west-1 `ami-0a95e00000000e001`, us-east-1 `ami-0a95000000000u001`");
        assert.throws(() => renderSummary(prod, { versions: ["9.7"] }), /release 9\.7 is not in the outputs; they have 9\.6, 9\.5/);
    });

    it("shows one ID once when every region has it, and a single region by name", () => {
        assert.equal(compactIds({ b: "x", a: "x", c: "x" }, 3), "`x` (all 3 regions)");
        assert.equal(compactIds({ only: "y" }, 3), "`y` (only)");
        assert.equal(compactIds({ b: "2", a: "1" }, 3), "a `1`, b `2`");
    });

    it("says a release without images has none", () => {
        assert.match(renderSummary(validateOutputs({ images: { "1.0": {} } })), /\n1\.0\n- no images$/);
    });
});

describe("notify: secrets stay out of logs", () => {
    it("redacts the URL, its path and its token in any text", () => {
        const url = `https://chat.example.com/hooks/${token}?x=1`;
        const redact = makeRedactor(url);
        const text = `failed ${url}; path /hooks/${token}; token ${token}; encoded ${encodeURIComponent(token)}`;
        const clean = redact(text);
        assert.ok(!clean.includes(token), clean);
        assert.ok(!clean.includes("chat.example.com/hooks"), clean);
    });

    it("reads Retry-After as seconds or as an HTTP date", () => {
        const now = Date.parse("2026-06-01T12:00:00Z");
        assert.equal(parseRetryAfter("7", now), 7000);
        assert.equal(parseRetryAfter("Mon, 01 Jun 2026 12:00:30 GMT", now), 30000);
        assert.equal(parseRetryAfter(null, now), undefined);
        assert.equal(parseRetryAfter("soon", now), undefined);
    });
});

describe("notify: posting to a local webhook", () => {
    const server = new WebhookServer();
    before(() => server.start());
    after(() => server.stop());
    beforeEach(() => {
        server.requests.length = 0;
        server.answers = [{ status: 200, body: "ok" }];
    });

    const noSecret = (run: ReturnType<typeof notifyIo>) => {
        for (const text of [run.stdout(), run.stderr()]) {
            assert.ok(!text.includes(token), `token printed: ${text}`);
            assert.ok(!text.includes(server.url), `URL printed: ${text}`);
            assert.ok(!text.includes("/hooks/"), `URL path printed: ${text}`);
        }
    };

    it("posts exactly {text, channel, username} as JSON to the URL from IMAGE_PUBLISHER_WEBHOOK_URL", async () => {
        const run = notifyIo({ IMAGE_PUBLISHER_WEBHOOK_URL: server.url });
        assert.equal(await main(["--channel", "releases", "--username", "image-publisher"], run.io), 0, run.stderr());
        assert.equal(server.requests.length, 1);
        const [request] = server.requests;
        assert.equal(request.method, "POST");
        assert.equal(request.url, `/hooks/${token}`);
        assert.equal(request.contentType, "application/json");
        assert.equal(request.body, JSON.stringify({ text: renderSummary(prod), channel: "releases", username: "image-publisher" }));
        assert.equal(run.stdout(), "notify: posted the release summary (1 attempt)\n");
        noSecret(run);
    });

    it("sends only the text when no channel or username is given, and reads the URL from --webhook-url-env", async () => {
        const run = notifyIo({ CHAT_HOOK: server.url });
        assert.equal(await main(["--webhook-url-env", "CHAT_HOOK", "--version", "9.5"], run.io), 0, run.stderr());
        assert.deepEqual(JSON.parse(server.requests[0].body), { text: renderSummary(prod, { versions: ["9.5"] }) });
    });

    it("retries once after a 500 and then succeeds", async () => {
        server.answers = [{ status: 500, body: "boom" }, { status: 200, body: "ok" }];
        const run = notifyIo({ IMAGE_PUBLISHER_WEBHOOK_URL: server.url });
        assert.equal(await main([], run.io), 0, run.stderr());
        assert.equal(server.requests.length, 2);
        assert.equal(server.requests[1].body, server.requests[0].body);
        assert.equal(run.clock.sleeps.length, 1);
        assert.match(run.stderr(), /attempt 1 of 4 failed \(webhook answered 500: boom\); retrying in \d+ ms/);
        assert.equal(run.stdout(), "notify: posted the release summary (2 attempts)\n");
        noSecret(run);
    });

    it("gives up after the bounded attempts when the webhook always fails, exiting non-zero without printing the URL", async () => {
        server.answers = [{ status: 500, body: `internal error at /hooks/${token}` }];
        const run = notifyIo({ IMAGE_PUBLISHER_WEBHOOK_URL: server.url });
        assert.equal(await main([], run.io), 1);
        assert.equal(server.requests.length, 4);
        assert.equal(run.clock.sleeps.length, 3);
        assert.ok(run.clock.sleeps.every((w) => w <= 20_000), String(run.clock.sleeps));
        assert.match(run.stderr(), /could not post to the webhook in IMAGE_PUBLISHER_WEBHOOK_URL: gave up after 4 attempts: webhook answered 500/);
        assert.match(run.stderr(), /\[redacted\]/);
        noSecret(run);
    });

    it("waits as long as Retry-After asks on a 429, but never longer than the bound", async () => {
        server.answers = [{ status: 429, headers: { "retry-after": "7" } }, { status: 429, headers: { "retry-after": "3600" } }, { status: 200 }];
        const run = notifyIo({ IMAGE_PUBLISHER_WEBHOOK_URL: server.url });
        assert.equal(await main([], run.io), 0, run.stderr());
        assert.equal(server.requests.length, 3);
        assert.equal(run.clock.sleeps[0], 7_000);
        assert.equal(run.clock.sleeps[1], 20_000);
    });

    it("does not retry a 400: the message itself is wrong", async () => {
        server.answers = [{ status: 400, body: "invalid payload" }];
        const run = notifyIo({ IMAGE_PUBLISHER_WEBHOOK_URL: server.url });
        assert.equal(await main([], run.io), 1);
        assert.equal(server.requests.length, 1);
        assert.match(run.stderr(), /webhook answered 400: invalid payload/);
        noSecret(run);
    });

    it("retries dropped connections and refused ones, and keeps the URL out of the error", async () => {
        server.answers = ["drop", { status: 200 }];
        const dropped = notifyIo({ IMAGE_PUBLISHER_WEBHOOK_URL: server.url });
        assert.equal(await main([], dropped.io), 0, dropped.stderr());
        assert.equal(server.requests.length, 2);
        noSecret(dropped);

        const closed = new WebhookServer();
        await closed.start();
        const refusedUrl = closed.url;
        await closed.stop();
        const refused = notifyIo({ IMAGE_PUBLISHER_WEBHOOK_URL: refusedUrl });
        assert.equal(await main([], refused.io), 1);
        assert.equal(refused.clock.sleeps.length, 3);
        assert.match(refused.stderr(), /gave up after 4 attempts: webhook request failed: connect ECONNREFUSED/);
        for (const text of [refused.stdout(), refused.stderr()]) {
            assert.ok(!text.includes(token) && !text.includes(refusedUrl), text);
        }
    });

    it("prints the message and posts nothing with --dry-run, with or without a URL", async () => {
        const withUrl = notifyIo({ IMAGE_PUBLISHER_WEBHOOK_URL: server.url });
        assert.equal(await main(["--dry-run", "--channel", "releases"], withUrl.io), 0);
        assert.deepEqual(JSON.parse(withUrl.stdout()), { text: renderSummary(prod), channel: "releases" });
        noSecret(withUrl);
        const withoutUrl = notifyIo({});
        assert.equal(await main(["--dry-run"], withoutUrl.io), 0);
        assert.equal(server.requests.length, 0);
    });

    it("names the variable, never its value, when the URL is missing or not a URL", async () => {
        const missing = notifyIo({});
        assert.equal(await main([], missing.io), 1);
        assert.match(missing.stderr(), /no webhook URL: set the environment variable IMAGE_PUBLISHER_WEBHOOK_URL, or use --dry-run/);
        const garbled = notifyIo({ IMAGE_PUBLISHER_WEBHOOK_URL: `not a url ${token}` });
        assert.equal(await main([], garbled.io), 1);
        assert.match(garbled.stderr(), /IMAGE_PUBLISHER_WEBHOOK_URL: the webhook URL is not a URL/);
        assert.ok(!garbled.stderr().includes(token));
        const ftp = notifyIo({ IMAGE_PUBLISHER_WEBHOOK_URL: `ftp://127.0.0.1/hooks/${token}` });
        assert.equal(await main([], ftp.io), 1);
        assert.match(ftp.stderr(), /must be http\(s\), not ftp/);
        assert.ok(!ftp.stderr().includes(token));
        assert.equal(server.requests.length, 0);
    });

    it("exits 1 with the file's name on input that is not the outputs, posting nothing", async () => {
        const run = notifyIo({ IMAGE_PUBLISHER_WEBHOOK_URL: server.url }, "not json");
        assert.equal(await main([], run.io), 1);
        assert.match(run.stderr(), /^notify: <stdin>: not JSON: /);
        assert.equal(server.requests.length, 0);
    });

    it("runs as a script: --dry-run on a file prints the body and exits 0", function () {
        this.timeout(60_000);
        const root = path.join(__dirname, "..");
        const result = spawnSync(process.execPath,
            [require.resolve("ts-node/dist/bin.js"), "--transpile-only", "tools/notify.ts", "test/fixtures/outputs-prod.json", "--dry-run"],
            { cwd: root, encoding: "utf8", env: { ...process.env, IMAGE_PUBLISHER_WEBHOOK_URL: server.url } });
        assert.equal(result.status, 0, result.stderr);
        assert.deepEqual(JSON.parse(result.stdout), { text: renderSummary(prod) });
        assert.ok(!result.stdout.includes(token) && !result.stderr.includes(token));
        assert.equal(server.requests.length, 0);
    });
});
