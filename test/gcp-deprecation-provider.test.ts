import * as assert from "assert";
import { ImageDeprecationInputs, deprecationMatches, imageDeprecationProvider } from "../components/gcp/deprecation-provider";
import { ComputeClientOptions } from "../components/gcp/compute-client";
import { FakeClock } from "./helpers/clock";
import { storedWithFormerKind } from "./helpers/former-kind";
import { GceServer } from "./servers/gce";

const replacement = "projects/images-project/global/images/flatcar-1593-0-x86-64";

function inputs(overrides: Partial<ImageDeprecationInputs> = {}): ImageDeprecationInputs {
    return {
        project: "images-project",
        image: "flatcar-1592-4-x86-64",
        state: "DEPRECATED",
        deprecated: "2026-03-01T00:00:00.000Z",
        replacement,
        ...overrides,
    };
}

describe("GcpImageDeprecation provider", () => {
    let server: GceServer;
    let options: ComputeClientOptions;

    beforeEach(async () => {
        server = await GceServer.start("test-token");
        server.seedImage("images-project", { name: "flatcar-1592-4-x86-64" });
        options = { endpoint: server.endpoint, token: async () => "test-token", clock: new FakeClock(0) };
    });

    afterEach(() => server.close());

    it("sends exactly state DEPRECATED, the replacement and the deprecation time", async () => {
        const result = await imageDeprecationProvider(options).create!(inputs());

        const calls = server.calls("POST", /images\/flatcar-1592-4-x86-64\/deprecate$/);
        assert.strictEqual(calls.length, 1);
        assert.deepStrictEqual(calls[0].body, { state: "DEPRECATED", replacement, deprecated: "2026-03-01T00:00:00.000Z" });
        assert.strictEqual(server.calls("GET", /global\/operations\//).length, 2);
        assert.deepStrictEqual(server.images.get("images-project/flatcar-1592-4-x86-64")?.deprecated, calls[0].body);
        assert.strictEqual(result.id, "projects/images-project/global/images/flatcar-1592-4-x86-64/deprecated");
    });

    it("leaves out the replacement when there is none", async () => {
        await imageDeprecationProvider(options).create!(inputs({ replacement: undefined }));
        const [call] = server.calls("POST", /deprecate$/);
        assert.deepStrictEqual(call.body, { state: "DEPRECATED", deprecated: "2026-03-01T00:00:00.000Z" });
    });

    it("sends nothing when the image already carries that deprecation status", async () => {
        server.seedImage("images-project", {
            name: "flatcar-1592-4-x86-64",
            deprecated: { state: "DEPRECATED", replacement: `https://www.googleapis.com/compute/v1/${replacement}`, deprecated: "2026-03-01T00:00:00Z" },
        });
        await imageDeprecationProvider(options).create!(inputs());
        assert.strictEqual(server.calls("POST", /deprecate$/).length, 0);
    });

    it("tells a different time or replacement from the same one written differently", () => {
        const wanted = { state: "DEPRECATED", replacement, deprecated: "2026-03-01T00:00:00.000Z" };
        assert.strictEqual(deprecationMatches({ ...wanted, deprecated: "2026-03-01T01:00:00+01:00" }, wanted), true);
        assert.strictEqual(deprecationMatches({ ...wanted, deprecated: "2026-03-02T00:00:00Z" }, wanted), false);
        assert.strictEqual(deprecationMatches({ ...wanted, replacement: "projects/images-project/global/images/other" }, wanted), false);
        assert.strictEqual(deprecationMatches(undefined, wanted), false);
    });

    it("retries a throttled deprecate", async () => {
        server.faults.push({ method: "POST", path: /deprecate$/, status: 429, reason: "rateLimitExceeded", times: 2 });
        await imageDeprecationProvider(options).create!(inputs());
        assert.strictEqual(server.calls("POST", /deprecate$/).length, 3);
        assert.strictEqual((server.images.get("images-project/flatcar-1592-4-x86-64")?.deprecated as { state: string }).state, "DEPRECATED");
    });

    it("fails clearly when the image does not exist", async () => {
        await assert.rejects(imageDeprecationProvider(options).create!(inputs({ image: "missing" })), /cannot deprecate image missing: it does not exist in project images-project/);
        assert.strictEqual(server.calls("POST", /deprecate$/).length, 0);
    });

    it("updates the time and replacement in place, and replaces only for another image", async () => {
        const provider = imageDeprecationProvider(options);
        const diff = await provider.diff!("id", inputs(), inputs({ deprecated: "2026-04-01T00:00:00.000Z" }));
        assert.deepStrictEqual([diff.changes, diff.replaces], [true, []]);
        assert.deepStrictEqual((await provider.diff!("id", inputs(), inputs({ image: "other" }))).replaces, ["image"]);
        // A deprecation made before it had its type token still holds the resourceKind input that named it.
        const stored = await provider.diff!("id", storedWithFormerKind(inputs(), "gcp:ImageDeprecation"), inputs());
        assert.deepStrictEqual([stored.changes, stored.replaces], [false, []]);

        await provider.update!("id", inputs(), inputs({ deprecated: "2026-04-01T00:00:00.000Z" }));
        assert.strictEqual((server.images.get("images-project/flatcar-1592-4-x86-64")?.deprecated as { deprecated: string }).deprecated, "2026-04-01T00:00:00.000Z");
    });

    it("on delete clears the status with state ACTIVE, so the image is ACTIVE again", async () => {
        const provider = imageDeprecationProvider(options);
        const { id } = await provider.create!(inputs());
        await provider.delete!(id, inputs());

        const calls = server.calls("POST", /deprecate$/);
        assert.deepStrictEqual(calls[calls.length - 1].body, { state: "ACTIVE" });
        assert.strictEqual(server.images.get("images-project/flatcar-1592-4-x86-64")?.deprecated, undefined);
        assert.deepStrictEqual(await provider.read!(id, inputs()), {});

        await provider.delete!(id, inputs());
        assert.strictEqual(server.calls("POST", /deprecate$/).length, 2);
    });

    it("reads the status back from the image", async () => {
        const provider = imageDeprecationProvider(options);
        const { id } = await provider.create!(inputs());
        const read = await provider.read!(id);
        assert.deepStrictEqual(read, { id, props: inputs() });
    });
});
