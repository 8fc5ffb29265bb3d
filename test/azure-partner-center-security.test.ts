import { strict as assert } from "assert";
import { MarketplaceVersionInputs, marketplaceVersionProvider } from "../components/azure/partner-center-provider";
import { partnerCenterSecurity } from "../components/azure/partner-center";
import { FakeClock } from "./helpers/clock";
import { planVersionInputs } from "./helpers/azure-local";
import { PartnerCenterServer } from "./servers/partner-center";

const cvmVersion = "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/images/providers/Microsoft.Compute/galleries/g/images/product-cvm/versions/2.20.0";

describe("AzureMarketplaceVersion provider: confidential VM images", () => {
    let server: PartnerCenterServer;

    beforeEach(async () => {
        server = await new PartnerCenterServer().start();
    });

    afterEach(async () => {
        await server.close();
    });

    const inputs = (extra: Partial<MarketplaceVersionInputs> = {}): MarketplaceVersionInputs => planVersionInputs(server, {
        versionNumber: "2.20.0", images: [{ imageType: "x64Gen2", resourceId: cvmVersion }], securityType: ["confidential"], ...extra,
    });

    const provider = () => marketplaceVersionProvider({ clock: new FakeClock(0), random: () => 0.5 });

    /** The draft plan's SKUs, which the tests shape before a run. */
    const draftSkus = () => server.planConfiguration("draft")!.skus as Record<string, unknown>[];

    it("adds the x64Gen2 SKU offering \"confidential\" when the plan has none", async () => {
        draftSkus().splice(0, draftSkus().length, ...draftSkus().filter((s) => s.imageType !== "x64Gen2"));
        await provider().create!(inputs());
        const sent = server.configures[0].resources[0].skus as Record<string, unknown>[];
        assert.deepEqual(sent.find((s) => s.imageType === "x64Gen2"), { imageType: "x64Gen2", skuId: "standard", securityType: ["confidential"] });
        assert.deepEqual(draftSkus().find((s) => s.imageType === "x64Gen2")?.securityType, ["confidential"]);
    });

    it("refuses a plan whose x64Gen2 SKU does not offer confidential, naming the SKU, and configures nothing", async () => {
        await assert.rejects(provider().create!(inputs()), /plan "standard" has the x64Gen2 SKU "standard" with security type \[\], which lacks confidential/);
        assert.equal(server.configures.length, 0);
    });

    it("takes a SKU that already offers it, and leaves the SKU as it is", async () => {
        draftSkus().find((s) => s.imageType === "x64Gen2")!.securityType = ["trusted", "confidential"];
        await provider().create!(inputs());
        const sent = server.configures[0].resources[0].skus as Record<string, unknown>[];
        assert.deepEqual(sent.find((s) => s.imageType === "x64Gen2")?.securityType, ["trusted", "confidential"]);
    });

    it("leaves the SKUs of images that are not confidential as they are", async () => {
        await provider().create!(inputs({ securityType: undefined }));
        const sent = server.configures[0].resources[0].skus as Record<string, unknown>[];
        assert.equal(sent.find((s) => s.imageType === "x64Gen2")?.securityType, undefined);
    });

    it("check refuses a security type Partner Center does not know", async () => {
        const result = await provider().check!(inputs(), inputs({ securityType: ["TrustedLaunch"] }));
        assert.deepEqual(result.failures, [{ property: "securityType", reason: "[\"TrustedLaunch\"] is not a list of SKU security types; allowed: \"trusted\" and/or \"confidential\"" }]);
    });

    it("asks for confidential SKUs only for the confidential definition security types", () => {
        assert.deepEqual(partnerCenterSecurity("ConfidentialVMSupported"), { securityType: ["confidential"] });
        assert.deepEqual(partnerCenterSecurity("TrustedLaunchAndConfidentialVmSupported"), { securityType: ["trusted", "confidential"] });
        assert.deepEqual(partnerCenterSecurity("TrustedLaunchSupported"), {});
        assert.deepEqual(partnerCenterSecurity("Standard"), {});
    });
});
