import * as pulumi from "@pulumi/pulumi";
import { Architecture, Cloud, Release, VariantEntry } from "./config";

/** Per-architecture values. */
export type PerArch<T> = Partial<Record<Architecture, T>>;

/** What one image of a release is asked for. */
export interface ImageRequest {
    /** The release, resolved from config. */
    release: Release;
    /** x86_64 or arm64. */
    architecture: Architecture;
    /** The image name, rendered from `naming.image` for this cloud (and variant). */
    imageName: string;
    /** The variant, when variants are configured; its image settings go over the stack's. */
    variant?: VariantEntry;
}

/** What a cloud published for one image, and what it adds to the stack outputs. */
export interface PublishedImage {
    /** The image ID in each region (or cloud/region) it was published to. */
    imageIds: pulumi.Output<Record<string, string>>;
    /** The community image ID, where the cloud shares the image with a community. */
    communityId?: pulumi.Output<string>;
    /** The marketplace listing, where the cloud lists each image on its own. */
    listing?: pulumi.Output<unknown>;
}

/**
 * One cloud's publisher: the same small interface for every cloud, so that a release loops over
 * the enabled clouds and a change that touches every cloud touches each cloud's folder only.
 * The program makes one per enabled cloud, runs every preflight before anything is registered,
 * then sets up each cloud's stack-wide resources, then asks each for every release's images.
 */
export interface CloudPublisher<I extends PublishedImage = PublishedImage> {
    /** The cloud, as config names it. */
    readonly cloud: Cloud;
    /** Checks the account before anything is created, and refuses what would fail later. */
    preflight(): Promise<void>;
    /** Registers the resources the cloud shares across releases (a gallery, a provider per region). */
    setUp(): void;
    /** Registers one image of one release and architecture, as a child of `parent`. */
    image(name: string, request: ImageRequest, parent: pulumi.Resource): I;
    /**
     * Registers what the cloud publishes once per release after its images, such as a marketplace
     * plan that takes every architecture at once; returns its listing per architecture. Called once per
     * variant (with it) when variants are configured.
     */
    finishRelease?(name: string, release: Release, images: PerArch<I>, parent: pulumi.Resource, variant?: VariantEntry): PerArch<pulumi.Output<unknown>> | undefined;
}
