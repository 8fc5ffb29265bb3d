import * as pulumi from "@pulumi/pulumi";
// The SDK's modules, not its root, which loads all of its service modules (about 90 ms of CPU in
// every process that loads it).
import { Provider } from "@pulumi/alicloud/provider";
import { AliCloudTarget } from "../config/model";

/** Arguments of {@link AliCloudRegions}. */
export interface AliCloudRegionsArgs {
    /** The AliCloud target block of the stack config: its source region and regions. */
    target: AliCloudTarget;
}

/**
 * One `Provider` per region, made once per stack: an AliCloud resource acts in its
 * provider's region (`ecs.ImageCopy` has no region input). The providers carry no credentials: they
 * read ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET (and ALIBABA_CLOUD_SECURITY_TOKEN)
 * or the provider's other usual sources, so nothing secret is in config or state.
 */
export class AliCloudRegions extends pulumi.ComponentResource {
    /** Where images are imported: the OSS bucket's region. */
    public readonly sourceRegion: string;
    /** Every region with a provider: the source region first, then the configured regions. */
    public readonly regions: string[];
    private readonly providers: Map<string, Provider>;

    constructor(name: string, args: AliCloudRegionsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("image-publisher:alicloud:Regions", name, {}, opts);
        this.sourceRegion = args.target.sourceRegion;
        this.regions = [...new Set([args.target.sourceRegion, ...args.target.regions])];
        this.providers = new Map(this.regions.map((region) => [region, new Provider(`${name}-${region}`, { region }, { parent: this })]));
        this.registerOutputs({ regions: this.regions });
    }

    /** The provider of one region; a region without one is a programming error. */
    public providerFor(region: string): Provider {
        const provider = this.providers.get(region);
        if (!provider) {
            throw new Error(`no AliCloud provider for region ${region}; the stack has: ${this.regions.join(", ")}`);
        }
        return provider;
    }
}
