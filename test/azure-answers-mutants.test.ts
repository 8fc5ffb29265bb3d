/**
 * The Azure providers facing answers the plain local servers never give: a gallery that reports no
 * public name, a Reset of a gallery that is gone, a configure accepted without a job ID, refusals
 * worded otherwise; and what they send: the JSON headers, and the credential the environment names.
 * Written against the mutants Stryker found alive (README, "Mutation testing").
 */
import { strict as assert } from "assert";
import * as http from "http";
import { MarketplaceVersionInputs, marketplaceVersionProvider } from "../components/azure/partner-center-provider";
import { CommunitySharingInputs, communitySharingProvider } from "../components/azure/community-sharing-provider";
import { FakeClock } from "./helpers/clock";
import { AzureArmServer, sendJson } from "./servers/azure-arm";
import { PartnerCenterServer } from "./servers/partner-center";
import { withLocalServicePrincipal } from "./helpers/azure-local";

const tenantId = "11111111-2222-3333-4444-555555555555";

/** A Partner Center that keeps each request's content type and accept headers, and answers a route once as scripted. */
class ScriptedPartnerCenter extends PartnerCenterServer {
    /** Per request, in order: method, path, content type and accept. */
    public readonly headers: { method: string; path: string; contentType?: string; accept?: string }[] = [];
    /** Answers to give, each once, to the next request of its route (that `when` takes, if set): a status and a raw body. */
    public readonly scripted: { route: string; status: number; text: string; when?: (url: URL) => boolean }[] = [];

    protected override answer(req: http.IncomingMessage, url: URL, route: string, body: unknown, res: http.ServerResponse): void {
        this.headers.push({ method: req.method ?? "", path: url.pathname, contentType: req.headers["content-type"], accept: req.headers.accept });
        const index = this.scripted.findIndex((s) => s.route === route && (s.when?.(url) ?? true));
        if (index >= 0) {
            const [{ status, text }] = this.scripted.splice(index, 1);
            res.writeHead(status, { "content-length": Buffer.byteLength(text) });
            res.end(text);
            return;
        }
        super.answer(req, url, route, body, res);
    }
}

/** The local ARM API of a gallery whose community sharing is enabled but lists no public name. */
class UnnamedGalleryArm extends AzureArmServer {
    protected override answer(req: http.IncomingMessage, url: URL, route: string, body: unknown, res: http.ServerResponse): void {
        if (route === "gallery") {
            for (const key of this.enabled.keys()) {
                this.enabled.set(key, []);
            }
        }
        super.answer(req, url, route, body, res);
    }
}

/** The local ARM API of a gallery that answers with this sharing profile, or none. */
class PrivateGalleryArm extends AzureArmServer {
    constructor(private readonly sharingProfile?: Record<string, unknown>) {
        super();
    }

    protected override answer(req: http.IncomingMessage, url: URL, route: string, body: unknown, res: http.ServerResponse): void {
        if (route !== "gallery") {
            super.answer(req, url, route, body, res);
            return;
        }
        sendJson(res, 200, {
            id: url.pathname, name: url.pathname.split("/").pop(), type: "Microsoft.Compute/galleries", location: "westeurope",
            properties: { provisioningState: "Succeeded", ...(this.sharingProfile ? { sharingProfile: this.sharingProfile } : {}) },
        });
    }
}

describe("AzureMarketplaceVersion's calls to Partner Center", () => {
    let server: ScriptedPartnerCenter;

    beforeEach(async () => {
        server = await new ScriptedPartnerCenter().start();
    });

    afterEach(async () => {
        await server.close();
    });

    const inputs = (): MarketplaceVersionInputs => ({
        offerId: "product-offer", planId: "standard", tenantId, clientId: "66666666-7777-8888-9999-000000000000", clientSecret: server.clientSecret,
        versionNumber: "1592.4.0", images: [{ imageType: "x64Gen2", resourceId: "/subscriptions/s/images/product/versions/1592.4.0" }],
        deprecated: false, publish: false, endpoint: server.url, authorityHost: server.url,
    });
    const provider = () => marketplaceVersionProvider({ clock: new FakeClock(0), random: () => 0.5 });

    it("asks for JSON on every call, and marks only a request with a body as JSON", async () => {
        await provider().create!(inputs());

        const posts = server.headers.filter((h) => h.method === "POST");
        const gets = server.headers.filter((h) => h.method === "GET");
        assert.deepEqual(posts.map((h) => [h.path, h.contentType]), [["/configure", "application/json"]]);
        assert.ok(gets.length >= 3, `reads: ${gets.length}`);
        assert.deepEqual(gets.filter((h) => h.contentType !== undefined), []);
        assert.deepEqual(server.headers.filter((h) => h.accept !== "application/json"), []);
    });

    it("fails, quoting the answer, when a configure is accepted without a job ID or with an empty body", async () => {
        server.scripted.push({ route: "configure", status: 202, text: "{\"jobStatus\":\"notStarted\"}" }, { route: "configure", status: 202, text: "" });

        await assert.rejects(provider().create!(inputs()), { message: "Partner Center accepted a configure request without a job ID: {\"jobStatus\":\"notStarted\"}" });
        await assert.rejects(provider().create!(inputs()), { message: "Partner Center accepted a configure request without a job ID: undefined" });
    });

    it("says a failed job reported no errors when its status has no error list", async () => {
        server.pendingPolls = 0;
        server.scripted.push({ route: "status", status: 200, text: "{\"jobId\":\"job-1\",\"jobStatus\":\"completed\",\"jobResult\":\"failed\"}" });

        await assert.rejects(provider().create!(inputs()),
            { message: "configuring Partner Center version 1592.4.0 of product-offer/standard: configure job job-1 ended failed without errors reported" });
    });

    it("fails on a refused read of the live tree instead of taking the version as not live", async () => {
        server.scripted.push({
            route: "resource-tree", status: 403, text: "{\"error\":{\"code\":\"forbidden\",\"message\":\"no access to live\"}}",
            when: (url) => url.searchParams.get("targetType") === "live",
        });

        await assert.rejects(provider().create!(inputs()), /^Error: GET \/resource-tree\/product\/[^:]+: HTTP 403: forbidden: no access to live$/);
    });

    it("passes over a listed product without an external ID when none matches", async () => {
        server.otherProducts.push({ $schema: "https://schema.mp.microsoft.com/schema/product/2022-03-01-preview3", id: "product/00000000-0000-0000-0000-000000000002" });

        await assert.rejects(provider().create!({ ...inputs(), offerId: "product-offer-new" }), /^Error: no Partner Center product has exactly the external ID "product-offer-new"/);
    });

    it("quotes a refusal as code and message, as its message without a code, and as its text when it has no message or is not JSON", async () => {
        const refusals = [
            ["{\"error\":{\"code\":\"badRequest\",\"message\":\"no such offer\"}}", "badRequest: no such offer"],
            ["{\"error\":{\"message\":\"no such offer\"}}", "no such offer"],
            ["{\"error\":{\"code\":\"badRequest\"}}", "{\"error\":{\"code\":\"badRequest\"}}"],
            ["the gateway said no", "the gateway said no"],
        ];
        for (const [text, quoted] of refusals) {
            server.scripted.push({ route: "product", status: 400, text });
            await assert.rejects(provider().create!(inputs()), { message: `GET /product: HTTP 400: ${quoted}` }, text);
        }
    });
});

describe("CommunityGallerySharing facing unusual ARM answers", () => {
    let server: AzureArmServer;

    withLocalServicePrincipal();

    afterEach(async () => {
        await server.close();
    });

    const sharing = (): CommunitySharingInputs => ({
        subscriptionId: "00000000-1111-2222-3333-444444444444", resourceGroupName: "images", galleryName: "product_gallery",
        endpoint: server.url, authorityHost: server.url,
    });
    const provider = () => communitySharingProvider({ clock: new FakeClock(0), random: () => 0.5 });

    it("fails, naming the gallery, when Azure reports no public name after EnableCommunity", async () => {
        server = await new UnnamedGalleryArm().start();

        await assert.rejects(provider().create!(sharing()), {
            message: "community sharing of gallery images/product_gallery is enabled, but Azure reports no public name; "
                + "check that the gallery's sharing profile has permissions Community and a public name prefix",
        });
    });

    it("reads a gallery without a sharing profile, or without community gallery information, as not shared", async () => {
        server = await new AzureArmServer().start();
        const created = await provider().create!(sharing());
        await server.close();
        for (const sharingProfile of [undefined, { permissions: "Private" }]) {
            server = await new PrivateGalleryArm(sharingProfile).start();

            const read = await provider().read!(created.id, { ...created.outs, endpoint: server.url, authorityHost: server.url });

            assert.deepEqual(read, {}, JSON.stringify(sharingProfile));
            await server.close();
        }
        server = await new AzureArmServer().start();
    });

    it("takes a gallery that is gone as private on delete, and fails on any other refusal of the Reset", async () => {
        server = await new AzureArmServer().start();
        const created = await provider().create!(sharing());
        server.fail("share", 404, 1);
        await provider().delete!(created.id, created.outs);

        server.fail("share", 403, 1);
        await assert.rejects(provider().delete!(created.id, created.outs),
            /^Error: the gallery sharing-profile update Reset of images\/product_gallery was refused: HTTP 403: /);
    });

    it("uses the AZURE_* service principal when both it and the ARM_* variables are set", async () => {
        server = await new AzureArmServer().start();
        process.env.ARM_TENANT_ID = tenantId;
        process.env.ARM_CLIENT_ID = "12121212-3434-5656-7878-909090909090";
        process.env.ARM_CLIENT_SECRET = "arm-secret";

        await provider().create!(sharing());

        assert.deepEqual([server.tokens[0].clientId, server.tokens[0].clientSecret], ["66666666-7777-8888-9999-000000000000", "sharing-test-secret"]);
    });

    for (const missing of ["ARM_TENANT_ID", "ARM_CLIENT_ID", "ARM_CLIENT_SECRET"]) {
        it(`leaves the ARM_* variables to the environment credential when ${missing} is not set`, async () => {
            server = await new AzureArmServer().start();
            for (const name of ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"]) {
                delete process.env[name];
            }
            Object.assign(process.env, { ARM_TENANT_ID: tenantId, ARM_CLIENT_ID: "12121212-3434-5656-7878-909090909090", ARM_CLIENT_SECRET: "arm-secret" });
            delete process.env[missing];

            await assert.rejects(provider().create!(sharing()), /EnvironmentCredential/);
            assert.deepEqual(server.tokens, []);
        });
    }
});
