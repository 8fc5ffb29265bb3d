import * as pulumi from "@pulumi/pulumi";
import { StackConfig, alicloudTargetFor } from "../config";
import { CloudPublisher, ImageRequest, PublishedImage } from "../publisher";
import { AliCloudImage } from "./image";
import { AliCloudRegions } from "./regions";

/** AliCloud: one provider per region, made once; each image is an {@link AliCloudImage}. */
export class AliCloudPublisher implements CloudPublisher {
    public readonly cloud = "alicloud";
    /** One provider per region; made by setUp. */
    private regions?: AliCloudRegions;

    constructor(private readonly config: StackConfig) {}

    async preflight(): Promise<void> {
        // AliCloud's rules are checked by config validation; there is no account to ask before the run.
    }

    setUp(): void {
        this.regions = new AliCloudRegions("alicloud", { target: this.config.alicloud });
    }

    image(name: string, request: ImageRequest, parent: pulumi.Resource): PublishedImage {
        const { config } = this;
        if (!this.regions) {
            throw new Error("AliCloudPublisher.image before setUp");
        }
        const image = new AliCloudImage(name, {
            ...request, product: config.product.name, environment: config.environment, target: alicloudTargetFor(config.alicloud, request.variant), regions: this.regions,
        }, { parent });
        return { imageIds: image.imageIds };
    }
}
