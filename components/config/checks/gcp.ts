import { CheckContext } from "./context";
import { regionCatalogue } from "../catalogue";

/** Rules of the gcp key that one field alone cannot say. */
export function checkGcp(ctx: CheckContext): void {
    const { config, add, dev, checkRegions } = ctx;
    const gcp = config.gcp;
    if (gcp?.enabled) {
        if (!gcp.project) {
            add(["gcp", "project"], undefined, "is missing: GCP is enabled; allowed: a project ID");
        }
        checkRegions(["gcp", "storageLocations"], gcp.storageLocations, regionCatalogue.gcp);
        if (dev && gcp.sharing.public) {
            add(["gcp", "sharing", "public"], true, "makes images public in a dev stack; allowed: false in dev");
        }
    }
}
