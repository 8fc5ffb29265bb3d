import { CommunityShareState } from "../../components/alicloud/community-share";
import { ImportImageState } from "../../components/alicloud/import-image";
import { withEnv } from "./env";
import { EcsServer, startEcsServer } from "../servers/ecs";

/** The AccessKey ID the local ECS server accepts; the secret is "test-secret". */
export const accessKeyId = "LTAI5tImagePublisherTest";

/**
 * Sets the AliCloud credential variables for the enclosing describe and starts a local ECS server
 * before each test, closed after it; returns a getter of the running server.
 */
export function useLocalEcs(): () => EcsServer {
    let server: EcsServer | undefined;
    withEnv({ ALIBABA_CLOUD_ACCESS_KEY_ID: accessKeyId, ALIBABA_CLOUD_ACCESS_KEY_SECRET: "test-secret" });
    beforeEach(async () => {
        server = await startEcsServer({ accessKeyId });
    });
    afterEach(async () => {
        await server?.close();
        server = undefined;
    });
    return () => {
        if (!server) {
            throw new Error("the local ECS server runs only inside a test");
        }
        return server;
    };
}

/** The inputs of a sample arm64 import against this server. */
export function importImageInputs(server: EcsServer, overrides: Partial<ImportImageState> = {}): ImportImageState {
    return {
        regionId: "eu-central-1",
        endpoint: server.endpoint,
        protocol: "http",
        imageName: "acmelinux-1592.4-arm64",
        ossBucket: "acmelinux-artifacts-eu-central-1",
        ossObject: "1592.4/acmelinux-1592.4-arm64.qcow2",
        format: "qcow2",
        diskImageSize: 20,
        architecture: "arm64",
        osType: "linux",
        platform: "Others Linux",
        bootMode: "UEFI",
        description: "acmelinux 1592.4 arm64",
        ...overrides,
    };
}

/** The state of a community share of this image in ap-southeast-1 against this server. */
export function communityShareState(server: EcsServer, imageId: string, overrides: Partial<CommunityShareState> = {}): CommunityShareState {
    return { regionId: "ap-southeast-1", imageId, isPublic: true, endpoint: server.endpoint, protocol: "http", ...overrides };
}
