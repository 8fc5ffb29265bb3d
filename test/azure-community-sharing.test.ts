import { strict as assert } from "assert";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import {
    CommunitySharingInputs, CommunitySharingProviderOptions, communitySharingProvider,
} from "../components/azure/community-sharing-provider";
import { FakeClock } from "./helpers/clock";
import { storedWithFormerKind } from "./helpers/former-kind";
import { roundTrip } from "./helpers/serialise";
import { AzureArmServer } from "./servers/azure-arm";
import { sharingInputs, withLocalServicePrincipal } from "./helpers/azure-local";

const tenant = "11111111-2222-3333-4444-555555555555";

describe("CommunityGallerySharing provider", () => {
    let server: AzureArmServer;

    withLocalServicePrincipal();

    beforeEach(async () => {
        server = await new AzureArmServer().start();
    });

    afterEach(async () => {
        await server.close();
    });

    const inputs = (extra: Partial<CommunitySharingInputs> = {}): CommunitySharingInputs => sharingInputs(server, extra);

    const provider = (options: CommunitySharingProviderOptions = {}) =>
        communitySharingProvider({ clock: new FakeClock(0), random: () => 0.5, ...options });

    it("sends exactly {operationType: EnableCommunity} and reads the gallery's public name back", async () => {
        server.pendingPolls = 2;
        const result = await provider().create!(inputs());

        const shares = server.requestsTo("share");
        assert.equal(shares.length, 1);
        assert.equal(shares[0].method, "POST");
        assert.equal(shares[0].path, "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/images/providers/Microsoft.Compute/galleries/product_gallery/share");
        assert.deepEqual(shares[0].body, { operationType: "EnableCommunity" });
        assert.equal(server.requestsTo("operation").length, 3, "polled the Azure-AsyncOperation until Succeeded");
        const galleryReads = server.requestsTo("gallery");
        assert.equal(galleryReads.length, 1);
        assert.equal(galleryReads[0].query.$select, "Permissions");
        assert.equal(result.outs.publicName, "imagepub-0a1b2c3d-4e5f-6789-abcd-ef0123456789");
        assert.deepEqual(result.outs.publicNames, ["imagepub-0a1b2c3d-4e5f-6789-abcd-ef0123456789"]);
        assert.equal(result.id, "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/images/providers/Microsoft.Compute/galleries/product_gallery/share");
    });

    it("authenticates with the environment's service principal for the management scope", async () => {
        await provider().create!(inputs());
        assert.ok(server.tokens.length >= 1);
        assert.equal(server.tokens[0].tenant, tenant);
        assert.equal(server.tokens[0].clientSecret, "sharing-test-secret");
        assert.equal(server.tokens[0].scope, "https://management.azure.com/.default");
    });

    it("falls back to the ARM_* variables the azure-native provider reads", async () => {
        for (const name of ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_TOKEN_CREDENTIALS"]) {
            delete process.env[name];
        }
        process.env.ARM_TENANT_ID = tenant;
        process.env.ARM_CLIENT_ID = "12121212-3434-5656-7878-909090909090";
        process.env.ARM_CLIENT_SECRET = "arm-secret";
        const result = await provider().create!(inputs());
        assert.equal(result.outs.publicName, "imagepub-0a1b2c3d-4e5f-6789-abcd-ef0123456789");
        assert.equal(server.tokens[0].clientId, "12121212-3434-5656-7878-909090909090");
        assert.equal(server.tokens[0].clientSecret, "arm-secret");
    });

    it("retries throttling and server errors on the update, its polls and the gallery read, with growing waits", async () => {
        server.fail("share", 429, 2);
        server.fail("operation", 503, 1);
        server.fail("gallery", 500, 1);
        const clock = new FakeClock(0);
        const result = await provider({ clock }).create!(inputs());

        assert.equal(result.outs.publicName, "imagepub-0a1b2c3d-4e5f-6789-abcd-ef0123456789");
        assert.equal(server.requestsTo("share").length, 3, "two throttled updates, then one accepted");
        assert.equal(server.requestsTo("gallery").length, 2);
        assert.ok(clock.sleeps.length >= 4);
        assert.ok(clock.sleeps[1] > clock.sleeps[0], `backoff grows: ${clock.sleeps.join(", ")}`);
    });

    it("gives up after its bounded attempts when throttling does not stop", async () => {
        server.fail("share", 429, 100);
        await assert.rejects(provider({ attempts: 3 }).create!(inputs()), (error: Error) => {
            assert.match(error.message, /EnableCommunity of images\/product_gallery was refused: gave up after 3 attempts/);
            return true;
        });
        assert.equal(server.requestsTo("share").length, 3);
    });

    it("fails clearly when the operation never finishes within the bound", async () => {
        server.outcome = "never";
        const clock = new FakeClock(0);
        await assert.rejects(provider({ clock }).create!(inputs({ timeoutMinutes: 2 })), (error: Error) => {
            assert.match(error.message, /timed out after 120 s waiting for the gallery sharing-profile update EnableCommunity of images\/product_gallery/);
            assert.match(error.message, /last state: "running"/);
            return true;
        });
        assert.ok(clock.now() >= 120000);
        assert.equal(server.requestsTo("gallery").length, 0, "no public name is read from a gallery that was never shared");
    });

    it("reports a failed operation with Azure's own message", async () => {
        server.outcome = "Failed";
        await assert.rejects(provider().create!(inputs()), /EnableCommunity of images\/product_gallery failed: .*community publishing needs the publisher contact/);
    });

    it("reads the public names back, and reads sharing switched off elsewhere as gone", async () => {
        const p = provider();
        const created = await p.create!(inputs());
        const read = await p.read!(created.id, created.outs);
        assert.equal(read.props?.publicName, "imagepub-0a1b2c3d-4e5f-6789-abcd-ef0123456789");
        server.enabled.clear();
        const gone = await p.read!(created.id, created.outs);
        assert.equal(gone.id, undefined);
    });

    it("makes the gallery private again on delete, with the Reset operation", async () => {
        const p = provider();
        const created = await p.create!(inputs());
        await p.delete!(created.id, created.outs);
        const shares = server.requestsTo("share");
        assert.deepEqual(shares.map((r) => r.body), [{ operationType: "EnableCommunity" }, { operationType: "Reset" }]);
        assert.equal(server.enabled.size, 0);
    });

    it("replaces on another gallery and updates on another endpoint", async () => {
        const p = provider();
        const olds = { ...inputs(), publicName: "x", publicNames: ["x"] };
        const other = await p.diff!("id", olds, inputs({ galleryName: "other" }));
        assert.deepEqual(other.replaces, ["galleryName"]);
        const moved = await p.diff!("id", olds, inputs({ endpoint: "https://management.example" }));
        assert.equal(moved.changes, true);
        assert.deepEqual(moved.replaces, []);
        const same = await p.diff!("id", olds, inputs());
        assert.equal(same.changes, false);
        // A sharing enabled before it had its type token still holds the resourceKind input that named it.
        const stored = await p.diff!("id", storedWithFormerKind(olds, "azure:CommunitySharing"), inputs());
        assert.deepEqual([stored.changes, stored.replaces], [false, []]);
    });

    it("still works after Pulumi's closure serialisation, calling the local server", async () => {
        server.pendingPolls = 0;
        const original = communitySharingProvider();
        const { text, value: loaded } = await roundTrip<dynamic.ResourceProvider>(() => original, { allowSecrets: true });
        assert.doesNotMatch(text, /sharing-test-secret/);
        const result = await loaded.create!(inputs());
        assert.equal(result.outs.publicName, "imagepub-0a1b2c3d-4e5f-6789-abcd-ef0123456789");
        assert.deepEqual(server.requestsTo("share")[0].body, { operationType: "EnableCommunity" });
    });
});
