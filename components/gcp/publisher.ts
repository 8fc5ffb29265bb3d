import * as pulumi from "@pulumi/pulumi";
import { Architecture, Release, StackConfig, VariantEntry, gcpTargetFor, renderTemplate } from "../config";
import { compareVersions } from "../outputs";
import { CloudPublisher, ImageRequest, PublishedImage } from "../publisher";
import { GcpImage } from "./image";
import { gceName } from "./names";

/**
 * GCP: images are global, so there is nothing to set up; each image is a {@link GcpImage}, and a
 * deprecated release's image names its replacement, the newest release that is not deprecated.
 */
export class GcpPublisher implements CloudPublisher {
    public readonly cloud = "gcp";

    constructor(private readonly config: StackConfig, private readonly releases: Release[]) {}

    async preflight(): Promise<void> {
        // GCP's rules are checked by config validation; there is no account to ask before the run.
    }

    setUp(): void {
        // No stack-wide GCP resource.
    }

    image(name: string, request: ImageRequest, parent: pulumi.Resource): PublishedImage {
        const { config } = this;
        const image = new GcpImage(name, {
            ...request, product: config.product.name, environment: config.environment, target: gcpTargetFor(config.gcp, request.variant),
            replacement: this.replacement(request.release, request.architecture, request.variant),
        }, { parent });
        return { imageIds: image.imageIds };
    }

    /** The replacement a deprecated release's image names: its successor's image of the same architecture and variant. */
    private replacement(release: Release, arch: Architecture, variant?: VariantEntry): string | undefined {
        const { config } = this;
        const successor = successorOf(release, this.releases.filter((r) => !variant || !r.variants || r.variants.includes(variant.name)));
        if (!successor || !release.deprecation?.passed || !config.gcp.project) {
            return undefined;
        }
        const name = renderTemplate(config.naming.image, { product: config.product.name, version: successor.version, arch, cloud: "gcp", variant: variant?.name });
        return `https://www.googleapis.com/compute/v1/projects/${config.gcp.project}/global/images/${gceName(name)}`;
    }
}

/** The newest release not deprecated as of the run's clock, when it is newer than this one. */
export function successorOf(release: Release, releases: Release[]): Release | undefined {
    const newer = releases.filter((r) => !r.deprecation?.passed && compareVersions(r.version, release.version) > 0);
    return newer.sort((a, b) => compareVersions(b.version, a.version))[0];
}
