import * as assert from "assert";
import { ArmImageInputs, ArmImageOutputs, armImageDocument, armImageProvider, armImageRequestId } from "../components/gcp/arm-image-provider";
import { ComputeClientOptions } from "../components/gcp/compute-client";
import { FakeClock } from "./helpers/clock";
import { storedWithFormerKind } from "./helpers/former-kind";
import { GceServer } from "./servers/gce";

const source = "https://storage.googleapis.com/images-bucket/flatcar-1592.4-arm64-gcpimage.tar.gz";

function inputs(overrides: Partial<ArmImageInputs> = {}): ArmImageInputs {
    return {
        project: "images-project",
        name: "flatcar-1592-4-arm64",
        source,
        family: "flatcar-1592-arm64",
        description: "flatcar 1592.4 (arm64)",
        guestOsFeatures: ["UEFI_COMPATIBLE", "GVNIC"],
        licenses: ["projects/images-project/global/licenses/flatcar"],
        labels: { version: "1592-4", arch: "arm64" },
        storageLocations: ["eu"],
        shieldedInstanceInitialState: { pk: { content: "UEs=", fileType: "X509" }, dbs: [{ content: "REI=", fileType: "X509" }] },
        ...overrides,
    };
}

describe("GcpArmImage provider", () => {
    let server: GceServer;
    let clock: FakeClock;
    let options: ComputeClientOptions;

    beforeEach(async () => {
        server = await GceServer.start("test-token");
        clock = new FakeClock(1_000_000);
        options = { endpoint: server.endpoint, token: async () => "test-token", clock, timeoutMs: 10 * 60 * 1000 };
    });

    afterEach(() => server.close());

    it("inserts exactly the ARM64 image document, under a request ID, and waits until the image is READY", async () => {
        const result = await armImageProvider(options).create!(inputs());

        const [insert] = server.calls("POST", /^projects\/images-project\/global\/images$/);
        assert.deepStrictEqual(insert.body, {
            name: "flatcar-1592-4-arm64",
            architecture: "ARM64",
            rawDisk: { source, containerType: "TAR" },
            family: "flatcar-1592-arm64",
            description: "flatcar 1592.4 (arm64)",
            guestOsFeatures: [{ type: "UEFI_COMPATIBLE" }, { type: "GVNIC" }],
            licenses: ["projects/images-project/global/licenses/flatcar"],
            labels: { version: "1592-4", arch: "arm64" },
            storageLocations: ["eu"],
            shieldedInstanceInitialState: { pk: { content: "UEs=", fileType: "X509" }, dbs: [{ content: "REI=", fileType: "X509" }] },
        });
        assert.strictEqual(insert.query.requestId, armImageRequestId(inputs()));
        assert.strictEqual(insert.authorization, "Bearer test-token");
        assert.deepStrictEqual(server.requests.map((r) => `${r.method} ${r.path.replace(/operation-\d+/, "OP")}`), [
            "GET projects/images-project/global/images/flatcar-1592-4-arm64",
            "POST projects/images-project/global/images",
            "GET projects/images-project/global/operations/OP",
            "GET projects/images-project/global/operations/OP",
            "GET projects/images-project/global/images/flatcar-1592-4-arm64",
        ]);
        assert.strictEqual(result.id, "projects/images-project/global/images/flatcar-1592-4-arm64");
        const outs = result.outs as ArmImageOutputs;
        assert.strictEqual(outs.status, "READY");
        assert.strictEqual(outs.selfLink, `${server.endpoint}projects/images-project/global/images/flatcar-1592-4-arm64`);
        assert.match(outs.imageId, /^[0-9]+$/);
        assert.strictEqual(server.images.get("images-project/flatcar-1592-4-arm64")?.architecture, "ARM64");
    });

    it("speaks to Compute through the official client, @google-cloud/compute, on its REST transport", async () => {
        await armImageProvider(options).create!(inputs());

        assert.ok(server.requests.length >= 4);
        for (const request of server.requests) {
            assert.match(request.apiClient ?? "", /\bgapic\/7\.8\.0\b/, `${request.method} ${request.path} came from ${request.apiClient ?? "no client library"}`);
            assert.match(request.apiClient ?? "", /\brest\//);
        }
    });

    it("is refused, as by the real API, for more than one storage location, and does not retry that", async () => {
        await assert.rejects(armImageProvider(options).create!(inputs({ storageLocations: ["eu", "us"] })),
            /images\.insert images-project\/flatcar-1592-4-arm64: HTTP 400: Invalid value for field 'resource\.storageLocations'/);
        assert.strictEqual(server.calls("POST", /global\/images$/).length, 1);
        assert.strictEqual(server.images.size, 0);
    });

    it("is refused, as by the real API, for a raw disk that is not on Cloud Storage", async () => {
        await assert.rejects(armImageProvider(options).create!(inputs({ source: "https://downloads.example.com/flatcar-arm64.tar.gz" })),
            /HTTP 400: Invalid value for field 'resource\.rawDisk\.source'/);
        assert.strictEqual(server.images.size, 0);
    });

    it("leaves out the optional fields config does not set", () => {
        const doc = armImageDocument(inputs({ family: undefined, description: undefined, licenses: [], labels: {}, storageLocations: [], guestOsFeatures: [], shieldedInstanceInitialState: undefined }));
        assert.deepStrictEqual(doc, { name: "flatcar-1592-4-arm64", architecture: "ARM64", rawDisk: { source, containerType: "TAR" } });
    });

    it("derives the request ID from the image, so a resent insert is the same request and a different image is not", () => {
        const id = armImageRequestId(inputs());
        assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        assert.strictEqual(armImageRequestId(inputs()), id);
        assert.notStrictEqual(armImageRequestId(inputs({ source: `${source}.v2` })), id);
    });

    it("retries throttling (429) and server errors (503) with growing, bounded delays", async () => {
        server.faults.push({ method: "POST", path: /global\/images$/, status: 429, reason: "rateLimitExceeded", times: 2 });
        server.faults.push({ method: "POST", path: /global\/images$/, status: 503, reason: "backendError", times: 1 });
        const result = await armImageProvider({ ...options, baseDelayMs: 1000, maxDelayMs: 30000 }).create!(inputs());

        assert.strictEqual((result.outs as ArmImageOutputs).status, "READY");
        assert.strictEqual(server.calls("POST", /global\/images$/).length, 4);
        const backoff = clock.sleeps.slice(0, 3);
        assert.ok(backoff[0] >= 800 && backoff[0] <= 1000, `first delay ${backoff[0]}`);
        assert.ok(backoff[1] >= 1600 && backoff[1] <= 2000, `second delay ${backoff[1]}`);
        assert.ok(backoff[2] >= 3200 && backoff[2] <= 4000, `third delay ${backoff[2]}`);
    });

    it("retries a dropped connection", async () => {
        server.faults.push({ method: "POST", path: /global\/images$/, status: 0, reason: "dropped", times: 1, drop: true });
        const result = await armImageProvider(options).create!(inputs());

        assert.strictEqual((result.outs as ArmImageOutputs).status, "READY");
        assert.strictEqual(server.calls("POST", /global\/images$/).length, 2);
        assert.strictEqual(server.images.size, 1);
    });

    it("gives up after the configured number of attempts when the API keeps failing", async () => {
        server.faults.push({ method: "POST", path: /global\/images$/, status: 503, reason: "backendError", times: 100 });
        await assert.rejects(armImageProvider({ ...options, attempts: 3 }).create!(inputs()), /gave up after 3 attempts: .*HTTP 503/);
        assert.strictEqual(server.calls("POST", /global\/images$/).length, 3);
    });

    it("does not retry a request the API refuses for good", async () => {
        server.faults.push({ method: "POST", path: /global\/images$/, status: 400, reason: "invalid", times: 1 });
        await assert.rejects(armImageProvider(options).create!(inputs()), /HTTP 400/);
        assert.strictEqual(server.calls("POST", /global\/images$/).length, 1);
    });

    it("fails with the operation's error message when the import fails", async () => {
        server.failedImports.set("flatcar-1592-4-arm64", { code: "IMAGE_IMPORT_FAILED", message: "disk.raw not found in the tar archive" });
        await assert.rejects(armImageProvider(options).create!(inputs()), (error: Error & { operationErrors?: string[] }) => {
            assert.match(error.message, /failed: IMAGE_IMPORT_FAILED: disk.raw not found in the tar archive/);
            assert.deepStrictEqual(error.operationErrors, ["IMAGE_IMPORT_FAILED: disk.raw not found in the tar archive"]);
            return true;
        });
    });

    it("times out on the injected clock when the image never becomes READY", async () => {
        server.neverReady.add("flatcar-1592-4-arm64");
        await assert.rejects(armImageProvider(options).create!(inputs()), /timed out after 600 s waiting for image flatcar-1592-4-arm64 to become READY; last state: .*"status":"PENDING"/);
        assert.ok(clock.elapsed() >= 10 * 60 * 1000, `waited ${clock.elapsed()} ms of simulated time`);
        assert.ok(clock.elapsed() <= 10 * 60 * 1000 + 5000, `waited ${clock.elapsed()} ms of simulated time`);
        const polls = server.calls("GET", /global\/images\/flatcar-1592-4-arm64$/).length;
        assert.ok(polls > 3 && polls < 30, `${polls} polls`);
    });

    it("inserts nothing when a repeated create finds the image already made from the same source", async () => {
        await armImageProvider(options).create!(inputs());
        const again = await armImageProvider(options).create!(inputs());

        assert.strictEqual(server.calls("POST", /global\/images$/).length, 1);
        assert.strictEqual((again.outs as ArmImageOutputs).status, "READY");
    });

    it("adopts the image when the insert answers 409 alreadyExists because it appeared after the lookup", async () => {
        server.seedImage("images-project", { name: "flatcar-1592-4-arm64", architecture: "ARM64", rawDisk: { source, containerType: "TAR" } });
        server.faults.push({ method: "GET", path: /global\/images\/flatcar-1592-4-arm64$/, status: 404, reason: "notFound", times: 1 });

        const result = await armImageProvider(options).create!(inputs());

        assert.strictEqual(server.calls("POST", /global\/images$/).length, 1);
        assert.strictEqual((result.outs as ArmImageOutputs).status, "READY");
    });

    it("refuses to adopt an existing image of that name made from another source", async () => {
        server.seedImage("images-project", { name: "flatcar-1592-4-arm64", architecture: "ARM64", rawDisk: { source: "https://storage.googleapis.com/other/disk.tar.gz" } });
        await assert.rejects(armImageProvider(options).create!(inputs()), /already exists .* from https:\/\/storage.googleapis.com\/other\/disk.tar.gz/);
        assert.strictEqual(server.calls("POST", /global\/images$/).length, 0);
    });

    it("changes labels in place and replaces the image (deleting first) for any other change", async () => {
        const provider = armImageProvider(options);
        const { outs } = await provider.create!(inputs());
        const old = outs as ArmImageOutputs;

        const relabel = await provider.diff!("id", old, inputs({ labels: { version: "1592-4", arch: "arm64", team: "os" } }));
        assert.deepStrictEqual([relabel.changes, relabel.replaces], [true, []]);
        const resource = await provider.diff!("id", old, inputs({ source: `${source}.v2`, family: "other" }));
        assert.deepStrictEqual([resource.changes, resource.replaces, resource.deleteBeforeReplace], [true, ["source", "family"], true]);
        assert.strictEqual((await provider.diff!("id", old, inputs())).changes, false);
        // An image created before it had its type token still holds the resourceKind input that named it.
        const stored = await provider.diff!("id", storedWithFormerKind(old, "gcp:ArmImage"), inputs());
        assert.deepStrictEqual([stored.changes, stored.replaces], [false, []]);

        await provider.update!("id", old, inputs({ labels: { team: "os" } }));
        const [setLabels] = server.calls("POST", /setLabels$/);
        assert.deepStrictEqual((setLabels.body as { labels: unknown }).labels, { team: "os" });
        assert.deepStrictEqual(server.images.get("images-project/flatcar-1592-4-arm64")?.labels, { team: "os" });
    });

    it("reads the image back, and reports it gone once it is deleted", async () => {
        const provider = armImageProvider(options);
        const { id, outs } = await provider.create!(inputs());
        const read = await provider.read!(id, outs as ArmImageOutputs);
        assert.strictEqual(read.id, id);
        assert.strictEqual((read.props as ArmImageOutputs).source, source);

        await provider.delete!(id, outs as ArmImageOutputs);
        assert.strictEqual(server.images.has("images-project/flatcar-1592-4-arm64"), false);
        assert.deepStrictEqual(await provider.read!(id, outs as ArmImageOutputs), {});
        await provider.delete!(id, outs as ArmImageOutputs);
        assert.strictEqual(server.calls("DELETE", /flatcar-1592-4-arm64$/).length, 2);
    });
});
