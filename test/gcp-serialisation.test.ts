import * as assert from "assert";
import { ArmImageInputs, ArmImageOutputs, armImageProvider } from "../components/gcp/arm-image-provider";
import { ImageDeprecationInputs, imageDeprecationProvider } from "../components/gcp/deprecation-provider";
import { roundTrip } from "./helpers/serialise";
import { GceServer } from "./servers/gce";

describe("GCP dynamic providers, serialised", () => {
    let server: GceServer;

    before(async () => {
        server = await GceServer.start("serialised-token");
        server.operationPolls = 0;
    });

    after(() => server.close());

    it("still create an ARM64 image and deprecate it against the server after Pulumi's closure serialisation", async () => {
        const options = { endpoint: server.endpoint, token: async () => "serialised-token", pollInitialDelayMs: 10 };
        const arm = armImageProvider(options);
        const deprecation = imageDeprecationProvider(options);
        const { value: serialisedArm } = await roundTrip(() => arm, { allowSecrets: true });
        const { value: serialisedDeprecation } = await roundTrip(() => deprecation, { allowSecrets: true });
        const image: ArmImageInputs = {
            project: "images-project",
            name: "flatcar-1592-4-arm64",
            source: "https://storage.googleapis.com/images-bucket/flatcar-1592.4-arm64.tar.gz",
            guestOsFeatures: ["UEFI_COMPATIBLE"],
            licenses: [],
            labels: {},
            storageLocations: [],
        };

        const created = await serialisedArm.create!(image);
        assert.strictEqual((created.outs as ArmImageOutputs).status, "READY");
        assert.strictEqual(server.calls("POST", /global\/images$/).length, 1);
        assert.strictEqual((server.calls("POST", /global\/images$/)[0].body as { architecture: string }).architecture, "ARM64");

        const status: ImageDeprecationInputs = {
            project: "images-project", image: "flatcar-1592-4-arm64", state: "DEPRECATED", deprecated: "2026-03-01T00:00:00.000Z",
        };
        await serialisedDeprecation.create!(status);
        assert.deepStrictEqual(server.images.get("images-project/flatcar-1592-4-arm64")?.deprecated, { state: "DEPRECATED", deprecated: "2026-03-01T00:00:00.000Z" });
    });

    it("carry no credentials and load no client library when serialised with the defaults", async () => {
        for (const provider of [armImageProvider(), imageDeprecationProvider()]) {
            const { text } = await roundTrip(() => provider, { allowSecrets: true });
            assert.doesNotMatch(text, /Bearer [A-Za-z0-9]/);
            assert.doesNotMatch(text, /serialised-token|private_key|client_secret/);
            assert.match(text, /require\("@google-cloud\/compute"\)/, "the official client is loaded where the provider runs, not captured");
        }
    });
});
