/** One image of the acmelinux 1592.4 release, published under Pulumi mocks as the stack would publish it. */
import { Architecture, Release } from "../../components/config/model";
import { MockRun, runMocked } from "../mocks";

/** What a test changes about the publish run; the rest is a prod x86_64 release. */
export interface Publish<Target> {
    /** The architecture published. */
    architecture?: Architecture;
    /** The stack's environment. */
    environment?: "dev" | "prod";
    /** The release published. */
    release?: Release;
    /** The target block. */
    target?: Target;
}

/** The arguments that every cloud's image component takes, settled. */
export interface ImageArgs<Target> {
    /** The release published. */
    release: Release;
    /** The architecture published. */
    architecture: Architecture;
    /** The target block. */
    target: Target;
    /** The product's name. */
    product: string;
    /** The image's name. */
    imageName: string;
    /** The stack's environment. */
    environment: "dev" | "prod";
}

/**
 * Publishes one acmelinux 1592.4 image under mocks, in the stack of its environment: `register`
 * makes the components from the settled arguments and returns their outputs. runMocked resolves
 * every output, so IDs come back as plain strings.
 */
export function publishAcmelinux<Target, Resolved>(
    options: Publish<Target>,
    defaults: { release: () => Release; target: () => Target },
    register: (args: ImageArgs<Target>) => unknown,
): Promise<MockRun<Resolved>> {
    const environment = options.environment ?? "prod";
    const architecture = options.architecture ?? "x86_64";
    const target = options.target ?? defaults.target();
    const run = runMocked(async () => register({
        release: options.release ?? defaults.release(),
        architecture,
        target,
        product: "acmelinux",
        imageName: `acmelinux-1592.4-${architecture}`,
        environment,
    }), { stack: environment });
    return run as unknown as Promise<MockRun<Resolved>>;
}
