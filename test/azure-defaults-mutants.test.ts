/**
 * The Azure providers' default waits and bounds, and their rarely taken paths, against the local
 * servers: a draft read refused with 404, an offer without plans, a preview without a submission to
 * take live, and a sharing operation that never ends. Written against the mutants Stryker found alive
 * (README, "Mutation testing").
 */
import { strict as assert } from "assert";
import { MarketplaceVersionInputs, marketplaceVersionProvider } from "../components/azure/partner-center-provider";
import { CommunitySharingInputs, communitySharingProvider } from "../components/azure/community-sharing-provider";
import { FakeClock } from "./helpers/clock";
import { AzureArmServer } from "./servers/azure-arm";
import { PartnerCenterServer } from "./servers/partner-center";
import { planVersionInputs, sharingInputs, withLocalServicePrincipal } from "./helpers/azure-local";


describe("AzureMarketplaceVersion defaults and rare paths", () => {
    let server: PartnerCenterServer;

    beforeEach(async () => {
        server = await new PartnerCenterServer().start();
    });

    afterEach(async () => {
        await server.close();
    });

    const inputs = (extra: Partial<MarketplaceVersionInputs> = {}): MarketplaceVersionInputs => planVersionInputs(server, extra);

    it("polls a configure job first after 5 s, doubling up to 60 s, for 60 minutes by default", async () => {
        server.outcomes.push({ result: "never" });
        const clock = new FakeClock(0);

        await assert.rejects(marketplaceVersionProvider({ clock, random: () => 0.5 }).create!(inputs()),
            /^PollTimeoutError: timed out after 3600 s waiting for configuring Partner Center version 1592\.4\.0 of product-offer\/standard \(configure job job-1\)/);
        assert.deepEqual(clock.sleeps.slice(0, 6), [5000, 10000, 20000, 40000, 60000, 60000]);
        assert.equal(Math.max(...clock.sleeps), 60000);
    });

    it("tries a throttled call 6 times by default, waiting 2 s before the first retry and doubling", async () => {
        server.fail("product", 429, 100);
        const clock = new FakeClock(0);

        await assert.rejects(marketplaceVersionProvider({ clock, random: () => 0.5 }).create!(inputs()), /^RetriesExhaustedError: gave up after 6 attempts: GET \/product: HTTP 429: TooManyRequests: injected 429$/);
        assert.deepEqual(clock.sleeps, [1800, 3600, 7200, 14400, 28800]);
    });

    it("fails on a draft read answered 404 rather than taking the plan as missing", async () => {
        server.fail("resource-tree", 404, 1);

        await assert.rejects(marketplaceVersionProvider({ clock: new FakeClock(0) }).create!(inputs()), /^Error: GET \/resource-tree\/product\/[^:]+: HTTP 404: InternalServerError: injected 404$/);
    });

    it("says an offer has no plans when its draft lists none", async () => {
        server.trees.draft.splice(1, 2);

        await assert.rejects(marketplaceVersionProvider({ clock: new FakeClock(0) }).create!(inputs()),
            { message: "offer \"product-offer\" has no virtual machine plan \"standard\" with a technical configuration; its plans: none" });
    });

    it("lists only the plans that have an external ID when the plan is missing", async () => {
        delete server.trees.draft[1].identity;

        await assert.rejects(marketplaceVersionProvider({ clock: new FakeClock(0) }).create!(inputs()),
            { message: "offer \"product-offer\" has no virtual machine plan \"standard\" with a technical configuration; its plans: other" });
    });

    it("takes the preview submission live, passing over a submission of another target", async () => {
        server.submissionList.push({
            $schema: "https://schema.mp.microsoft.com/schema/submission/2022-03-01-preview2", id: `submission/${server.productGuid}/1`,
            product: `product/${server.productGuid}`, target: { targetType: "live" },
        });

        const result = await marketplaceVersionProvider({ clock: new FakeClock(0) }).create!(inputs({ publish: true }));

        assert.equal(result.outs.state, "live");
        assert.equal(server.configures[2].resources[0].id, server.submissionList.find((s) => (s.target as { targetType?: string } | undefined)?.targetType === "preview")?.id);
    });

    it("names the submission to live when its job fails", async () => {
        server.outcomes.push({ result: "succeeded" }, { result: "succeeded" }, { result: "failed", errors: ["not certified"] });

        await assert.rejects(marketplaceVersionProvider({ clock: new FakeClock(0) }).create!(inputs({ publish: true })),
            { message: "submitting Partner Center version 1592.4.0 of product-offer/standard to live: configure job job-3 ended failed:\n  - not certified" });
    });

    it("fails, saying why, when preview holds the version but lists no preview submission to take live", async () => {
        await marketplaceVersionProvider({ clock: new FakeClock(0) }).create!(inputs());
        server.trees.preview = structuredClone(server.trees.draft);

        await assert.rejects(marketplaceVersionProvider({ clock: new FakeClock(0) }).create!(inputs({ publish: true })),
            { message: "submitting Partner Center version 1592.4.0 of product-offer/standard to live: the product has no preview submission to take live" });
    });
});

describe("CommunityGallerySharing defaults", () => {
    let server: AzureArmServer;

    withLocalServicePrincipal();

    beforeEach(async () => {
        server = await new AzureArmServer().start();
    });

    afterEach(async () => {
        await server.close();
    });

    const sharing = (): CommunitySharingInputs => sharingInputs(server);

    it("polls the sharing operation first after 2 s, doubling up to 30 s, for 30 minutes by default, and times out as such", async () => {
        server.outcome = "never";
        const clock = new FakeClock(0);

        await assert.rejects(communitySharingProvider({ clock, random: () => 0.5 }).create!(sharing()), (error: Error) => {
            assert.equal(error.name, "PollTimeoutError");
            assert.match(error.message, /^timed out after 1800 s waiting for the gallery sharing-profile update EnableCommunity of images\/product_gallery;/);
            return true;
        });
        assert.deepEqual(clock.sleeps.slice(0, 6), [2000, 4000, 8000, 16000, 30000, 30000]);
        assert.equal(Math.max(...clock.sleeps), 30000);
    });

    it("stops polling as soon as the operation has succeeded", async () => {
        const clock = new FakeClock(0);

        await communitySharingProvider({ clock, random: () => 0.5 }).create!(sharing());

        assert.deepEqual(clock.sleeps, [2000], "one poll in progress, one wait, one poll that succeeded");
    });

    it("tries a throttled update 6 times by default, waiting 1 s before the first retry and doubling", async () => {
        server.fail("share", 429, 100);
        const clock = new FakeClock(0);

        await assert.rejects(communitySharingProvider({ clock, random: () => 0.5 }).create!(sharing()),
            /^Error: the gallery sharing-profile update EnableCommunity of images\/product_gallery was refused: gave up after 6 attempts: /);
        assert.deepEqual(clock.sleeps, [900, 1800, 3600, 7200, 14400]);
    });

    it("tries a throttled gallery read 6 times by default, waiting 1 s before the first retry", async () => {
        server.pendingPolls = 0;
        server.fail("gallery", 429, 100);
        const clock = new FakeClock(0);

        await assert.rejects(communitySharingProvider({ clock, random: () => 0.5 }).create!(sharing()), /gave up after 6 attempts/);
        assert.deepEqual(clock.sleeps.slice(-5), [900, 1800, 3600, 7200, 14400]);
    });
});
