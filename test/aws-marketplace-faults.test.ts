import * as assert from "assert";
import { createMarketplaceProvider, MarketplaceVersionInputs } from "../components/aws/marketplace-provider";
import {
    MARKETPLACE_POLL_DEFAULTS, pollCost,
} from "../components/aws/marketplace-schedule";
import { useLocalMarketplace, versionInputs as sampleVersion } from "./helpers/aws-marketplace";
import { FakeClock } from "./helpers/clock";
import { MarketplaceCatalogServer } from "./servers/marketplace-catalog";

const HOUR = 3_600_000;

/** The sample version with its instance type given, so no test here needs the product's newest version. */
function versionInputs(endpoint: string, overrides: Partial<MarketplaceVersionInputs> = {}): MarketplaceVersionInputs {
    return sampleVersion(endpoint, { recommendedInstanceType: "m7i.large", ...overrides });
}

describe("AwsMarketplaceVersion under faults", () => {
    let clock: FakeClock;
    let server: MarketplaceCatalogServer;
    let endpoint: string;
    let provider: ReturnType<typeof createMarketplaceProvider>;

    useLocalMarketplace({ "prod-x86": "x86_64" }, (local) => {
        ({ clock, server, endpoint } = local);
        // Jitter at its top: every delay is the longest the schedule allows.
        provider = createMarketplaceProvider({ clock, random: () => 0.999999 });
    });

    describe("transient errors", () => {
        it("retries throttling and 500s with growing, bounded delays, then publishes", async () => {
            server.fail("throttling", 3, "StartChangeSet");
            server.fail("internal", 2, "DescribeChangeSet");

            const result = await provider.create(versionInputs(endpoint));

            assert.strictEqual(result.outs!.changeSetStatus, "SUCCEEDED");
            assert.deepStrictEqual(server.calls("StartChangeSet").map((call) => call.status), [429, 429, 429, 200]);
            assert.deepStrictEqual(server.calls("DescribeChangeSet").map((call) => call.status), [500, 500, 200]);
            assert.deepStrictEqual(clock.sleeps, [1_000, 2_000, 4_000, 1_000, 2_000]);
            assert.strictEqual(server.changeSets.size, 1);
        });

        it("gives up after the bounded attempts with an error that names the call", async () => {
            server.fail("throttling", 1_000, "ListChangeSets");

            await assert.rejects(provider.create(versionInputs(endpoint)), /Marketplace ListChangeSets: gave up after 6 attempts: Rate exceeded/);

            assert.strictEqual(server.calls("ListChangeSets").length, 6);
            assert.strictEqual(clock.sleeps.length, 5);
            assert.ok(Math.max(...clock.sleeps) <= 30_000, "no wait over 30 s");
            assert.strictEqual(server.calls("StartChangeSet").length, 0);
        });

        it("starts one change set when the answer to StartChangeSet is lost and the call is repeated", async () => {
            server.fail("lostResponse", 1);

            const result = await provider.create(versionInputs(endpoint));

            const starts = server.calls("StartChangeSet");
            assert.deepStrictEqual(starts.map((call) => call.status), [500, 200]);
            assert.strictEqual(starts[0].body!.ClientRequestToken, starts[1].body!.ClientRequestToken);
            assert.strictEqual(server.changeSets.size, 1);
            assert.strictEqual(result.id, [...server.changeSets.keys()][0]);
        });
    });

    describe("a product busy with another change set", () => {
        it("waits with growing delays until the other change set ends, then starts", async () => {
            server.plans.push({ durationMs: 20 * 60_000 });
            const other = await provider.create(versionInputs(endpoint, { version: "2.0.9", versionTitle: "Example Linux 2.0.9", waitForCompletion: false }));
            assert.strictEqual(other.outs!.changeSetStatus, "APPLYING");

            const result = await provider.create(versionInputs(endpoint));

            assert.strictEqual(result.outs!.changeSetStatus, "SUCCEEDED");
            const statuses = server.calls("StartChangeSet").map((call) => call.status);
            assert.deepStrictEqual(statuses, [200, 423, 423, 423, 423, 200]);
            const busyWaits = clock.sleeps.slice(0, 4);
            assert.deepStrictEqual(busyWaits.map((delay) => Math.round(delay / 60_000)), [2, 4, 8, 16]);
        });

        it("gives up after the bounded attempts, never waiting more than 30 minutes at once, with an error naming the product", async () => {
            server.fail("resourceInUse", 1_000);

            await assert.rejects(provider.create(versionInputs(endpoint)), (error: Error) =>
                /product prod-x86 was still busy with another change set after 10 attempts/.test(error.message)
                && error.message.includes("in use by another change set"));

            assert.strictEqual(server.calls("StartChangeSet").length, 10);
            assert.strictEqual(clock.sleeps.length, 9);
            assert.ok(Math.max(...clock.sleeps) <= 30 * 60_000, "no wait over 30 minutes");
            assert.ok(clock.sleeps.every((delay, index) => index === 0 || delay >= clock.sleeps[index - 1]), "delays never shrink");
            const total = clock.sleeps.reduce((sum, delay) => sum + delay, 0);
            assert.ok(total <= 3 * HOUR, `waited ${total} ms in all`);
            const tokens = new Set(server.calls("StartChangeSet").map((call) => call.body!.ClientRequestToken));
            assert.strictEqual(tokens.size, 1, "every attempt carries the same token");
        });

        it("honours resourceInUseAttempts", async () => {
            server.fail("resourceInUse", 1_000);

            await assert.rejects(provider.create(versionInputs(endpoint, { resourceInUseAttempts: 3 })), /after 3 attempts/);
            assert.strictEqual(server.calls("StartChangeSet").length, 3);
        });

        it("retries RestrictDeliveryOptions too while the product is busy", async () => {
            const state = (await provider.create(versionInputs(endpoint))).outs!;
            server.resetTraffic();
            server.fail("resourceInUse", 2);

            const updated = await provider.update!(state.changeSetId, state, versionInputs(endpoint, { deprecated: true }));

            assert.deepStrictEqual(server.calls("StartChangeSet").map((call) => call.status), [423, 423, 200]);
            assert.strictEqual(updated.outs!.restrictChangeSetStatus, "SUCCEEDED");
        });
    });

    describe("repeated runs", () => {
        it("a create resumed after the first one timed out while APPLYING starts no second change set", async () => {
            server.plans.push({ durationMs: 4 * HOUR });

            await assert.rejects(provider.create(versionInputs(endpoint, { pollTimeoutMinutes: 60 })), (error: Error) => {
                const changeSetId = [...server.changeSets.keys()][0];
                return /timed out after 3600 s/.test(error.message) && error.message.includes(changeSetId) && error.message.includes("APPLYING");
            });
            assert.strictEqual(server.changeSets.size, 1);

            const resumed = await provider.create(versionInputs(endpoint));

            assert.strictEqual(server.calls("StartChangeSet").length, 1);
            assert.strictEqual(server.changeSets.size, 1);
            assert.strictEqual(resumed.outs!.changeSetStatus, "SUCCEEDED");
            assert.strictEqual(resumed.id, [...server.changeSets.keys()][0]);
        });

        it("a create repeated after success adopts the finished change set", async () => {
            const first = await provider.create(versionInputs(endpoint));
            const second = await provider.create(versionInputs(endpoint));

            assert.strictEqual(second.id, first.id);
            assert.strictEqual(second.outs!.deliveryOptionId, first.outs!.deliveryOptionId);
            assert.strictEqual(server.calls("StartChangeSet").length, 1);
        });

        it("a run after a FAILED change set starts a new one with a new token", async () => {
            server.plans.push({ outcome: { failureCode: "CLIENT_ERROR", errors: [{ ErrorCode: "INVALID_AMI", ErrorMessage: "not shared" }] } });
            await assert.rejects(provider.create(versionInputs(endpoint)), /INVALID_AMI/);

            const retried = await provider.create(versionInputs(endpoint));

            const tokens = server.calls("StartChangeSet").map((call) => call.body!.ClientRequestToken);
            // The first attempt's token, then the token of attempt 1 (see the token test in aws-marketplace.test.ts).
            assert.deepStrictEqual(tokens, ["ip-299335dd0f7b340b91bb07c57e8750d2", "ip-ff74ac156556dcbb798400bdd22e061c"]);
            assert.strictEqual(server.changeSets.size, 2);
            assert.strictEqual(retried.outs!.changeSetStatus, "SUCCEEDED");
        });
    });

    describe("the poll schedule", () => {
        it("costs at most 60 DescribeChangeSet calls for a change set APPLYING for 4 hours, and sees its end within 5 %", async () => {
            const durations = [4 * HOUR, 4 * HOUR + 1_000, 4 * HOUR + 299_000, 4 * HOUR + 599_000, 3.5 * HOUR, 4.5 * HOUR];
            for (const [index, duration] of durations.entries()) {
                server.resetTraffic();
                server.plans.push({ durationMs: duration });
                const started = clock.now();

                const result = await provider.create(versionInputs(endpoint, { version: `2.1.${index}`, versionTitle: `Example Linux 2.1.${index}` }));

                const describes = server.calls("DescribeChangeSet");
                const noticed = describes[describes.length - 1].at - started;
                assert.strictEqual(result.outs!.changeSetStatus, "SUCCEEDED");
                assert.ok(describes.length <= 60, `${describes.length} describes for ${duration / HOUR} h`);
                assert.ok(noticed >= duration && noticed - duration <= 0.05 * duration, `seen ${(noticed - duration) / 1000} s late after ${duration / HOUR} h`);
                assert.deepStrictEqual(pollCost(duration), { describes: describes.length, noticedAtMs: noticed });
            }
        });

        it("gives exactly the figures its documentation states", () => {
            assert.deepStrictEqual(MARKETPLACE_POLL_DEFAULTS, { initialDelayMs: 30_000, maxDelayMs: 600_000, factor: 2, timeoutMs: 8 * HOUR });
            const fourHours = pollCost(4 * HOUR);
            assert.strictEqual(fourHours.describes, 29);
            assert.ok(fourHours.noticedAtMs - 4 * HOUR <= 600_000, "the end is seen within 10 minutes");
        });
    });
});
