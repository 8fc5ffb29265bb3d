import { StackConfig, ReleaseEntry } from "../model";
import { regionProblem } from "./regions";

/** The config as far as it is valid: invalid keys are left out, invalid releases are undefined. */
export type PartialConfig = Partial<Omit<StackConfig, "releases">> & { releases?: (ReleaseEntry | undefined)[] };

/** What every cross-check gets: the partly valid config and a way to report a problem. */
export interface CheckContext {
    /** The config as far as each key parsed. */
    config: PartialConfig;
    /** True in a dev stack. */
    dev: boolean;
    /** The time the run counts from, for rules about dates. */
    now: Date;
    /** Reports a problem at a key path (without the namespace), with the bad value and what is allowed. */
    add: (path: PropertyKey[], value: unknown, message: string) => void;
    /** Reports a region name that is not in the catalogue, with a "did you mean". */
    checkRegion: (path: PropertyKey[], name: string, catalogue: readonly string[]) => void;
    /** The same for each name of a list. */
    checkRegions: (path: PropertyKey[], names: unknown, catalogue: readonly string[]) => void;
}

/** A check context that collects into `add`. */
export function checkContext(config: PartialConfig, add: CheckContext["add"], now: Date = new Date()): CheckContext {
    const checkRegion = (path: PropertyKey[], name: string, catalogue: readonly string[]) => {
        const message = regionProblem(name, catalogue);
        if (message) {
            add(path, name, message);
        }
    };
    return {
        config,
        dev: config.environment === "dev",
        now,
        add,
        checkRegion,
        checkRegions: (path, names, catalogue) => {
            if (Array.isArray(names)) {
                names.forEach((name, i) => checkRegion([...path, i], name, catalogue));
            }
        },
    };
}
