import * as assert from "assert";
import {
    backoffDelay, isTransientHttpError, PollTimeoutError, pollUntil, realClock, retry, RetriesExhaustedError,
} from "../components/dynamic/retry";
import { FakeClock } from "./helpers/clock";

/** An error that every test's `retryable` accepts. */
class Flaky extends Error {}

/** A retryable that retries only {@link Flaky}. */
const onlyFlaky = (e: unknown) => e instanceof Flaky;

describe("backoffDelay", () => {
    it("starts at the base delay and doubles it with each attempt, with jitter between 80 % and 100 %", () => {
        assert.strictEqual(backoffDelay(1, 1000, 60000, () => 0), 800);
        assert.strictEqual(backoffDelay(1, 1000, 60000, () => 0.5), 900);
        assert.strictEqual(backoffDelay(2, 1000, 60000, () => 0.5), 1800);
        assert.strictEqual(backoffDelay(3, 1000, 60000, () => 0.5), 3600);
        assert.strictEqual(backoffDelay(4, 1000, 60000, () => 0.25), 6800);
    });

    it("caps the delay before jitter at the maximum", () => {
        assert.strictEqual(backoffDelay(10, 1000, 5000, () => 0.5), 4500);
        assert.strictEqual(backoffDelay(4, 1000, 5000, () => 0), 4000);
    });

    it("rounds to whole milliseconds", () => {
        assert.strictEqual(backoffDelay(1, 333, 60000, () => 0), 266);
    });

    it("draws its jitter from Math.random when given none", () => {
        for (let i = 0; i < 20; i++) {
            const delay = backoffDelay(2, 1000, 60000);
            assert.ok(delay >= 1600 && delay <= 2000, `delay ${delay} is within 1600..2000`);
        }
    });
});

describe("retry", () => {
    it("returns the first success, after waiting the backoff delays between the failures", async () => {
        const clock = new FakeClock();
        const calls: number[] = [];
        const result = await retry(async (attempt) => {
            calls.push(attempt);
            if (attempt < 3) {
                throw new Flaky(`failure ${attempt}`);
            }
            return "done";
        }, { attempts: 5, baseDelayMs: 1000, maxDelayMs: 60000, retryable: onlyFlaky, clock, random: () => 0.5 });

        assert.strictEqual(result, "done");
        assert.deepStrictEqual(calls, [1, 2, 3]);
        assert.deepStrictEqual(clock.sleeps, [900, 1800]);
    });

    it("gives up after the configured number of attempts, with the last error as the cause", async () => {
        const clock = new FakeClock();
        const retries: Array<[string, number, number]> = [];
        let calls = 0;
        const last = new Flaky("failure 4");
        await assert.rejects(
            retry(async (attempt) => {
                calls++;
                throw attempt === 4 ? last : new Flaky(`failure ${attempt}`);
            }, {
                attempts: 4, baseDelayMs: 500, maxDelayMs: 1500, retryable: onlyFlaky, clock, random: () => 0,
                onRetry: (error, attempt, delayMs) => retries.push([(error as Error).message, attempt, delayMs]),
            }),
            (e: unknown) => {
                assert.ok(e instanceof RetriesExhaustedError);
                assert.strictEqual(e.name, "RetriesExhaustedError");
                assert.strictEqual(e.attempts, 4);
                assert.strictEqual(e.cause, last);
                assert.strictEqual(e.message, "gave up after 4 attempts: failure 4");
                return true;
            },
        );
        assert.strictEqual(calls, 4);
        // 500, 1000, then 2000 capped at 1500; each at 80 %.
        assert.deepStrictEqual(clock.sleeps, [400, 800, 1200]);
        assert.deepStrictEqual(retries, [["failure 1", 1, 400], ["failure 2", 2, 800], ["failure 3", 3, 1200]]);
    });

    it("names a cause that is not an Error by its string form", async () => {
        await assert.rejects(
            retry(async () => {
                throw "plain text";
            }, { attempts: 1, baseDelayMs: 1, maxDelayMs: 1, retryable: () => true, clock: new FakeClock() }),
            { name: "RetriesExhaustedError", message: "gave up after 1 attempts: plain text" },
        );
    });

    it("throws an error that is not retryable at once, without waiting", async () => {
        const clock = new FakeClock();
        const fatal = new Error("denied");
        let calls = 0;
        await assert.rejects(
            retry(async (attempt) => {
                calls++;
                throw attempt === 1 ? new Flaky("once") : fatal;
            }, { attempts: 5, baseDelayMs: 100, maxDelayMs: 1000, retryable: onlyFlaky, clock, random: () => 0 }),
            (e: unknown) => e === fatal,
        );
        assert.strictEqual(calls, 2);
        assert.deepStrictEqual(clock.sleeps, [80]);
    });
});

describe("pollUntil", () => {
    it("checks until the state is final, waiting delays that grow by the factor up to the maximum", async () => {
        const clock = new FakeClock();
        const states = ["pending", "pending", "pending", "pending", "pending", "ready"];
        let checks = 0;
        const result = await pollUntil({
            check: async () => states[checks++], done: (s) => s === "ready", what: "the image",
            initialDelayMs: 1000, maxDelayMs: 5000, factor: 3, timeoutMs: 3600000, clock,
        });
        assert.strictEqual(result, "ready");
        assert.strictEqual(checks, 6);
        assert.deepStrictEqual(clock.sleeps, [1000, 3000, 5000, 5000, 5000]);
    });

    it("doubles the delay when given no factor", async () => {
        const clock = new FakeClock();
        let checks = 0;
        await pollUntil({
            check: async () => ++checks, done: (n) => n === 5, what: "the count",
            initialDelayMs: 100, maxDelayMs: 10000, timeoutMs: 3600000, clock,
        });
        assert.deepStrictEqual(clock.sleeps, [100, 200, 400, 800]);
    });

    it("returns at once, without waiting, when the first state is final", async () => {
        const clock = new FakeClock();
        assert.strictEqual(await pollUntil({
            check: async () => 7, done: () => true, what: "x", initialDelayMs: 100, maxDelayMs: 100, timeoutMs: 1000, clock,
        }), 7);
        assert.deepStrictEqual(clock.sleeps, []);
    });

    it("gives up once the time is up, never sleeping past it, and reports the last state", async () => {
        const clock = new FakeClock();
        let checks = 0;
        await assert.rejects(
            pollUntil({
                check: async () => ({ status: "copying", n: ++checks }), done: () => false, what: "the copy to eu-west-1",
                initialDelayMs: 20000, maxDelayMs: 60000, timeoutMs: 90000, clock,
            }),
            (e: unknown) => {
                assert.ok(e instanceof PollTimeoutError);
                assert.strictEqual(e.name, "PollTimeoutError");
                assert.strictEqual(e.message, 'timed out after 90 s waiting for the copy to eu-west-1; last state: {"status":"copying","n":4}');
                assert.deepStrictEqual(e.lastState, { status: "copying", n: 4 });
                return true;
            },
        );
        // 20 s, 40 s, then only the 30 s left of the 90 s.
        assert.deepStrictEqual(clock.sleeps, [20000, 40000, 30000]);
        assert.strictEqual(clock.elapsed(), 90000);
    });

    it("counts the time the checks themselves take", async () => {
        const clock = new FakeClock();
        await assert.rejects(
            pollUntil({
                check: async () => {
                    clock.advance(4000);
                    return "busy";
                },
                done: () => false, what: "slow checks", initialDelayMs: 1000, maxDelayMs: 1000, timeoutMs: 10000, clock,
            }),
            { name: "PollTimeoutError", message: 'timed out after 10 s waiting for slow checks; last state: "busy"' },
        );
        // Check to 4 s, wait to 5 s, check to 9 s, wait the 1 s left, check to 14 s: past the 10 s.
        assert.deepStrictEqual(clock.sleeps, [1000, 1000]);
    });
});

describe("realClock", () => {
    it("tells the current time", () => {
        const before = Date.now();
        const now = realClock.now();
        assert.ok(now >= before && now <= Date.now());
    });

    it("resolves its sleep once the timer fires", async () => {
        const winner = await Promise.race([
            realClock.sleep(0).then(() => "slept"),
            new Promise((resolve) => setTimeout(() => resolve("still waiting"), 20)),
        ]);
        assert.strictEqual(winner, "slept");
    });
});

describe("isTransientHttpError", () => {
    it("retries throttling (429) and server errors (5xx) from statusCode, status or the AWS SDK's $metadata", () => {
        for (const error of [
            { statusCode: 429 }, { statusCode: 500 }, { statusCode: 503 }, { status: 429 }, { status: 502 },
            { $metadata: { httpStatusCode: 429 } }, { $metadata: { httpStatusCode: 500 } },
        ]) {
            assert.strictEqual(isTransientHttpError(error), true, JSON.stringify(error));
        }
    });

    it("does not retry client errors", () => {
        for (const error of [
            { statusCode: 400 }, { statusCode: 404 }, { status: 403 }, { status: 499 }, { $metadata: { httpStatusCode: 409 } },
        ]) {
            assert.strictEqual(isTransientHttpError(error), false, JSON.stringify(error));
        }
    });

    it("takes statusCode before status, and status before $metadata", () => {
        assert.strictEqual(isTransientHttpError({ statusCode: 404, status: 503 }), false);
        assert.strictEqual(isTransientHttpError({ statusCode: 503, status: 404 }), true);
        assert.strictEqual(isTransientHttpError({ status: 404, $metadata: { httpStatusCode: 503 } }), false);
        assert.strictEqual(isTransientHttpError({ status: 503, $metadata: { httpStatusCode: 404 } }), true);
    });

    it("retries dropped connections and throttling named by code or by error name", () => {
        for (const code of [
            "ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "ThrottlingException", "TooManyRequestsException",
            "Throttling", "RequestLimitExceeded", "ServiceUnavailable", "InternalServerException",
        ]) {
            assert.strictEqual(isTransientHttpError({ code }), true, `code ${code}`);
            const named = new Error("x");
            named.name = code;
            assert.strictEqual(isTransientHttpError(named), true, `name ${code}`);
        }
    });

    it("takes the code before the name", () => {
        assert.strictEqual(isTransientHttpError({ code: "ENOTFOUND", name: "ThrottlingException" }), false);
        assert.strictEqual(isTransientHttpError({ code: "EPIPE", name: "Error" }), true);
    });

    it("does not retry other errors, nor values that are not errors", () => {
        for (const error of [new Error("boom"), { code: "ENOTFOUND" }, { name: "ValidationException" }, {}, undefined, null, "ECONNRESET", ""]) {
            assert.strictEqual(isTransientHttpError(error), false, String(error));
        }
    });
});
