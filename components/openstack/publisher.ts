import * as pulumi from "@pulumi/pulumi";
import { StackConfig } from "../config";
import { CloudPublisher, ImageRequest, PublishedImage } from "../publisher";
import { OpenStackClouds } from "./clouds";
import { OpenStackImage } from "./image";

/** OpenStack: one provider per cloud and region, made once; each image is an {@link OpenStackImage}. */
export class OpenStackPublisher implements CloudPublisher {
    public readonly cloud = "openstack";
    /** One provider per cloud and region; made by setUp. */
    private clouds?: OpenStackClouds;

    constructor(private readonly config: StackConfig) {}

    async preflight(): Promise<void> {
        // OpenStack's rules are checked by config validation; there is no account to ask before the run.
    }

    setUp(): void {
        this.clouds = new OpenStackClouds("openstack", { target: this.config.openstack, secrets: this.config.secrets.openstack });
    }

    image(name: string, request: ImageRequest, parent: pulumi.Resource): PublishedImage {
        const { config } = this;
        if (!this.clouds) {
            throw new Error("OpenStackPublisher.image before setUp");
        }
        const image = new OpenStackImage(name, {
            ...request, product: config.product.name, environment: config.environment, target: config.openstack, clouds: this.clouds,
        }, { parent });
        return { imageIds: image.imageIds };
    }
}
