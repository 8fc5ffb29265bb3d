/** The AWS Marketplace version that the provider tests publish, and the local Catalog server they publish it to. */
import { MarketplaceVersionInputs } from "../../components/aws/marketplace-provider";
import { MarketplaceCatalogServer } from "../servers/marketplace-catalog";
import { FakeClock } from "./clock";
import { localAwsCredentials, withEnv } from "./env";

/** The AMI that the sample version publishes. */
export const AMI = "ami-0123456789abcdef0";
/** The AMIs the local server knows in us-east-1 (the only region the Catalog API takes an AMI from). */
export const US_EAST_1_AMIS = [AMI, "ami-0aaaabbbbccccdddd", "ami-0fedcba9876543210"];

/** A release's x86_64 version of product prod-x86, aimed at the local server. */
export function versionInputs(endpoint: string, overrides: Partial<MarketplaceVersionInputs> = {}): MarketplaceVersionInputs {
    return {
        productId: "prod-x86",
        amiId: AMI,
        architecture: "x86_64",
        version: "2.1.0",
        versionTitle: "Example Linux 2.1.0",
        releaseNotes: "Kernel 6.12 and OpenSSL 3.5.",
        accessRoleArn: "arn:aws:iam::123456789012:role/marketplace-ingest",
        osName: "OTHERLINUX",
        osVersion: "2",
        username: "ec2-user",
        scanningPort: 22,
        usageInstructions: "Connect with SSH as ec2-user.",
        securityGroups: [{ ipProtocol: "tcp", fromPort: 22, toPort: 22, ipRanges: ["0.0.0.0/0"] }],
        endpoint,
        ...overrides,
    };
}

/** A started local Catalog server, on its own simulated clock. */
export interface LocalMarketplace {
    /** The clock the server runs change sets on; give it to the provider too. */
    clock: FakeClock;
    /** The server. */
    server: MarketplaceCatalogServer;
    /** Its endpoint. */
    endpoint: string;
}

/** Starts a local Catalog server on a fresh simulated clock, holding these AMI products (ID → architecture). */
async function startMarketplace(products: Record<string, string>): Promise<LocalMarketplace> {
    const clock = new FakeClock();
    const server = new MarketplaceCatalogServer(clock);
    const endpoint = await server.start();
    US_EAST_1_AMIS.forEach((ami) => server.amis.add(ami));
    for (const [id, architecture] of Object.entries(products)) {
        server.addProduct(id, architecture);
    }
    return { clock, server, endpoint };
}

/**
 * Registers the hooks of a describe block that runs against the local Catalog server: the dummy
 * credentials for the whole block, and for each test a fresh server with these products, handed to
 * `started`, and closed after the test.
 */
export function useLocalMarketplace(products: Record<string, string>, started: (local: LocalMarketplace) => void): void {
    let server: MarketplaceCatalogServer | undefined;
    withEnv(localAwsCredentials);
    beforeEach(async () => {
        const local = await startMarketplace(products);
        server = local.server;
        started(local);
    });
    afterEach(async () => {
        await server?.close();
        server = undefined;
    });
}
