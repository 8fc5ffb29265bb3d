/**
 * The edges of the aws:ImageDeprecation provider that test/aws-image-deprecation-provider.test.ts leaves
 * open: the exact boundaries of "already set" and of a public AMI's limit, the errors it names, the IDs
 * and dates it refuses, and the failures it does not swallow.
 */
import * as assert from "assert";
import {
    ImageDeprecationInputs, ImageDeprecationOutputs, deprecationSatisfied, imageDeprecationProvider, isRetryableEc2Error,
} from "../components/aws/deprecation-provider";
import { PollTimeoutError, RetriesExhaustedError } from "../components/dynamic/retry";
import { FakeClock } from "./helpers/clock";
import { localAwsCredentials, withEnv } from "./helpers/env";
import { Ec2Server } from "./servers/ec2";

const AMI = "ami-0123456789abcdef0";
const PRIVATE = "ami-0aaaaaaaaaaaaaaa1";

describe("aws:ImageDeprecation provider, at its edges", () => {
    withEnv(localAwsCredentials);
    let clock: FakeClock;
    let server: Ec2Server;

    const provider = (requestTimeoutMs?: number) =>
        imageDeprecationProvider({ endpoint: server.endpoint, clock, random: () => 0.5, ...(requestTimeoutMs ? { requestTimeoutMs } : {}) });
    const inputs = (overrides: Partial<ImageDeprecationInputs> = {}): ImageDeprecationInputs =>
        ({ region: "eu-central-1", imageId: PRIVATE, date: "2027-03-31", ...overrides });
    const state = (overrides: Partial<ImageDeprecationOutputs> = {}): ImageDeprecationOutputs =>
        ({ ...inputs(), deprecationTime: "2027-03-31T00:00:00.000Z", ...overrides });
    const rejection = async (promise: Promise<unknown>): Promise<Error> => {
        try {
            await promise;
        } catch (error) {
            return error as Error;
        }
        throw new Error("expected a rejection");
    };

    beforeEach(async () => {
        // 22 November 2026, 10:00:30 UTC.
        clock = new FakeClock(Date.UTC(2026, 10, 22, 10, 0, 30));
        server = await Ec2Server.start(clock.now);
        server.addImage("eu-central-1", { imageId: PRIVATE });
    });

    afterEach(() => server.close());

    describe("what counts as already set", () => {
        // At 23:55:00 the earliest time EC2 takes (the next whole minute, 23:55, plus five) is the next midnight.
        const beforeMidnight = Date.UTC(2026, 10, 22, 23, 55, 0);

        it("asks for exactly the date's midnight while that midnight is still a time EC2 takes", () => {
            assert.strictEqual(deprecationSatisfied("2026-11-23T00:00:00.000Z", "2026-11-23", beforeMidnight), true);
            assert.strictEqual(deprecationSatisfied("2026-11-22T23:59:00.000Z", "2026-11-23", beforeMidnight), false);
            assert.strictEqual(deprecationSatisfied("2026-11-23T00:01:00.000Z", "2026-11-23", beforeMidnight), false);
        });

        it("takes, for a passed date, a time up to and including the earliest one EC2 would take now, and no later", () => {
            const now = Date.UTC(2026, 10, 22, 10, 0, 30);
            assert.strictEqual(deprecationSatisfied("2026-11-22T10:06:00.000Z", "2026-11-01", now), true);
            assert.strictEqual(deprecationSatisfied("2026-11-22T10:06:01.000Z", "2026-11-01", now), false);
        });

        it("never takes an AMI without a deprecation time", () => {
            assert.strictEqual(deprecationSatisfied(undefined, "2026-11-01", Date.UTC(2026, 10, 22)), false);
        });
    });

    describe("diff", () => {
        it("reports a change, without delete-before-replace, when only the AMI changes", async () => {
            const diff = await provider().diff!(`eu-central-1/${PRIVATE}`, state(), inputs({ imageId: AMI }));
            assert.deepStrictEqual(diff, { changes: true, replaces: ["imageId"], deleteBeforeReplace: false });
        });

        it("reports a change when a passed date moves to another passed date, though the AMI is deprecated either way", async () => {
            const deprecated = state({ date: "2026-11-01", deprecationTime: "2026-11-01T00:00:00.000Z" });
            const diff = await provider().diff!(`eu-central-1/${PRIVATE}`, deprecated, inputs({ date: "2026-11-02" }));
            assert.deepStrictEqual(diff, { changes: true, replaces: [], deleteBeforeReplace: false });
        });
    });

    describe("check", () => {
        it("names the date refused and the form allowed", async () => {
            const result = await provider().check!(inputs(), inputs({ date: "31.03.2027" }));
            assert.deepStrictEqual(result.failures, [{ property: "date", reason: "\"31.03.2027\" is not a date; allowed: YYYY-MM-DD" }]);
        });

        it("refuses text around a date that JavaScript would still parse, and a day that does not exist", async () => {
            for (const date of ["+002027-03-31", "2027-03-31 (", "2027-13-01"]) {
                const result = await provider().check!(inputs(), inputs({ date }));
                assert.deepStrictEqual(result.failures?.map((f) => f.property), ["date"], date);
            }
        });

        it("leaves a date that is not known yet to the engine", async () => {
            const unknown = { region: "eu-central-1", imageId: PRIVATE } as ImageDeprecationInputs;
            assert.deepStrictEqual((await provider().check!(inputs(), unknown)).failures, []);
        });
    });

    describe("public AMIs", () => {
        it("takes a date whose midnight is exactly 2 years after the AMI's creation", async () => {
            // An earlier time than the public default, so that the limit's own time has to be sent.
            server.addImage("eu-central-1", { imageId: AMI, isPublic: true, createdAt: Date.UTC(2026, 10, 1), deprecationTime: "2027-01-01T00:00:00.000Z" });
            await provider().create!(inputs({ imageId: AMI, date: "2028-11-01" }));
            assert.strictEqual(server.image("eu-central-1", AMI)?.deprecationTime, "2028-11-01T00:00:00.000Z");
            assert.deepStrictEqual(server.calls("EnableImageDeprecation").map((r) => [r.params.DeprecateAt, r.status]), [["2028-11-01T00:00:00Z", 200]]);
        });

        it("says, when it refuses a later date, what EC2 does by default and what is allowed", async () => {
            server.addImage("eu-central-1", { imageId: AMI, isPublic: true, createdAt: Date.UTC(2026, 10, 1) });
            const error = await rejection(provider().create!(inputs({ imageId: AMI, date: "2028-11-02" })));
            assert.strictEqual(error.message,
                "cannot deprecate public AMI ami-0123456789abcdef0 in eu-central-1 from 2028-11-02: " +
                "EC2 takes no deprecation time later than 2 years after a public AMI's creation " +
                "(created 2026-11-01T00:00:00.000Z, so 2028-11-01T00:00:00.000Z at the latest); " +
                "it deprecates the AMI at that limit by default. Allowed: a date up to the limit, or make the AMI private first");
        });
    });

    describe("failures it names and does not swallow", () => {
        it("names DescribeImages, the AMI and region when it gives up, rather than taking the AMI for gone", async () => {
            server.faults.push({ action: "DescribeImages", kind: "throttling", times: 100 });
            const error = await rejection(provider().create!(inputs()));
            assert.match(error.message, /^EC2 DescribeImages ami-0aaaaaaaaaaaaaaa1 in eu-central-1: gave up after 6 attempts/);
            assert.ok(error.cause instanceof RetriesExhaustedError);
            assert.strictEqual(server.calls("EnableImageDeprecation").length, 0);
        });

        it("fails a read whose DescribeImages is refused for another reason than a missing AMI", async () => {
            server.faults.push({ action: "DescribeImages", kind: "unauthorized", times: 1 });
            const error = await rejection(provider().read!(`eu-central-1/${PRIVATE}`, state()));
            assert.strictEqual((error as Error & { name: string }).name, "UnauthorizedOperation");
        });

        it("keeps the RetriesExhaustedError of EnableImageDeprecation as the cause", async () => {
            server.faults.push({ action: "EnableImageDeprecation", kind: "throttling", times: 100 });
            const error = await rejection(provider().create!(inputs()));
            assert.match(error.message, /^EC2 EnableImageDeprecation ami-0aaaaaaaaaaaaaaa1 in eu-central-1: gave up after 6 attempts/);
            assert.ok(error.cause instanceof RetriesExhaustedError);
        });

        it("keeps the PollTimeoutError as the cause when the time never shows", async () => {
            server.visibilityDelayMs = 3_600_000;
            const error = await rejection(provider().create!(inputs()));
            assert.match(error.message, /^EC2 EnableImageDeprecation ami-0aaaaaaaaaaaaaaa1 in eu-central-1: timed out after 120 s/);
            assert.ok(error.cause instanceof PollTimeoutError);
        });

        it("passes on a failure of DescribeImages while it waits for the time to show, as DescribeImages' own", async () => {
            server.faults.push({ action: "DescribeImages", kind: "throttling", times: 100, skip: 1 });
            const error = await rejection(provider().create!(inputs()));
            assert.match(error.message, /^EC2 DescribeImages ami-0aaaaaaaaaaaaaaa1 in eu-central-1: gave up after 6 attempts/);
            assert.strictEqual(server.calls("EnableImageDeprecation").length, 1);
        });

        it("names DisableImageDeprecation when it gives up un-deprecating", async () => {
            server.image("eu-central-1", PRIVATE)!.deprecationTime = "2027-03-31T00:00:00.000Z";
            server.faults.push({ action: "DisableImageDeprecation", kind: "throttling", times: 100 });
            const error = await rejection(provider().delete!(`eu-central-1/${PRIVATE}`, state()));
            assert.match(error.message, /^EC2 DisableImageDeprecation ami-0aaaaaaaaaaaaaaa1 in eu-central-1: gave up after 6 attempts/);
        });

        it("takes an AMI deregistered between the read and DisableImageDeprecation as done", async () => {
            server.image("eu-central-1", PRIVATE)!.deprecationTime = "2027-03-31T00:00:00.000Z";
            server.faults.push({ action: "DisableImageDeprecation", kind: "notFound", times: 1 });
            await provider().delete!(`eu-central-1/${PRIVATE}`, state());
            assert.deepStrictEqual(server.calls("DisableImageDeprecation").map((r) => r.status), [400]);
        });

        it("fails a delete whose DisableImageDeprecation is refused for another reason", async () => {
            server.image("eu-central-1", PRIVATE)!.deprecationTime = "2027-03-31T00:00:00.000Z";
            server.faults.push({ action: "DisableImageDeprecation", kind: "unauthorized", times: 1 });
            const error = await rejection(provider().delete!(`eu-central-1/${PRIVATE}`, state()));
            assert.strictEqual((error as Error & { name: string }).name, "UnauthorizedOperation");
            assert.strictEqual(server.image("eu-central-1", PRIVATE)?.deprecationTime, "2027-03-31T00:00:00.000Z");
        });
    });

    describe("what it retries", () => {
        it("retries EC2's timeout and server-fault codes even when no HTTP status comes with them", () => {
            for (const name of ["TimeoutError", "RequestTimeout", "InternalError", "Unavailable"]) {
                assert.strictEqual(isRetryableEc2Error({ name }), true, name);
            }
        });

        it("goes by the EC2 code before the error's name, and retries nothing else", () => {
            assert.strictEqual(isRetryableEc2Error({ Code: "RequestTimeout", name: "Error" }), true);
            assert.strictEqual(isRetryableEc2Error({ Code: "InvalidAMIID.NotFound", name: "InternalError" }), false);
            assert.strictEqual(isRetryableEc2Error({ name: "InvalidParameterValue" }), false);
            assert.strictEqual(isRetryableEc2Error({}), false);
            assert.strictEqual(isRetryableEc2Error(undefined), false);
        });

        it("abandons a request that does not answer within the time given", async function () {
            this.timeout(10_000);
            server.faults.push({ action: "DescribeImages", kind: "hang", times: 1 });
            const started = Date.now();
            await provider(200).create!(inputs());
            assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
            assert.deepStrictEqual(server.calls("DescribeImages").map((r) => r.status), [0, 200, 200]);
        });
    });

    describe("read", () => {
        it("takes the date from the time the AMI carries when it reads without a state (an import)", async () => {
            server.image("eu-central-1", PRIVATE)!.deprecationTime = "2027-05-01T00:00:00.000Z";
            assert.deepStrictEqual(await provider().read!(`eu-central-1/${PRIVATE}`), {
                id: `eu-central-1/${PRIVATE}`,
                props: { region: "eu-central-1", imageId: PRIVATE, date: "2027-05-01", deprecationTime: "2027-05-01T00:00:00.000Z" },
            });
        });

        it("refuses an ID that is not <region>/<ami-id>, whole, and asks EC2 nothing", async () => {
            for (const id of [`EU/eu-central-1/${PRIVATE}`, `eu-central-1/${PRIVATE}/x`, PRIVATE]) {
                const error = await rejection(provider().read!(id));
                assert.strictEqual(error.message, `not an AMI deprecation ID: ${id}; expected <region>/<ami-id>`);
            }
            assert.strictEqual(server.requests.length, 0);
        });
    });
});
