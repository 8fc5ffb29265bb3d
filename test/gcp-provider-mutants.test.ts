/**
 * The GCP image deprecation and ARM64 image providers' rules that gcp-deprecation-provider.test.ts
 * and gcp-arm-image-provider.test.ts leave open: when a status counts as already set, each field of
 * diff, read of a resource that was deprecated or made elsewhere, delete of what is already gone,
 * adoption of an existing image, and how the shared Compute client reports failures. Written against
 * the mutants Stryker found alive (README, "Mutation testing").
 */
import * as assert from "assert";
import { ArmImageInputs, ArmImageOutputs, armImageProvider, armImageRequestId } from "../components/gcp/arm-image-provider";
import { clientOptionsFor, ComputeClientOptions, computeClient, hasStatus } from "../components/gcp/compute-client";
import { deprecationDocument, deprecationMatches, ImageDeprecationInputs, imageDeprecationProvider } from "../components/gcp/deprecation-provider";
import { FakeClock } from "./helpers/clock";
import { GceServer } from "./servers/gce";

const PROJECT = "images-project";
const replacement = "projects/images-project/global/images/flatcar-1593-0-x86-64";
const source = "https://storage.googleapis.com/images-bucket/flatcar-1592.4-arm64-gcpimage.tar.gz";

/** The deprecation of the sample x86-64 image. */
function deprecation(overrides: Partial<ImageDeprecationInputs> = {}): ImageDeprecationInputs {
    return {
        project: PROJECT,
        image: "flatcar-1592-4-x86-64",
        state: "DEPRECATED",
        deprecated: "2026-03-01T00:00:00.000Z",
        replacement,
        ...overrides,
    };
}

/** The sample ARM64 image. */
function armImage(overrides: Partial<ArmImageInputs> = {}): ArmImageInputs {
    return {
        project: PROJECT,
        name: "flatcar-1592-4-arm64",
        source,
        family: "flatcar-1592-arm64",
        description: "flatcar 1592.4 (arm64)",
        guestOsFeatures: ["UEFI_COMPATIBLE", "GVNIC"],
        licenses: ["projects/images-project/global/licenses/flatcar"],
        labels: { version: "1592-4", arch: "arm64" },
        storageLocations: ["eu"],
        shieldedInstanceInitialState: { pk: { content: "UEs=", fileType: "X509" } },
        ...overrides,
    };
}

describe("GCP providers against the local Compute API", () => {
    let server: GceServer;
    let clock: FakeClock;
    let options: ComputeClientOptions;

    beforeEach(async () => {
        server = await GceServer.start("test-token");
        clock = new FakeClock(1_000_000);
        options = { endpoint: server.endpoint, token: async () => "test-token", clock, timeoutMs: 10 * 60 * 1000 };
    });

    afterEach(() => server.close());

    /** The images.deprecate calls the server received. */
    const deprecates = () => server.calls("POST", /\/deprecate$/);

    describe("GcpImageDeprecation", () => {
        beforeEach(() => {
            server.seedImage(PROJECT, { name: "flatcar-1592-4-x86-64" });
        });

        it("sends state DEPRECATED alone when there is neither a time nor a replacement", async () => {
            await imageDeprecationProvider(options).create!(deprecation({ deprecated: undefined, replacement: undefined }));

            assert.deepStrictEqual(deprecates().map((call) => call.body), [{ state: "DEPRECATED" }]);
            assert.deepStrictEqual(deprecationDocument(deprecation({ replacement: undefined })), { state: "DEPRECATED", deprecated: "2026-03-01T00:00:00.000Z" });
            assert.deepStrictEqual(deprecationDocument(deprecation({ deprecated: undefined, replacement: undefined })), { state: "DEPRECATED" });
        });

        it("sends the status again when the image carries another state, time or replacement, or no time", async () => {
            const wanted = deprecationDocument(deprecation());
            assert.strictEqual(deprecationMatches({ ...wanted, state: "OBSOLETE" }, wanted), false);
            assert.strictEqual(deprecationMatches({ state: "DEPRECATED", replacement }, wanted), false);
            assert.strictEqual(deprecationMatches({ state: "DEPRECATED", deprecated: wanted.deprecated }, wanted), false);
            assert.strictEqual(deprecationMatches({ ...wanted }, { state: "DEPRECATED", replacement }), false);
            assert.strictEqual(deprecationMatches({ state: "DEPRECATED" }, { state: "DEPRECATED" }), true);
            assert.strictEqual(deprecationMatches({ ...wanted, replacement: `https://compute.googleapis.com/compute/v1/${replacement}` }, wanted), true);
        });

        it("deprecates an image whose deprecation has no time yet", async () => {
            server.seedImage(PROJECT, { name: "flatcar-1592-4-x86-64", deprecated: { state: "DEPRECATED", replacement } });

            await imageDeprecationProvider(options).create!(deprecation());

            assert.deepStrictEqual(deprecates().map((call) => call.body), [{ state: "DEPRECATED", replacement, deprecated: "2026-03-01T00:00:00.000Z" }]);
        });

        it("compares replacements that are not project URLs, and times that are not dates, as whole texts", () => {
            assert.strictEqual(deprecationMatches({ state: "DEPRECATED", replacement: "image-a" }, { state: "DEPRECATED", replacement: "image-b" }), false);
            assert.strictEqual(deprecationMatches({ state: "DEPRECATED", replacement: "global/images/flatcar-1592" }, { state: "DEPRECATED", replacement: "global/images/flatcar-1602" }), false);
            assert.strictEqual(deprecationMatches({ state: "DEPRECATED", deprecated: "soon" }, { state: "DEPRECATED", deprecated: "soon" }), true);
        });

        it("reads an image whose state is ACTIVE as not deprecated, and sends nothing to delete its deprecation", async () => {
            server.seedImage(PROJECT, { name: "flatcar-1592-4-x86-64", deprecated: { state: "ACTIVE" } });
            const provider = imageDeprecationProvider(options);

            assert.deepStrictEqual(await provider.read!("projects/images-project/global/images/flatcar-1592-4-x86-64/deprecated"), {});
            await provider.delete!("id", deprecation());
            assert.deepStrictEqual(deprecates(), []);
        });

        it("refuses a deprecation ID with anything before or after it", async () => {
            const provider = imageDeprecationProvider(options);
            for (const id of ["x/projects/images-project/global/images/flatcar-1592-4-x86-64/deprecated", "projects/images-project/global/images/flatcar-1592-4-x86-64/deprecated/x"]) {
                await assert.rejects(provider.read!(id), /not an image deprecation ID/, id);
            }
        });

        it("diffs: no change for the same inputs, in place for state, time or replacement, replaced for another project or image", async () => {
            const provider = imageDeprecationProvider(options);
            assert.deepStrictEqual(await provider.diff!("id", deprecation(), deprecation()), { changes: false, replaces: [] });
            assert.deepStrictEqual(await provider.diff!("id", deprecation({ replacement: "" }), deprecation({ replacement: undefined })), { changes: false, replaces: [] });
            assert.deepStrictEqual(await provider.diff!("id", deprecation({ replacement: undefined }), deprecation({ replacement: "" })), { changes: false, replaces: [] });
            assert.deepStrictEqual(await provider.diff!("id", deprecation(), deprecation({ replacement: undefined })), { changes: true, replaces: [] });
            assert.deepStrictEqual(await provider.diff!("id", deprecation(), deprecation({ state: "OBSOLETE" as "DEPRECATED" })), { changes: true, replaces: [] });
            assert.deepStrictEqual(await provider.diff!("id", deprecation(), deprecation({ project: "other" })), { changes: true, replaces: ["project"] });
        });

        it("update sends the new status and returns the new inputs", async () => {
            const news = deprecation({ replacement: undefined });

            const updated = await imageDeprecationProvider(options).update!("id", deprecation(), news);

            assert.deepStrictEqual(updated, { outs: news });
            assert.deepStrictEqual(deprecates().map((call) => call.body), [{ state: "DEPRECATED", deprecated: "2026-03-01T00:00:00.000Z" }]);
        });

        it("reads a deprecation made elsewhere without a time or replacement, and refuses an ID of another shape", async () => {
            server.seedImage(PROJECT, { name: "flatcar-1592-4-x86-64", deprecated: { state: "OBSOLETE" } });
            const provider = imageDeprecationProvider(options);
            const id = "projects/images-project/global/images/flatcar-1592-4-x86-64/deprecated";

            assert.deepStrictEqual(await provider.read!(id), {
                id, props: { project: PROJECT, image: "flatcar-1592-4-x86-64", state: "OBSOLETE" },
            });
            await assert.rejects(provider.read!("projects/images-project/global/images/flatcar-1592-4-x86-64"),
                /^Error: not an image deprecation ID: projects\/images-project\/global\/images\/flatcar-1592-4-x86-64; expected projects\/<project>\/global\/images\/<name>\/deprecated$/);
        });

        it("reads an image with an empty status, or none at all, as not deprecated", async () => {
            const provider = imageDeprecationProvider(options);
            server.seedImage(PROJECT, { name: "flatcar-1592-4-x86-64", deprecated: {} });
            assert.deepStrictEqual(await provider.read!("projects/images-project/global/images/flatcar-1592-4-x86-64/deprecated"), {});
            assert.deepStrictEqual(await provider.read!("projects/images-project/global/images/missing/deprecated"), {});
        });

        it("delete sends nothing for an image that is gone or carries an empty status", async () => {
            const provider = imageDeprecationProvider(options);
            server.seedImage(PROJECT, { name: "flatcar-1592-4-x86-64", deprecated: {} });

            await provider.delete!("id", deprecation());
            await provider.delete!("id", deprecation({ image: "missing" }));

            assert.deepStrictEqual(deprecates(), []);
        });

        it("delete takes an image deleted while its deprecation is cleared as done, and passes on any other refusal", async () => {
            const provider = imageDeprecationProvider(options);
            server.seedImage(PROJECT, { name: "flatcar-1592-4-x86-64", deprecated: { state: "DEPRECATED" } });
            server.faults.push({ method: "POST", path: /\/deprecate$/, status: 404, reason: "notFound", times: 1 });

            await provider.delete!("id", deprecation());

            server.faults.push({ method: "POST", path: /\/deprecate$/, status: 403, reason: "forbidden", times: 1 });
            await assert.rejects(provider.delete!("id", deprecation()), /images\.deprecate images-project\/flatcar-1592-4-x86-64: HTTP 403/);
        });
    });

    describe("GcpArmImage", () => {
        it("keeps the request ID of an image the same from release to release of this code", () => {
            // A changed derivation would make a resent insert a new request. The ID is a UUID (version 5
            // layout) over the project, a newline and the insert document as JSON; the value below was
            // computed apart from this code (Python's hashlib over the same text).
            assert.strictEqual(armImageRequestId(armImage()), "3c432da2-3c71-581f-ac67-ac904aa6cd53");
        });

        it("refuses to adopt an image of that name and source that is not ARM64, or that FAILED", async () => {
            server.seedImage(PROJECT, { name: "flatcar-1592-4-arm64", rawDisk: { source } });
            await assert.rejects(armImageProvider(options).create!(armImage()),
                /^Error: image flatcar-1592-4-arm64 already exists in project images-project from https:\/\/storage\.googleapis\.com\/images-bucket\/flatcar-1592\.4-arm64-gcpimage\.tar\.gz \(architecture unset\); it is not the ARM64 image of .*, so it is left alone$/);

            server.seedImage(PROJECT, { name: "flatcar-1592-4-arm64", architecture: "ARM64" });
            await assert.rejects(armImageProvider(options).create!(armImage()), /from another source \(architecture ARM64\)/);

            server.seedImage(PROJECT, { name: "flatcar-1592-4-arm64", architecture: "ARM64", rawDisk: { source }, status: "FAILED" });
            await assert.rejects(armImageProvider(options).create!(armImage()),
                /^Error: image flatcar-1592-4-arm64 already exists in project images-project in state FAILED; delete it to import it again$/);
            assert.deepStrictEqual(server.calls("POST", /global\/images$/), []);
        });

        it("passes on the 409 of an insert when the image it collided with is gone again", async () => {
            server.faults.push({ method: "POST", path: /global\/images$/, status: 409, reason: "alreadyExists", times: 1 });

            await assert.rejects(armImageProvider(options).create!(armImage()), /images\.insert images-project\/flatcar-1592-4-arm64: HTTP 409/);
        });

        it("reports the creation time and the ID the API assigned", async () => {
            const { outs } = await armImageProvider(options).create!(armImage());
            const stored = server.images.get("images-project/flatcar-1592-4-arm64")!;
            assert.strictEqual((outs as ArmImageOutputs).creationTimestamp, stored.creationTimestamp);
            assert.strictEqual((outs as ArmImageOutputs).imageId, stored.id);
        });

        it("diffs each replacing field, and no change for the same inputs or an unset field written as null", async () => {
            const provider = armImageProvider(options);
            const old = { ...armImage(), selfLink: "s", imageId: "1", status: "READY" };
            for (const [key, value] of [
                ["project", "other"], ["name", "other"], ["description", "other"], ["guestOsFeatures", []], ["licenses", []],
                ["storageLocations", ["us"]], ["shieldedInstanceInitialState", undefined],
            ] as const) {
                const diff = await provider.diff!("id", old, armImage({ [key]: value }));
                assert.deepStrictEqual(diff, { changes: true, replaces: [key], deleteBeforeReplace: true, stables: ["selfLink", "imageId", "creationTimestamp"] }, key);
            }
            const unset = await provider.diff!("id", { ...old, family: undefined }, armImage({ family: null as unknown as string }));
            assert.strictEqual(unset.changes, false);
        });

        it("update fails, naming image and project, when the image is gone", async () => {
            await assert.rejects(armImageProvider(options).update!("id", { ...armImage(), selfLink: "", imageId: "", status: "READY" }, armImage()),
                /^Error: image flatcar-1592-4-arm64 is gone from project images-project; refresh the stack to recreate it$/);
        });

        it("update returns the new labels with the image's IDs", async () => {
            const provider = armImageProvider(options);
            const { outs } = await provider.create!(armImage());

            const updated = await provider.update!("id", outs as ArmImageOutputs, armImage({ labels: { team: "os" } }));

            assert.deepStrictEqual((updated.outs as ArmImageOutputs).labels, { team: "os" });
            assert.strictEqual((updated.outs as ArmImageOutputs).imageId, (outs as ArmImageOutputs).imageId);
        });

        it("reads an image it did not make (import) from what the API says of it", async () => {
            const stored = server.seedImage(PROJECT, {
                name: "flatcar-1592-4-arm64", architecture: "ARM64", rawDisk: { source }, family: "flatcar-1592-arm64", description: "imported",
                guestOsFeatures: [{ type: "GVNIC" }], licenses: ["l"], storageLocations: ["eu"], labels: { team: "os" },
                shieldedInstanceInitialState: { pk: { content: "UEs=", fileType: "X509" } },
            });

            const read = await armImageProvider(options).read!("projects/images-project/global/images/flatcar-1592-4-arm64");

            assert.deepStrictEqual(read, {
                id: "projects/images-project/global/images/flatcar-1592-4-arm64",
                props: {
                    project: PROJECT, name: "flatcar-1592-4-arm64", source, guestOsFeatures: ["GVNIC"], licenses: ["l"],
                    labels: { team: "os" }, storageLocations: ["eu"], description: "imported",
                    // The client library answers the repeated fields the image does not set as empty lists.
                    shieldedInstanceInitialState: { pk: { content: "UEs=", fileType: "X509" }, keks: [], dbs: [], dbxs: [] },
                    family: "flatcar-1592-arm64", selfLink: stored.selfLink, imageId: stored.id, status: "READY", creationTimestamp: stored.creationTimestamp,
                },
            });
        });

        it("reads an image without optional fields as empty lists, no source and no description", async () => {
            const stored = server.seedImage(PROJECT, { name: "bare" });

            const read = await armImageProvider(options).read!("projects/images-project/global/images/bare");

            assert.deepStrictEqual(read.props, {
                project: PROJECT, name: "bare", source: "", guestOsFeatures: [], licenses: [], labels: {}, storageLocations: [],
                selfLink: stored.selfLink, imageId: stored.id, status: "READY", creationTimestamp: stored.creationTimestamp,
            });
        });

        it("stores an empty URL, ID and status, and no creation time, for fields the API leaves out", async () => {
            server.seedImage(PROJECT, { name: "bare", selfLink: undefined, id: undefined, status: undefined, creationTimestamp: undefined });

            const read = await armImageProvider(options).read!("projects/images-project/global/images/bare");

            assert.deepStrictEqual(read.props, {
                project: PROJECT, name: "bare", source: "", guestOsFeatures: [], licenses: [], labels: {}, storageLocations: [],
                selfLink: "", imageId: "", status: "",
            });
        });

        it("keeps the known source, and drops a family the image no longer has, on refresh", async () => {
            server.seedImage(PROJECT, { name: "flatcar-1592-4-arm64", labels: { team: "os" } });
            const props = { ...armImage(), selfLink: "s", imageId: "1", status: "READY" };

            const read = await armImageProvider(options).read!("projects/images-project/global/images/flatcar-1592-4-arm64", props);

            const refreshed = read.props as ArmImageOutputs;
            assert.strictEqual(refreshed.source, source);
            assert.strictEqual(refreshed.family, undefined);
            assert.deepStrictEqual(refreshed.labels, { team: "os" });
        });

        it("refuses to read an ID of another shape", async () => {
            await assert.rejects(armImageProvider(options).read!("projects/images-project/images/x"),
                /^Error: not an image ID: projects\/images-project\/images\/x; expected projects\/<project>\/global\/images\/<name>$/);
            for (const id of ["x/projects/images-project/global/images/bare", "projects/images-project/global/images/bare/deprecated"]) {
                await assert.rejects(armImageProvider(options).read!(id), /not an image ID/, id);
            }
        });

        it("delete waits for the delete operation to finish", async () => {
            server.seedImage(PROJECT, { name: "flatcar-1592-4-arm64" });
            server.operationPolls = 2;

            await armImageProvider(options).delete!("id", { ...armImage(), selfLink: "", imageId: "", status: "READY" });

            assert.strictEqual(server.calls("GET", /operations/).length, 3);
        });

        it("delete passes on a refusal other than an image that is gone", async () => {
            server.seedImage(PROJECT, { name: "flatcar-1592-4-arm64" });
            server.faults.push({ method: "DELETE", path: /flatcar-1592-4-arm64$/, status: 403, reason: "forbidden", times: 1 });

            await assert.rejects(armImageProvider(options).delete!("id", { ...armImage(), selfLink: "", imageId: "", status: "READY" }),
                /^Error: Compute API images\.delete images-project\/flatcar-1592-4-arm64: HTTP 403/);
        });

        it("update names the setLabels call the API refused", async () => {
            const provider = armImageProvider(options);
            const { outs } = await provider.create!(armImage());
            server.faults.push({ method: "POST", path: /setLabels$/, status: 403, reason: "forbidden", times: 1 });

            await assert.rejects(provider.update!("id", outs as ArmImageOutputs, armImage({ labels: {} })), /^Error: Compute API images\.setLabels images-project\/flatcar-1592-4-arm64: HTTP 403/);
        });

        it("delete of an image already gone waits for no operation", async () => {
            await armImageProvider(options).delete!("id", { ...armImage(), selfLink: "", imageId: "", status: "READY" });

            assert.strictEqual(server.calls("DELETE", /flatcar-1592-4-arm64$/).length, 1);
            assert.deepStrictEqual(server.calls("GET", /operations/), []);
        });
    });

    describe("the Compute client", () => {
        it("fails an operation with every error, its type and target", async () => {
            const client = computeClient(options);
            await assert.rejects(client.waitForOperation(PROJECT, {
                name: "op-1", status: "DONE", error: { errors: [{ code: "A", message: "first" }, { message: "second" }, { code: "C" }] },
            }), (error: Error & { operationErrors?: string[] }) => {
                assert.strictEqual(error.message, "operation op-1 (unknown ) failed: A: first; second; C");
                assert.deepStrictEqual(error.operationErrors, ["A: first", "second", "C"]);
                return true;
            });
            assert.deepStrictEqual(server.requests, [], "a DONE operation is not polled");
        });

        it("fails when the image becomes FAILED instead of READY", async () => {
            const client = computeClient(options);
            server.seedImage(PROJECT, { name: "broken", status: "FAILED" });
            await assert.rejects(client.waitForImage(PROJECT, "broken"), /^Error: image broken in project images-project is FAILED instead of READY$/);
        });

        it("polls an operation with the configured delays", async () => {
            server.operationPolls = 3;
            const client = computeClient({ ...options, pollInitialDelayMs: 1_000, pollMaxDelayMs: 3_000 });

            server.seedImage(PROJECT, { name: "flatcar" });
            const operation = await client.deprecateImage(PROJECT, "flatcar", { state: "DEPRECATED" });
            await client.waitForOperation(PROJECT, operation);

            assert.deepStrictEqual(clock.sleeps, [1_000, 2_000, 3_000]);
        });

        it("retries a refused connection, and reports it with its cause when it keeps failing", async () => {
            const port = new URL(server.endpoint).port;
            await server.close();
            const client = computeClient({ ...options, endpoint: `http://127.0.0.1:${port}/compute/v1/`, attempts: 2 });

            await assert.rejects(client.getImage(PROJECT, "x"), /gave up after 2 attempts: Compute API images\.get images-project\/x: /);
            server = await GceServer.start("test-token");
        });

        it("waits 1 s before the first retry and never more than 30 s, by default", async () => {
            server.faults.push({ method: "GET", path: /images\/x$/, status: 503, reason: "backendError", times: 7 });
            const client = computeClient({ endpoint: server.endpoint, token: async () => "test-token", clock, attempts: 8 });

            assert.strictEqual(await client.getImage(PROJECT, "x"), undefined);

            assert.strictEqual(clock.sleeps.length, 7);
            assert.ok(clock.sleeps[0] >= 800 && clock.sleeps[0] <= 1000, `first wait ${clock.sleeps[0]}`);
            assert.ok(clock.sleeps[6] >= 24000 && clock.sleeps[6] <= 30000, `last wait ${clock.sleeps[6]}`);
        });

        it("waits for an image 60 minutes by default, and keeps waiting while the image is not listed", async () => {
            const client = computeClient({ endpoint: server.endpoint, token: async () => "test-token", clock });

            await assert.rejects(client.waitForImage(PROJECT, "absent"), /^PollTimeoutError: timed out after 3600 s waiting for image absent to become READY/);
        });

        it("names the operation it polls when the poll keeps failing, and when it times out", async () => {
            const client = computeClient({ ...options, attempts: 2, timeoutMs: 60_000 });
            server.seedImage(PROJECT, { name: "flatcar" });
            const operation = await client.deprecateImage(PROJECT, "flatcar", { state: "DEPRECATED" });
            server.faults.push({ method: "GET", path: /operations/, status: 503, reason: "backendError", times: 2 });
            await assert.rejects(client.waitForOperation(PROJECT, operation), new RegExp(`Compute API globalOperations\\.get ${operation.name}: HTTP 503`));

            server.operationPolls = 1_000;
            const slow = await client.deprecateImage(PROJECT, "flatcar", { state: "ACTIVE" });
            await assert.rejects(client.waitForOperation(PROJECT, slow), new RegExp(`timed out after 60 s waiting for operation ${slow.name};`));
        });

        it("takes only an API answer with that HTTP status for one, and nothing that is not an error", () => {
            assert.strictEqual(hasStatus(Object.assign(new Error("gone"), { statusCode: 404 }), 404), true);
            assert.strictEqual(hasStatus(Object.assign(new Error("gone"), { statusCode: 404 }), 409), false);
            assert.strictEqual(hasStatus(undefined, 404), false);
            assert.strictEqual(hasStatus(null, 404), false);
        });

        it("takes host, port and protocol from an endpoint URL, with the protocol's port by default", () => {
            assert.deepStrictEqual(clientOptionsFor("http://127.0.0.1:8080/compute/v1/"), { apiEndpoint: "127.0.0.1", port: 8080, protocol: "http" });
            assert.deepStrictEqual(clientOptionsFor("http://compute.local/compute/v1/"), { apiEndpoint: "compute.local", port: 80, protocol: "http" });
            assert.deepStrictEqual(clientOptionsFor("https://compute.local/compute/v1/"), { apiEndpoint: "compute.local", port: 443, protocol: "https" });
        });
    });
});
