import * as assert from "assert";
import * as fs from "fs";
import { pendingReleases } from "../tools/release-source";
import { readEntries } from "../tools/release-yaml";
import { startReleaseFeed } from "./servers/release-feed";
import { startS3Objects } from "./servers/s3-objects";
import { release, stackCopy } from "./helpers/release-command";

const entries = readEntries(fs.readFileSync("Pulumi.prod.yaml", "utf8"), "Pulumi.prod.yaml");

describe("release pending: new releases in a release source", () => {
    it("reads a JSON feed and prints, oldest first, the versions newer than every configured release and not excluded", async () => {
        const feed = await startReleaseFeed(JSON.stringify({ releases: [{ version: "1601.0" }, { version: "1592.4" }, { version: "1600.1" }, { version: "1577.9" }, { version: "1602.0" }, { version: "nightly" }] }), "application/json");
        try {
            const run = await release(["pending", "--stack", "prod", "--config", stackCopy("Pulumi.prod.yaml"), "--source", feed.url, "--exclude", "1602.0"]);
            assert.strictEqual(run.code, 0, run.err);
            assert.strictEqual(run.out, "1600.1\n1601.0\n");
        } finally {
            await feed.close();
        }
    });

    it("reads a plain JSON list too", async () => {
        const feed = await startReleaseFeed("[\"1593.0\", \"1592.4\"]", "application/json");
        try {
            assert.deepStrictEqual(await pendingReleases(feed.url, entries, []), ["1593.0"]);
        } finally {
            await feed.close();
        }
    });

    it("reads the version in each item title of an RSS feed and each entry title of an Atom feed", async () => {
        const rss = await startReleaseFeed(`<?xml version="1.0"?><rss version="2.0"><channel><title>Acme Linux 1500.0 releases</title>
<item><title>Acme Linux 1600.1 released</title><link>https://acmelinux.example.org/1600.1</link></item>
<item><title><![CDATA[Acme Linux 1599.2 (beta)]]></title></item>
<item><title>Acme Linux 1592.4</title></item></channel></rss>`, "application/rss+xml");
        const atom = await startReleaseFeed(`<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>1400.0</title>
<entry><title type="text">Release 1603.0.1</title></entry></feed>`, "application/atom+xml");
        try {
            assert.deepStrictEqual(await pendingReleases(rss.url, entries, []), ["1599.2", "1600.1"]);
            assert.deepStrictEqual(await pendingReleases(atom.url, entries, []), ["1603.0.1"]);
        } finally {
            await Promise.all([rss.close(), atom.close()]);
        }
    });

    it("retries a feed that answers 503, with a bound, and fails with the status when it keeps doing so", async () => {
        const flaky = await startReleaseFeed("[\"1600.1\"]", "application/json", (i) => (i < 2 ? 503 : undefined));
        const down = await startReleaseFeed("[]", "application/json", () => 503);
        try {
            assert.deepStrictEqual(await pendingReleases(flaky.url, entries, [], { baseDelayMs: 1 }), ["1600.1"]);
            assert.deepStrictEqual(flaky.statuses, [503, 503, 200]);
            const run = await release(["pending", "--stack", "prod", "--config", stackCopy("Pulumi.prod.yaml"), "--source", down.url], {
                pending: (source, list, exclude) => pendingReleases(source, list, exclude, { baseDelayMs: 1 }),
            });
            assert.strictEqual(run.code, 1);
            assert.match(run.err, /gave up after 5 attempts: GET .*\/feed answered 503/);
            assert.strictEqual(down.statuses.length, 5);
        } finally {
            await Promise.all([flaky.close(), down.close()]);
        }
    });

    it("lists the version prefixes of the artifact bucket, or of a prefix in it", async () => {
        const s3 = await startS3Objects(["acmelinux-artifacts"]);
        try {
            for (const key of ["1577.2/a.raw", "1592.4/a.raw", "1600.1/a.raw", "1600.1/b.raw", "1601.0/a.raw", "latest/a.raw", "README"]) {
                await s3.put("acmelinux-artifacts", key, 1);
            }
            assert.deepStrictEqual(await pendingReleases("s3://acmelinux-artifacts/", entries, [], { s3: s3.client }), ["1600.1", "1601.0"]);
            await s3.put("acmelinux-artifacts", "images/1602.0/a.raw", 1);
            assert.deepStrictEqual(await pendingReleases("s3://acmelinux-artifacts/images/", entries, ["1601.0"], { s3: s3.client }), ["1602.0"]);
        } finally {
            await s3.close();
        }
    });
});
