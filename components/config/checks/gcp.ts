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
        gcp.sharing.members.forEach((member, i) => {
            if (dev && member.startsWith("domain:")) {
                add(["gcp", "sharing", "members", i], member, "shares with a whole domain in a dev stack, as broad as allAuthenticatedUsers; allowed: user:, group: or serviceAccount: in dev");
            }
        });
    }
}
