import { CheckContext } from "./context";
import { regionCatalogue } from "../catalogue";

/** Rules of the azure key that one field alone cannot say. */
export function checkAzure(ctx: CheckContext): void {
    const { config, add, dev, checkRegion } = ctx;
    const azure = config.azure;
    if (azure?.enabled) {
        checkRegion(["azure", "location"], azure.location, regionCatalogue.azure);
        azure.regions.forEach((r, i) => checkRegion(["azure", "regions", i, "name"], r.name, regionCatalogue.azure));
        if (/\{(version|major|minor)\}/.test(azure.image.sku)) {
            add(["azure", "image", "sku"], azure.image.sku, "names the release; an image definition outlives releases, so allowed: {product}, {arch}, {cloud} and {variant} only");
        }
        const shipsArm = (config.releases ?? []).some((r) => r?.architectures.includes("arm64"));
        if (shipsArm && !azure.image.hyperVGenerations.includes("V2")) {
            add(["azure", "image", "hyperVGenerations"], azure.image.hyperVGenerations, "has no V2, and Azure runs arm64 images only as Hyper-V generation 2; allowed: include V2");
        }
        if (dev && azure.sharing.community) {
            add(["azure", "sharing", "community"], true, "shares the gallery with the community in a dev stack; allowed: false in dev");
        }
        if (azure.sharing.community) {
            for (const field of ["publicNamePrefix", "publisherContact", "publisherUri"] as const) {
                if (!azure.gallery[field]) {
                    add(["azure", "gallery", field], undefined, "is missing: community sharing needs it");
                }
            }
        }
        const mp = azure.marketplace;
        if (dev && mp.publish) {
            add(["azure", "marketplace", "publish"], true, "submits the offer to preview and live from a dev stack; allowed: false in dev (leave a draft)");
        }
        if (mp.enabled) {
            for (const field of ["offerId", "planId", "tenantId", "clientId"] as const) {
                if (!mp[field]) {
                    add(["azure", "marketplace", field], undefined, "is missing: the Partner Center offer is enabled");
                }
            }
            if (dev && !mp.devOfferId) {
                add(["azure", "marketplace", "devOfferId"], undefined, "is missing: a dev stack only ever uses a test offer; allowed: its external ID");
            }
            if (dev && mp.devOfferId && mp.devOfferId === mp.offerId) {
                add(["azure", "marketplace", "devOfferId"], mp.devOfferId, "is the prod offer azure.marketplace.offerId, and a dev stack never touches a prod listing; allowed: the test offer's external ID");
            }
            if (!config.secrets?.partnerCenterClientSecret) {
                add(["secrets", "partnerCenterClientSecret"], undefined, "is missing: the Partner Center offer is enabled; set it with `pulumi config set --secret --path secrets.partnerCenterClientSecret`");
            }
        }
    }
}
