import { parse, stringify } from "yaml";
import * as fs from "fs";
import { CliConfig, parseStackConfig } from "../tools/stack-config";
import { Fixtures, defaultFixtures } from "../tools/fixtures";

/** The committed fixtures, for an account whose quota of public AMIs was raised for many live releases. */
export function benchFixtures(): Fixtures {
    return { ...defaultFixtures(), awsPublicAmiQuota: 1000 };
}

/**
 * The prod stack's config with `count` releases: the committed prod releases, repeated with new
 * versions, every cloud and region as committed, two architectures each.
 */
export function prodWithReleases(count: number, options: { marketplaces?: boolean } = {}): CliConfig {
    const doc = parse(fs.readFileSync("Pulumi.prod.yaml", "utf8")) as { config: Record<string, unknown> };
    const releases = doc.config["image-publisher:releases"] as Record<string, unknown>[];
    const template = releases[releases.length - 1];
    // The oldest of several is deprecated on a day after the bench's clock; the others are current (no key).
    doc.config["image-publisher:releases"] = Array.from({ length: count }, (_, i) => {
        const { deprecated: _deprecated, ...release } = template;
        return { ...release, version: `${2000 + i}.0`, ...(i === 0 && count > 1 ? { deprecated: "2027-03-31" } : {}) };
    });
    const marketplace = (doc.config["image-publisher:aws"] as { marketplace: { products: Record<string, unknown> } }).marketplace;
    const product = Object.values(marketplace.products)[0];
    marketplace.products = Object.fromEntries(Array.from({ length: count }, (_, i) => [`${2000 + i}`, product]));
    delete doc.config["image-publisher:retention"];
    if (options.marketplaces === false) {
        marketplace.products = {};
        (marketplace as { enabled?: boolean }).enabled = false;
        (doc.config["image-publisher:azure"] as { marketplace: { enabled: boolean } }).marketplace.enabled = false;
    }
    return parseStackConfig(stringify(doc), `Pulumi.prod.yaml with ${count} releases`);
}
