import { CheckContext } from "./context";

/**
 * The lists whose items must be unique. A duplicate becomes a second resource with the same name
 * (a second launch permission, region copy or IAM member), which the engine refuses only after it
 * has registered everything before it; so it is refused here, before anything is registered.
 */
function listsOf(ctx: CheckContext): { path: PropertyKey[]; items: unknown[] }[] {
    const { aws, azure, gcp, alicloud, openstack } = ctx.config;
    const lists: { path: PropertyKey[]; items: unknown[] | undefined }[] = [
        { path: ["aws", "regions"], items: Array.isArray(aws?.regions) ? aws.regions : undefined },
        { path: ["aws", "sharing", "accounts"], items: aws?.sharing.accounts },
        { path: ["aws", "sharing", "organizations"], items: aws?.sharing.organizations },
        { path: ["aws", "sharing", "organizationalUnits"], items: aws?.sharing.organizationalUnits },
        { path: ["azure", "regions"], items: azure?.regions.map((r) => r.name) },
        { path: ["azure", "image", "hyperVGenerations"], items: azure?.image.hyperVGenerations },
        { path: ["azure", "image", "diskControllerTypes"], items: azure?.image.diskControllerTypes },
        { path: ["gcp", "storageLocations"], items: gcp?.storageLocations },
        { path: ["gcp", "guestOsFeatures"], items: gcp?.guestOsFeatures },
        { path: ["gcp", "licenses"], items: gcp?.licenses },
        { path: ["gcp", "sharing", "members"], items: gcp?.sharing.members },
        { path: ["alicloud", "regions"], items: alicloud?.regions },
        { path: ["alicloud", "sharing", "accounts"], items: alicloud?.sharing.accounts },
        { path: ["openstack", "tags"], items: openstack?.tags },
        ...(openstack?.clouds ?? []).map((c, i) => ({ path: ["openstack", "clouds", i, "regions"] as PropertyKey[], items: c.regions })),
    ];
    return lists.filter((l): l is { path: PropertyKey[]; items: unknown[] } => Array.isArray(l.items));
}

/** Items named by a field (azure.regions[].name) are reported at that field; openstack.clouds[].name is checked in ./openstack. */
const itemField: Record<string, string> = { "azure.regions": "name" };

/** A key path as messages write it: aws.regions, openstack.clouds[0].regions. */
function pathText(path: PropertyKey[]): string {
    return path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i === 0 ? "" : "."}${String(p)}`)).join("");
}

/** Refuses a list that names an item twice, at the second one, naming the value and the first. */
export function checkLists(ctx: CheckContext): void {
    for (const { path, items } of listsOf(ctx)) {
        const field = itemField[path.join(".")];
        const first = new Map<string, number>();
        items.forEach((item, i) => {
            const key = JSON.stringify(item);
            const seen = first.get(key);
            if (seen === undefined) {
                first.set(key, i);
                return;
            }
            const at = field ? [...path, i, field] : [...path, i];
            const where = field ? `[${seen}].${field}` : `[${seen}]`;
            ctx.add(at, item, `repeats ${pathText(path)}${where}; allowed: each value once`);
        });
    }
}
