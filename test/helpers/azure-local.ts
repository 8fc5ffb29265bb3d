/** What the Azure provider tests share: the local tenant, the environment's service principal, Partner Center inputs. */
import type { MarketplaceVersionInputs } from "../../components/azure/partner-center-provider";
import type { CommunitySharingInputs } from "../../components/azure/community-sharing-provider";
import { withEnvEach } from "./env";

/** The tenant of the local token endpoint. */
export const localTenantId = "11111111-2222-3333-4444-555555555555";

/** Each test runs with the environment's service principal, and none of the other credential variables. */
export function withLocalServicePrincipal(): void {
    withEnvEach({
        AZURE_TENANT_ID: localTenantId,
        AZURE_CLIENT_ID: "66666666-7777-8888-9999-000000000000",
        AZURE_CLIENT_SECRET: "sharing-test-secret",
        AZURE_TOKEN_CREDENTIALS: "EnvironmentCredential",
        AZURE_AUTHORITY_HOST: undefined,
        ARM_TENANT_ID: undefined,
        ARM_CLIENT_ID: undefined,
        ARM_CLIENT_SECRET: undefined,
    });
}

/** Plan version inputs against a local Partner Center server: release 1592.4.0, a draft; `extra` replaces fields. */
export function planVersionInputs(server: { url: string; clientSecret: string }, extra: Partial<MarketplaceVersionInputs> = {}): MarketplaceVersionInputs {
    return {
        offerId: "product-offer", planId: "standard", tenantId: localTenantId, clientId: "66666666-7777-8888-9999-000000000000", clientSecret: server.clientSecret,
        versionNumber: "1592.4.0", images: [{ imageType: "x64Gen2", resourceId: "/subscriptions/s/images/product/versions/1592.4.0" }],
        deprecated: false, publish: false, endpoint: server.url, authorityHost: server.url, ...extra,
    };
}

/** Community sharing inputs of the tests' gallery against a local ARM server; `extra` replaces fields. */
export function sharingInputs(server: { url: string }, extra: Partial<CommunitySharingInputs> = {}): CommunitySharingInputs {
    return {
        subscriptionId: "00000000-1111-2222-3333-444444444444", resourceGroupName: "images", galleryName: "product_gallery",
        endpoint: server.url, authorityHost: server.url, ...extra,
    };
}
