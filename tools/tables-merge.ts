/**
 * Keeps the IDs of retired releases in the published tables. A release marked `retire: true` and
 * then removed from config leaves the stack but stays public in every cloud, so the stack's outputs
 * no longer name it; the tables merge the earlier published outputs for every release the current
 * ones lack.
 */
import { StackOutputs } from "../components/outputs";

const sections = ["community", "marketplace", "deprecated"] as const;

/** The current outputs, plus every release of `previous` that they do not have (images, community, marketplace, deprecation). */
export function withRetiredReleases(current: StackOutputs, previous: StackOutputs): StackOutputs {
    const gone = Object.keys(previous.images).filter((version) => !(version in current.images));
    if (gone.length === 0) {
        return current;
    }
    const merged: StackOutputs = { ...current, images: { ...current.images } };
    for (const version of gone) {
        merged.images[version] = previous.images[version];
    }
    for (const section of sections) {
        const before = previous[section] as Record<string, unknown> | undefined;
        const kept = gone.filter((version) => before?.[version] !== undefined);
        if (kept.length > 0) {
            (merged as Record<string, unknown>)[section] = {
                ...(current[section] as Record<string, unknown> | undefined),
                ...Object.fromEntries(kept.map((version) => [version, before?.[version]])),
            };
        }
    }
    return merged;
}
