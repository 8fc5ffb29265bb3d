import * as assert from "assert";
import { DescribeImagesCommand, DisableImageDeprecationCommand, EC2Client, EnableImageDeprecationCommand } from "@aws-sdk/client-ec2";
import {
    ImageDeprecationInputs, ImageDeprecationOutputs, imageDeprecationProvider,
} from "../components/aws/deprecation-provider";
import { FakeClock } from "./helpers/clock";
import { localAwsCredentials, withEnv } from "./helpers/env";
import { roundTrip } from "./helpers/serialise";
import { Ec2Server } from "./servers/ec2";

const AMI = "ami-0123456789abcdef0";
const COPY = "ami-0fedcba9876543210";
const PRIVATE = "ami-0aaaaaaaaaaaaaaa1";

describe("aws:ImageDeprecation provider, against a local EC2 API", () => {
    withEnv(localAwsCredentials);
    let clock: FakeClock;
    let server: Ec2Server;

    const provider = (requestTimeoutMs?: number) =>
        imageDeprecationProvider({ endpoint: server.endpoint, clock, random: () => 0.5, ...(requestTimeoutMs ? { requestTimeoutMs } : {}) });
    const inputs = (overrides: Partial<ImageDeprecationInputs> = {}): ImageDeprecationInputs =>
        ({ region: "eu-central-1", imageId: AMI, date: "2027-03-31", ...overrides });

    beforeEach(async () => {
        // 22 November 2026, 10:00:30 UTC.
        clock = new FakeClock(Date.UTC(2026, 10, 22, 10, 0, 30));
        server = await Ec2Server.start(clock.now);
        server.addImage("eu-central-1", { imageId: AMI, isPublic: true });
        server.addImage("us-east-1", { imageId: COPY, isPublic: true });
        server.addImage("eu-central-1", { imageId: PRIVATE });
    });

    afterEach(() => server.close());

    describe("the local server, as EC2 answers", () => {
        it("refuses a deprecation time in the past, and an unknown AMI, with EC2's error codes", async () => {
            const client = new EC2Client({ region: "eu-central-1", endpoint: server.endpoint, maxAttempts: 1 });
            await assert.rejects(client.send(new EnableImageDeprecationCommand({ ImageId: AMI, DeprecateAt: new Date("2026-11-22T00:00:00Z") })),
                (e: Error) => e.name === "InvalidParameterValue");
            await assert.rejects(client.send(new EnableImageDeprecationCommand({ ImageId: "ami-00000000000000001", DeprecateAt: new Date("2027-03-31T00:00:00Z") })),
                (e: Error) => e.name === "InvalidAMIID.NotFound" && e.message === "The image id '[ami-00000000000000001]' does not exist");
            await assert.rejects(client.send(new DescribeImagesCommand({ ImageIds: [COPY] })), (e: Error) => e.name === "InvalidAMIID.NotFound",
                "the copy is in us-east-1, not in the client's region");
            assert.strictEqual(server.image("eu-central-1", AMI)?.deprecationTime, "2028-11-22T10:00:30.000Z");
        });

        it("gives a public AMI a deprecation time of its creation + 2 years, which DisableImageDeprecation goes back to", async () => {
            const client = new EC2Client({ region: "eu-central-1", endpoint: server.endpoint, maxAttempts: 1 });
            const described = await client.send(new DescribeImagesCommand({ ImageIds: [AMI, PRIVATE] }));
            assert.deepStrictEqual(described.Images?.map((i) => [i.ImageId, i.Public, i.CreationDate, i.DeprecationTime]), [
                [AMI, true, "2026-11-22T10:00:30.000Z", "2028-11-22T10:00:30.000Z"],
                [PRIVATE, false, "2026-11-22T10:00:30.000Z", undefined],
            ]);
            await client.send(new EnableImageDeprecationCommand({ ImageId: AMI, DeprecateAt: new Date("2027-03-31T00:00:00Z") }));
            await client.send(new DisableImageDeprecationCommand({ ImageId: AMI }));
            assert.strictEqual(server.image("eu-central-1", AMI)?.deprecationTime, "2028-11-22T10:00:30.000Z");
            await client.send(new EnableImageDeprecationCommand({ ImageId: PRIVATE, DeprecateAt: new Date("2027-03-31T00:00:00Z") }));
            await client.send(new DisableImageDeprecationCommand({ ImageId: PRIVATE }));
            assert.strictEqual(server.image("eu-central-1", PRIVATE)?.deprecationTime, undefined);
        });

        it("refuses a time more than 2 years after a public AMI's creation", async () => {
            const client = new EC2Client({ region: "eu-central-1", endpoint: server.endpoint, maxAttempts: 1 });
            await assert.rejects(client.send(new EnableImageDeprecationCommand({ ImageId: AMI, DeprecateAt: new Date("2028-11-23T00:00:00Z") })),
                (e: Error) => e.name === "InvalidParameterValue");
            await client.send(new EnableImageDeprecationCommand({ ImageId: PRIVATE, DeprecateAt: new Date("2028-11-23T00:00:00Z") }));
        });
    });

    describe("create and update", () => {
        it("deprecates the AMI from the date's midnight UTC while the date is ahead", async () => {
            const created = await provider().create!(inputs());
            assert.strictEqual(created.id, `eu-central-1/${AMI}`);
            assert.strictEqual(server.image("eu-central-1", AMI)?.deprecationTime, "2027-03-31T00:00:00.000Z");
            assert.strictEqual((created.outs as ImageDeprecationOutputs).deprecationTime, "2027-03-31T00:00:00.000Z");
            const enable = server.calls("EnableImageDeprecation");
            assert.strictEqual(enable.length, 1);
            assert.strictEqual(enable[0].region, "eu-central-1");
            assert.strictEqual(enable[0].params.ImageId, AMI);
        });

        it("deprecates a copy in its own region", async () => {
            await provider().create!(inputs({ region: "us-east-1", imageId: COPY }));
            assert.strictEqual(server.image("us-east-1", COPY)?.deprecationTime, "2027-03-31T00:00:00.000Z");
        });

        it("sends a passed date as the next whole minute plus five: the nearest time EC2 accepts from a runner whose clock may lag", async () => {
            const created = await provider().create!(inputs({ date: "2026-11-01" }));
            // The clock reads 10:00:30; 10:01 is the next whole minute, and five minutes' margin makes 10:06.
            assert.strictEqual(server.image("eu-central-1", AMI)?.deprecationTime, "2026-11-22T10:06:00.000Z");
            assert.strictEqual((created.outs as ImageDeprecationOutputs).deprecationTime, "2026-11-22T10:06:00.000Z");
        });

        it("sends a date that is today, but whose midnight has passed, the same way", async () => {
            await provider().create!(inputs({ date: "2026-11-22" }));
            assert.strictEqual(server.image("eu-central-1", AMI)?.deprecationTime, "2026-11-22T10:06:00.000Z");
        });

        it("sends nothing on a rerun that finds the wanted time already set", async () => {
            const p = provider();
            const created = await p.create!(inputs());
            await p.create!(inputs());
            await p.update!(created.id, created.outs as ImageDeprecationOutputs, inputs());
            assert.strictEqual(server.calls("EnableImageDeprecation").length, 1);
            // One read before and one after the first Enable (it shows at once here), one per rerun.
            assert.strictEqual(server.calls("DescribeImages").length, 4);
        });

        it("sends nothing for a passed date when the AMI is deprecated already, however long ago", async () => {
            server.image("eu-central-1", AMI)!.deprecationTime = "2026-11-02T00:00:00.000Z";
            const created = await provider().create!(inputs({ date: "2026-11-01" }));
            assert.strictEqual(server.calls("EnableImageDeprecation").length, 0);
            assert.strictEqual((created.outs as ImageDeprecationOutputs).deprecationTime, "2026-11-02T00:00:00.000Z");
        });

        it("moves the time when the date moves, by an update", async () => {
            const p = provider();
            const created = await p.create!(inputs());
            const diff = await p.diff!(created.id, created.outs as ImageDeprecationOutputs, inputs({ date: "2027-06-30" }));
            assert.deepStrictEqual([diff.changes, diff.replaces], [true, []]);
            await p.update!(created.id, created.outs as ImageDeprecationOutputs, inputs({ date: "2027-06-30" }));
            assert.strictEqual(server.image("eu-central-1", AMI)?.deprecationTime, "2027-06-30T00:00:00.000Z");
        });

        it("sees drift when a refresh finds another time on the AMI, and the update sets the wanted one", async () => {
            const p = provider();
            const created = await p.create!(inputs());
            server.image("eu-central-1", AMI)!.deprecationTime = "2027-01-15T08:00:00.000Z";
            const read = await p.read!(created.id, created.outs as ImageDeprecationOutputs);
            const refreshed = read.props as ImageDeprecationOutputs;
            const diff = await p.diff!(created.id, refreshed, inputs());
            assert.deepStrictEqual([diff.changes, diff.replaces], [true, []]);
            await p.update!(created.id, refreshed, inputs());
            assert.strictEqual(server.image("eu-central-1", AMI)?.deprecationTime, "2027-03-31T00:00:00.000Z");
        });

        it("sees drift for a passed date when the AMI carries a time still far ahead (a public AMI's default), and none once it is deprecated", async () => {
            const p = provider();
            const state = { ...inputs({ date: "2026-11-01" }), deprecationTime: "2028-11-22T10:00:30.000Z" };
            assert.strictEqual((await p.diff!(`eu-central-1/${AMI}`, state, inputs({ date: "2026-11-01" }))).changes, true);
            const deprecated = { ...state, deprecationTime: "2026-11-01T00:00:00.000Z" };
            assert.strictEqual((await p.diff!(`eu-central-1/${AMI}`, deprecated, inputs({ date: "2026-11-01" }))).changes, false);
        });

        it("replaces for another AMI or region, and sees no change for the same inputs", async () => {
            const p = provider();
            const created = await p.create!(inputs());
            const outs = created.outs as ImageDeprecationOutputs;
            assert.deepStrictEqual((await p.diff!(created.id, outs, inputs({ imageId: COPY }))).replaces, ["imageId"]);
            assert.deepStrictEqual((await p.diff!(created.id, outs, inputs({ region: "us-east-1" }))).replaces, ["region"]);
            assert.strictEqual((await p.diff!(created.id, outs, inputs())).changes, false);
        });

        it("fails for an AMI that does not exist, naming it, and sends no deprecation", async () => {
            await assert.rejects(provider().create!(inputs({ imageId: "ami-00000000000000001" })),
                /cannot deprecate AMI ami-00000000000000001 in eu-central-1: it does not exist/);
            assert.strictEqual(server.calls("EnableImageDeprecation").length, 0);
        });

        it("refuses a date later than 2 years after a public AMI's creation, naming the AMI, region, date and limit, and sends nothing", async () => {
            await assert.rejects(provider().create!(inputs({ date: "2028-11-23" })), (e: Error) =>
                /public AMI ami-0123456789abcdef0 in eu-central-1 from 2028-11-23/.test(e.message) &&
                /2 years after a public AMI's creation/.test(e.message) && /2028-11-22T10:00:30.000Z at the latest/.test(e.message));
            assert.strictEqual(server.calls("EnableImageDeprecation").length, 0);
            assert.strictEqual(server.image("eu-central-1", AMI)?.deprecationTime, "2028-11-22T10:00:30.000Z");
        });

        it("takes a date on the last day before a public AMI's limit, and a later one for a private AMI", async () => {
            await provider().create!(inputs({ date: "2028-11-22" }));
            assert.strictEqual(server.image("eu-central-1", AMI)?.deprecationTime, "2028-11-22T00:00:00.000Z");
            await provider().create!(inputs({ imageId: PRIVATE, date: "2029-01-01" }));
            assert.strictEqual(server.image("eu-central-1", PRIVATE)?.deprecationTime, "2029-01-01T00:00:00.000Z");
        });

        it("refuses a date that is not a date at check", async () => {
            const result = await provider().check!(inputs(), inputs({ date: "2027-02-30x" }));
            assert.deepStrictEqual(result.failures?.map((f) => f.property), ["date"]);
            assert.deepStrictEqual((await provider().check!(inputs(), inputs())).failures, []);
        });
    });

    describe("read and delete", () => {
        it("reads the AMI's deprecation time, and an AMI without one as gone", async () => {
            const p = provider();
            const created = await p.create!(inputs());
            const read = await p.read!(created.id, created.outs as ImageDeprecationOutputs);
            assert.deepStrictEqual(read, { id: created.id, props: { ...inputs(), deprecationTime: "2027-03-31T00:00:00.000Z" } });
            const privately = await p.create!(inputs({ imageId: PRIVATE }));
            delete server.image("eu-central-1", PRIVATE)!.deprecationTime;
            assert.deepStrictEqual(await p.read!(privately.id, privately.outs as ImageDeprecationOutputs), {});
        });

        it("reads a deregistered AMI as gone", async () => {
            assert.deepStrictEqual(await provider().read!(`eu-central-1/ami-00000000000000001`), {});
        });

        it("un-deprecates a private AMI when the date leaves config, and sends nothing when there is nothing to undo", async () => {
            const p = provider();
            const created = await p.create!(inputs({ imageId: PRIVATE }));
            await p.delete!(created.id, created.outs as ImageDeprecationOutputs);
            assert.strictEqual(server.image("eu-central-1", PRIVATE)?.deprecationTime, undefined);
            assert.strictEqual(server.calls("DisableImageDeprecation").length, 1);
            await p.delete!(created.id, created.outs as ImageDeprecationOutputs);
            await p.delete!(created.id, { ...(created.outs as ImageDeprecationOutputs), imageId: "ami-00000000000000001" });
            assert.strictEqual(server.calls("DisableImageDeprecation").length, 1);
        });

        it("sends no DisableImageDeprecation for a public AMI, which cannot cancel its deprecation: the AMI keeps its time", async () => {
            const p = provider();
            const created = await p.create!(inputs());
            await p.delete!(created.id, created.outs as ImageDeprecationOutputs);
            assert.strictEqual(server.calls("DisableImageDeprecation").length, 0);
            assert.strictEqual(server.image("eu-central-1", AMI)?.deprecationTime, "2027-03-31T00:00:00.000Z");
        });
    });

    describe("faults", () => {
        it("retries throttling (RequestLimitExceeded) with growing waits, and sets the time once", async () => {
            server.faults.push({ action: "EnableImageDeprecation", kind: "throttling", times: 2 });
            await provider().create!(inputs());
            assert.strictEqual(server.image("eu-central-1", AMI)?.deprecationTime, "2027-03-31T00:00:00.000Z");
            assert.deepStrictEqual(server.calls("EnableImageDeprecation").map((r) => r.status), [503, 503, 200]);
            assert.deepStrictEqual(clock.sleeps, [900, 1800]);
        });

        it("retries 5xx answers of every call", async () => {
            server.faults.push({ action: "DescribeImages", kind: "internal", times: 1 }, { action: "EnableImageDeprecation", kind: "unavailable", times: 1 });
            await provider().create!(inputs());
            assert.deepStrictEqual(server.calls("DescribeImages").map((r) => r.status), [500, 200, 200]);
            assert.deepStrictEqual(server.calls("EnableImageDeprecation").map((r) => r.status), [503, 200]);
            assert.strictEqual(server.image("eu-central-1", AMI)?.deprecationTime, "2027-03-31T00:00:00.000Z");
        });

        it("sends a passed date's time afresh on each attempt, so that a retry after a wait is not refused as past", async () => {
            clock.advance(20_000);
            server.faults.push({ action: "EnableImageDeprecation", kind: "throttling", times: 5 });
            await provider().create!(inputs({ date: "2026-11-01" }));
            const sent = server.calls("EnableImageDeprecation").map((r) => r.params.DeprecateAt);
            assert.strictEqual(new Set(sent).size > 1, true, `times sent: ${sent.join(", ")}`);
            assert.ok(Date.parse(server.image("eu-central-1", AMI)!.deprecationTime!) > clock.now());
        });

        it("survives a lost answer: the call is repeated and the AMI carries one time", async () => {
            server.faults.push({ action: "EnableImageDeprecation", kind: "lostResponse", times: 1 });
            await provider().create!(inputs());
            assert.deepStrictEqual(server.calls("EnableImageDeprecation").map((r) => r.status), [500, 200]);
            assert.strictEqual(server.image("eu-central-1", AMI)?.deprecationTime, "2027-03-31T00:00:00.000Z");
        });

        it("abandons a request that does not answer and tries again", async () => {
            server.faults.push({ action: "EnableImageDeprecation", kind: "hang", times: 1 });
            await provider(300).create!(inputs());
            assert.deepStrictEqual(server.calls("EnableImageDeprecation").map((r) => r.status), [0, 200]);
            assert.strictEqual(server.image("eu-central-1", AMI)?.deprecationTime, "2027-03-31T00:00:00.000Z");
        });

        it("gives up after 6 attempts, waiting at most 20 s between two, and says which call failed", async () => {
            server.faults.push({ action: "EnableImageDeprecation", kind: "throttling", times: 100 });
            await assert.rejects(provider().create!(inputs()), /EC2 EnableImageDeprecation ami-0123456789abcdef0 in eu-central-1: gave up after 6 attempts: Request limit exceeded/);
            assert.strictEqual(server.calls("EnableImageDeprecation").length, 6);
            assert.deepStrictEqual(clock.sleeps, [900, 1800, 3600, 7200, 14400]);
            assert.strictEqual(server.image("eu-central-1", AMI)?.deprecationTime, "2028-11-22T10:00:30.000Z", "the public default, untouched");
        });

        it("does not retry a refusal", async () => {
            await assert.rejects(provider().create!(inputs({ imageId: "ami-00000000000000001" })));
            assert.strictEqual(server.calls("DescribeImages").length, 1);
        });
    });

    describe("eventual consistency", () => {
        it("waits until DescribeImages shows the time set, polling with growing waits", async () => {
            server.visibilityDelayMs = 10_000;
            const created = await provider().create!(inputs());
            assert.strictEqual((created.outs as ImageDeprecationOutputs).deprecationTime, "2027-03-31T00:00:00.000Z");
            // Before Enable, then after 0, 2, 4 (6 s in all) and 8 more seconds (14 s): the time shows after 10 s.
            assert.deepStrictEqual(clock.sleeps, [2_000, 4_000, 8_000]);
            assert.strictEqual(server.calls("DescribeImages").length, 5);
            const read = await provider().read!(created.id, created.outs as ImageDeprecationOutputs);
            assert.strictEqual((read.props as ImageDeprecationOutputs).deprecationTime, "2027-03-31T00:00:00.000Z");
        });

        it("gives up after 2 minutes, as terraform-provider-aws does, naming the AMI and the time awaited", async () => {
            server.visibilityDelayMs = 3_600_000;
            await assert.rejects(provider().create!(inputs()),
                /EC2 EnableImageDeprecation ami-0123456789abcdef0 in eu-central-1: timed out after 120 s waiting for DescribeImages to show the deprecation time 2027-03-31T00:00:00.000Z/);
            assert.strictEqual(clock.sleeps.reduce((a, b) => a + b, 0), 120_000);
            assert.strictEqual(server.calls("EnableImageDeprecation").length, 1);
        });
    });

    describe("serialised", () => {
        it("still deprecates the AMI after Pulumi's closure serialisation", async () => {
            const p = provider();
            const { value: serialised } = await roundTrip(() => p, { allowSecrets: true });
            await serialised.create!(inputs());
            assert.strictEqual(server.image("eu-central-1", AMI)?.deprecationTime, "2027-03-31T00:00:00.000Z");
        });

        it("carries no credentials and loads the SDK where it runs", async () => {
            const { text } = await roundTrip(() => imageDeprecationProvider(), { allowSecrets: true });
            assert.doesNotMatch(text, /AKIA|dummy-secret/);
            assert.match(text, /@aws-sdk\/client-ec2/);
        });
    });
});
