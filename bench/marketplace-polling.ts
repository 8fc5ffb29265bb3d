/**
 * Marketplace polling economy: a change set that stays APPLYING for a simulated 4 hours, against
 * the local Marketplace Catalog server, on a simulated clock. Counts the DescribeChangeSet calls,
 * the longest gap between two of them, and how late the provider notices SUCCEEDED.
 */
import { createMarketplaceProvider } from "../components/aws/marketplace-provider";
import { FakeClock, MarketplaceCatalogServer } from "../test/servers/marketplace-catalog";

/** What one simulated review cost. */
export interface PollingFigures {
    /** The simulated review time, in hours. */
    reviewHours: number;
    /** DescribeChangeSet calls made while waiting. */
    describes: number;
    /** The longest gap between two polls, in minutes. */
    longestGapMinutes: number;
    /** How long after SUCCEEDED the provider noticed it, in minutes. */
    noticeDelayMinutes: number;
    /** That delay as a share of the review time. */
    noticeDelayShare: number;
}

/** Runs one simulated review of `hours` hours. */
export async function marketplacePolling(hours = 4): Promise<PollingFigures> {
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";
    process.env.AWS_SECRET_ACCESS_KEY = "bench-secret-for-the-local-server";
    const clock = new FakeClock();
    const server = new MarketplaceCatalogServer(clock);
    const endpoint = await server.start();
    try {
        server.addProduct("prod-bench", "x86_64");
        server.amis.add("ami-0123456789abcdef0");
        const reviewMs = hours * 3_600_000;
        server.plans.push({ durationMs: reviewMs });
        const provider = createMarketplaceProvider({ clock, random: () => 0.5 });
        const started = clock.now();
        await provider.create({
            productId: "prod-bench", amiId: "ami-0123456789abcdef0", architecture: "x86_64", version: "1.0",
            versionTitle: "1.0", releaseNotes: "bench", accessRoleArn: "arn:aws:iam::123456789012:role/ingest",
            osName: "OTHERLINUX", osVersion: "1", username: "admin", scanningPort: 22, usageInstructions: "ssh",
            securityGroups: [{ ipProtocol: "tcp", fromPort: 22, toPort: 22, ipRanges: ["0.0.0.0/0"] }],
            recommendedInstanceType: "t3.small", waitForCompletion: true, endpoint,
        });
        const times = server.calls("DescribeChangeSet").map((r) => r.at);
        const gaps = times.slice(1).map((t, i) => t - times[i]);
        const noticed = times[times.length - 1] - started;
        return {
            reviewHours: hours,
            describes: times.length,
            longestGapMinutes: Math.max(...gaps) / 60_000,
            noticeDelayMinutes: (noticed - reviewMs) / 60_000,
            noticeDelayShare: (noticed - reviewMs) / reviewMs,
        };
    } finally {
        await server.close();
        process.env.AWS_ACCESS_KEY_ID = saved.id;
        process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
        if (saved.id === undefined) {
            delete process.env.AWS_ACCESS_KEY_ID;
        }
        if (saved.secret === undefined) {
            delete process.env.AWS_SECRET_ACCESS_KEY;
        }
    }
}

if (require.main === module) {
    marketplacePolling().then((f) => process.stdout.write(`${JSON.stringify(f)}\n`));
}
