import { CheckContext } from "./context";
import { regionCatalogue } from "../catalogue";

/** Rules of the alicloud key that one field alone cannot say. */
export function checkAliCloud(ctx: CheckContext): void {
    const { config, add, dev, checkRegion, checkRegions } = ctx;
    const ali = config.alicloud;
    if (ali?.enabled) {
        checkRegion(["alicloud", "sourceRegion"], ali.sourceRegion, regionCatalogue.alicloud);
        checkRegions(["alicloud", "regions"], ali.regions, regionCatalogue.alicloud);
        if (dev && ali.sharing.public) {
            add(["alicloud", "sharing", "public"], true, "makes images public in a dev stack; allowed: false in dev");
        }
    }
}
