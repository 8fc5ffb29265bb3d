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
        // ImportImage takes arm64 only with BootMode UEFI
        // (https://www.alibabacloud.com/help/en/ecs/developer-reference/api-ecs-2014-05-26-importimage).
        const arm = (config.releases ?? []).find((r) => r?.architectures.includes("arm64") && r.artifacts.alicloud !== undefined);
        if (arm && ali.image.bootMode !== "UEFI") {
            add(["alicloud", "image", "bootMode"], ali.image.bootMode,
                `cannot import arm64 (release ${arm.version} ships arm64), since ImportImage takes arm64 only with UEFI; allowed: UEFI`);
        }
    }
}
