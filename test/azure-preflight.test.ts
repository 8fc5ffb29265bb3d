import { strict as assert } from "assert";
import { Permission, armPermissionReader, missingBlobDataActions } from "../components/azure/blob-access";
import { AzurePreflightError, azurePreflight } from "../components/azure/preflight";
import { publish } from "../stacks/program";
import { fixturePermissions } from "../tools/fixtures";
import { baseConfig } from "./fixtures/config";
import { communityGalleryTarget } from "./helpers/azure";
import { withEnvEach } from "./helpers/env";
import { defaultFixtures, runMocked } from "./mocks";
import { AzureArmServer } from "./servers/azure-arm";

const accountScope = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/images/providers/Microsoft.Storage/storageAccounts/productvhds";
const contributor: Permission = { actions: ["*"], notActions: ["Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write"], dataActions: [], notDataActions: [] };
const blobDataContributor: Permission = {
    actions: ["Microsoft.Storage/storageAccounts/blobServices/containers/*"], notActions: [],
    dataActions: ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*"], notDataActions: [],
};

/** Runs the preflight under mocks with the fixtures changed as asked; returns the error it threw, if any. */
async function preflightError(target = communityGalleryTarget(), environment: "dev" | "prod" = "prod", change: (f: ReturnType<typeof defaultFixtures>) => void = () => undefined) {
    const fixtures = defaultFixtures();
    change(fixtures);
    try {
        await runMocked(() => azurePreflight(target, environment, { readPermissions: fixturePermissions(fixtures) }), { stack: environment, fixtures });
        return undefined;
    } catch (error) {
        return error as Error;
    }
}

describe("Azure preflight", () => {
    describe("a gallery that would become a community gallery", () => {
        it("refuses, saying what to do, when the gallery exists without community sharing", async () => {
            const error = await preflightError(communityGalleryTarget(), "prod", (f) => (f.azureGalleries["images/product_gallery"] = "Private"));
            assert.ok(error instanceof AzurePreflightError, String(error));
            assert.match(error.message, /azure\.sharing\.community: gallery images\/product_gallery exists with sharing "Private", and Azure cannot turn an existing private gallery into a community gallery/);
            assert.match(error.message, /keep azure\.sharing\.community false for it, or publish community images from a new gallery in another stack/);
        });

        it("passes when the gallery is already a community gallery, or does not exist yet", async () => {
            assert.equal(await preflightError(communityGalleryTarget(), "prod", (f) => (f.azureGalleries["images/product_gallery"] = "Community")), undefined);
            assert.equal(await preflightError(communityGalleryTarget(), "prod"), undefined, "no such gallery in the fixtures: it will be created shared");
        });

        it("reads nothing when community sharing is off, or in dev", async () => {
            for (const [target, environment] of [[communityGalleryTarget({ sharing: { community: false } }), "prod"], [communityGalleryTarget({ sharing: { community: false } }), "dev"]] as const) {
                const fixtures = defaultFixtures();
                fixtures.azureGalleries["images/product_gallery"] = "Private";
                const run = await runMocked(() => azurePreflight(target, environment), { stack: environment, fixtures });
                assert.deepEqual(run.invokes, []);
            }
        });

        it("registers nothing when the stack program is refused", async () => {
            const config = baseConfig("prod");
            config.azure = {
                enabled: true, subscriptionId: "00000000-1111-2222-3333-444444444444", resourceGroup: { name: "rg" }, storageAccount: { name: "images" },
                gallery: { name: "g", publicNamePrefix: "testlinux", publisherContact: "images@example.org", publisherUri: "https://example.org" },
                image: { publisher: "acme", offer: "testlinux" }, regions: [{ name: "westeurope" }], sharing: { community: true },
            };
            config.releases = [{ version: "1.0", artifacts: { aws: "s3://artifacts/{version}/{arch}.raw", azure: "https://artifacts.example.org/{version}/{arch}.vhd" } }];
            const fixtures = defaultFixtures();
            fixtures.azureGalleries["rg/g"] = "Private";
            await assert.rejects(runMocked(() => publish(), { stack: "prod", config, fixtures }), (error: Error & { registered?: unknown[] }) => {
                assert.match(error.message, /Azure preflight failed; nothing was created/);
                assert.deepEqual(error.registered, []);
                return true;
            });
        });
    });

    describe("blob data access to a reused storage account", () => {
        const reused = () => communityGalleryTarget({ subscriptionId: "00000000-0000-0000-0000-000000000000", storageAccount: { name: "productvhds", create: false } });

        it("refuses an identity with Owner or Contributor only, naming the missing role and how to grant it", async () => {
            const error = await preflightError(reused(), "prod", (f) => {
                f.azureGalleries["images/product_gallery"] = "Community";
                f.azurePermissions[accountScope] = [contributor];
            });
            assert.ok(error instanceof AzurePreflightError, String(error));
            assert.match(error.message, /azure\.storageAccount: the deploying identity \(object ID 00000000-aaaa-bbbb-cccc-000000000004\) has no blob data access to the reused account productvhds/);
            assert.match(error.message, /needs the role Storage Blob Data Contributor on it \(Owner and Contributor carry no data access\)/);
            assert.ok(error.message.includes(`az role assignment create --role "Storage Blob Data Contributor" --assignee 00000000-aaaa-bbbb-cccc-000000000004 --scope ${accountScope}`), error.message);
        });

        it("passes with Storage Blob Data Contributor on the account", async () => {
            assert.equal(await preflightError(reused(), "prod", (f) => (f.azurePermissions[accountScope] = [contributor, blobDataContributor])), undefined);
        });

        it("checks nothing when the program creates the account and grants the role itself", async () => {
            const fixtures = defaultFixtures();
            let asked = 0;
            await runMocked(() => azurePreflight(communityGalleryTarget({ sharing: { community: false } }), "prod", { readPermissions: async () => (asked++, []) }), { stack: "prod", fixtures });
            assert.equal(asked, 0);
        });

        it("counts data actions with wildcards, and those a role excludes as missing", () => {
            assert.deepEqual(missingBlobDataActions([blobDataContributor]), []);
            assert.deepEqual(missingBlobDataActions([{ dataActions: ["*"], notDataActions: ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete"] }]),
                ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete"]);
            assert.deepEqual(missingBlobDataActions([{ dataActions: ["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"] }]), [
                "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write", "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete",
            ]);
            assert.equal(missingBlobDataActions([contributor]).length, 3);
        });

        describe("read from Azure Resource Manager", () => {
            let server: AzureArmServer;
            withEnvEach({
                AZURE_TENANT_ID: "11111111-2222-3333-4444-555555555555",
                AZURE_CLIENT_ID: "66666666-7777-8888-9999-000000000000",
                AZURE_CLIENT_SECRET: "preflight-test-secret",
                AZURE_TOKEN_CREDENTIALS: "EnvironmentCredential",
                AZURE_AUTHORITY_HOST: undefined,
            });
            beforeEach(async () => {
                server = await new AzureArmServer().start();
            });
            afterEach(async () => {
                await server.close();
            });

            it("asks the permissions API at the account's scope as the environment's identity", async () => {
                server.permissions.set(accountScope.toLowerCase(), [contributor, blobDataContributor]);
                const permissions = await armPermissionReader(server.url, server.url)(accountScope);
                assert.deepEqual(permissions, [contributor, blobDataContributor]);
                assert.equal(server.requests.length, 1);
                assert.equal(server.requests[0].path, `${accountScope}/providers/Microsoft.Authorization/permissions`);
                assert.equal(server.requests[0].query["api-version"], "2022-04-01");
                assert.equal(server.tokens[0].clientSecret, "preflight-test-secret");
            });

            it("says which scope it could not read", async () => {
                server.fail("permissions", 403);
                await assert.rejects(armPermissionReader(server.url, server.url)(accountScope), new RegExp(`reading the permissions at ${accountScope}: HTTP 403`));
            });
        });
    });
});
