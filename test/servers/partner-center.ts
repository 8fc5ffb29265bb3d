/**
 * A local Partner Center product ingestion API over HTTPS on 127.0.0.1, with its Microsoft Entra
 * token endpoint: product by external ID, resource trees per target (draft, preview, live),
 * configure with jobs that run for a few polls, configure job status, and submissions. A
 * completed job applies its resources: a technical configuration replaces the draft's, a preview
 * submission copies the draft to preview, a live submission the preview to live. Faults can be
 * queued per route, and a job can be made to fail or never finish.
 *
 * It refuses what Partner Center refuses: an image type other than x64Gen1, x64Gen2 and arm64Gen2,
 * an image type that has no entry in the plan's `skus`, and a configure request whose `$version` is not
 * the version of its own configure `$schema` ("$version - required. This is the version of the schema
 * that is being used in the request"). A read answers each technical configuration in the newest
 * schema up to the `$version` asked for ("used as the max supported version for each of the
 * applicable resources"): 2022-03-01-preview5 from that version on (2022-07-01 included), preview2 below.
 */
import * as http from "http";
import { LocalAzureApi, sendJson } from "./azure-arm";

/** A resource as the API stores it. */
export type Resource = Record<string, unknown> & { $schema: string; id?: string; product?: string; plan?: string };

/** How the next configure job ends. */
export type JobOutcome = { result: "succeeded" } | { result: "failed"; errors: unknown[] } | { result: "never" };

const schema = (type: string, version = "2022-03-01-preview2") => `https://schema.mp.microsoft.com/schema/${type}/${version}`;

/** The image types of a virtual machine plan (product ingestion API; as sent by cloudpub, Flatcar and FreeBSD). */
const imageTypes = ["x64Gen1", "x64Gen2", "arm64Gen2"];

/** The kind of a technical configuration resource, if it is one: a virtual machine offer's or a core virtual machine offer's. */
const technicalKind = (resource: Resource) =>
    /\/schema\/((core-)?virtual-machine-plan-technical-configuration)\//.exec(resource.$schema)?.[1];

/** The schema version at the end of a schema URL. */
const versionOf = (schemaUrl: string) => schemaUrl.split("/").pop();

/** A schema version's order: its date, then its preview number (a version without one comes after its previews). */
const versionRank = (version: string) => {
    const preview = /-preview(\d+)$/.exec(version);
    return `${version.slice(0, 10)}/${preview ? preview[1].padStart(3, "0") : "999"}`;
};

/** The technical configuration schema version a read at `$version` answers with: the newest not above it. */
const technicalVersionFor = (version: string) =>
    (versionRank(version) >= versionRank("2022-03-01-preview5") ? "2022-03-01-preview5" : "2022-03-01-preview2");

/** One configure job. */
interface Job {
    /** The resources it configures. */
    resources: Resource[];
    /** Status polls answered so far. */
    polls: number;
    /** How it ends. */
    outcome: JobOutcome;
    /** Set once its resources were applied. */
    applied: boolean;
}

/** The local product ingestion API; fault routes: "product", "resource-tree", "configure", "status", "submission". */
export class PartnerCenterServer extends LocalAzureApi {
    /** The product's GUID. */
    public readonly productGuid = "5f1c2d3e-4a5b-6c7d-8e9f-0a1b2c3d4e5f";
    /** The plan's GUID. */
    public readonly planGuid = "9a8b7c6d-5e4f-3a2b-1c0d-e9f8a7b6c5d4";
    /** Another plan of the same product, whose configuration must stay untouched. */
    public readonly otherPlanGuid = "11112222-3333-4444-5555-666677778888";
    /** Status polls that answer running before a job completes. */
    public pendingPolls = 1;
    /** How the next jobs end; "succeeded" when the queue is empty. */
    public readonly outcomes: JobOutcome[] = [];
    /** The resource trees per target; preview and live are absent until something was submitted. */
    public readonly trees: { draft: Resource[]; preview?: Resource[]; live?: Resource[] };
    /** The submissions, as GET submission/<product> lists them. */
    public readonly submissionList: Resource[] = [];
    /** Called after a job's resources were applied, to act as another writer of the product. */
    public afterApply?: () => void;
    /** Other products that GET product lists whatever the external ID asked for (as a loose search would). */
    public readonly otherProducts: Resource[] = [];
    private readonly jobs = new Map<string, Job>();

    /**
     * @param offerId the product's external ID
     * @param planId the plan's external ID
     * @param clientSecret the app's secret
     * @param offerKind "virtual-machine" or "core-virtual-machine": which technical configuration the plans have
     */
    constructor(public readonly offerId = "product-offer", public readonly planId = "standard", public readonly clientSecret = "partner-center-test-secret",
        public readonly offerKind: "virtual-machine" | "core-virtual-machine" = "virtual-machine") {
        super({ clientSecret, unauthorizedCode: "Unauthorized" });
        const product = `product/${this.productGuid}`;
        this.trees = {
            draft: [
                { $schema: schema("product", "2022-03-01-preview3"), id: product, identity: { externalId: offerId }, type: offerKind === "core-virtual-machine" ? "azureCoreVirtualMachine" : "azureVirtualMachine", alias: "Product" },
                { $schema: schema("plan"), id: `plan/${this.productGuid}/${this.planGuid}`, product, identity: { externalId: planId }, alias: "Standard" },
                { $schema: schema("plan"), id: `plan/${this.productGuid}/${this.otherPlanGuid}`, product, identity: { externalId: "other" }, alias: "Other" },
                this.technicalConfiguration(this.planGuid, [{
                    versionNumber: "1.0.0",
                    vmImages: [{ imageType: "x64Gen2", source: { sourceType: "sharedImageGallery", sharedImage: { tenantId: "t", resourceId: "/subscriptions/s/old-1.0.0" } } }],
                }]),
                this.technicalConfiguration(this.otherPlanGuid, []),
                { $schema: schema("submission"), id: `submission/${this.productGuid}/0`, product, target: { targetType: "draft" } },
            ],
        };
    }

    /** The configure requests' bodies, in order. */
    get configures(): { $schema: string; resources: Resource[] }[] {
        return this.requests.filter((r) => r.method === "POST" && r.path === "/configure").map((r) => r.body as { $schema: string; resources: Resource[] });
    }

    /** The plan's technical configuration in a target's tree. */
    planConfiguration(target: "draft" | "preview" | "live", planGuid = this.planGuid): Resource | undefined {
        return this.trees[target]?.find((r) => technicalKind(r) !== undefined && r.plan === `plan/${this.productGuid}/${planGuid}`);
    }

    private technicalConfiguration(planGuid: string, vmImageVersions: unknown[]): Resource {
        return {
            $schema: schema(`${this.offerKind}-plan-technical-configuration`, "2022-03-01-preview5"),
            product: `product/${this.productGuid}`,
            plan: `plan/${this.productGuid}/${planGuid}`,
            operatingSystem: { family: "linux", type: "other", friendlyName: "Product Linux" },
            recommendedVmSizes: [],
            openPorts: [],
            vmProperties: { supportsExtensions: true, supportsAcceleratedNetworking: true },
            skus: [{ imageType: "x64Gen2", skuId: "standard" }, { imageType: "x64Gen1", skuId: "standard-gen1" }, { imageType: "arm64Gen2", skuId: "standard-arm64" }],
            vmImageVersions,
        };
    }

    protected routeOf(path: string): string {
        return path === "/product" ? "product" : path.startsWith("/resource-tree/") ? "resource-tree"
            : path === "/configure" ? "configure" : /^\/configure\/[^/]+\/status$/.test(path) ? "status" : path.startsWith("/submission/") ? "submission" : "unknown";
    }

    protected answer(req: http.IncomingMessage, url: URL, route: string, body: unknown, res: http.ServerResponse): void {
        const path = url.pathname;
        switch (route) {
            case "product": {
                const externalId = url.searchParams.get("externalId");
                const product = this.trees.draft[0];
                sendJson(res, 200, { value: [...(externalId === this.offerId ? [product] : []), ...this.otherProducts] });
                return;
            }
            case "resource-tree": {
                const target = (url.searchParams.get("targetType") ?? "draft") as "draft" | "preview" | "live";
                const resources = this.trees[target];
                if (path !== `/resource-tree/product/${this.productGuid}` || resources === undefined) {
                    sendJson(res, 404, { error: { code: "NotFound", message: `no ${target} resource tree for ${path}` } });
                    return;
                }
                // Technical configurations are answered in the newest schema up to the version the read asked for.
                const version = url.searchParams.get("$version");
                const answered = resources.map((r) => (technicalKind(r) !== undefined && version !== null
                    ? { ...r, $schema: schema(technicalKind(r) as string, technicalVersionFor(version)) } : r));
                sendJson(res, 200, { $schema: schema("resource-tree"), root: `product/${this.productGuid}`, target: { targetType: target }, resources: answered });
                return;
            }
            case "configure": {
                const requestSchema = String((body as { $schema?: unknown })?.$schema ?? "");
                const version = url.searchParams.get("$version");
                if (!/\/schema\/configure\//.test(requestSchema) || versionOf(requestSchema) !== version) {
                    sendJson(res, 400, { error: { code: "badRequest", message: `the request's $schema ${requestSchema} is not the configure schema of its $version ${String(version)}` } });
                    return;
                }
                const jobId = `job-${this.jobs.size + 1}`;
                this.jobs.set(jobId, {
                    resources: (body as { resources: Resource[] }).resources,
                    polls: 0, outcome: this.outcomes.shift() ?? { result: "succeeded" }, applied: false,
                });
                sendJson(res, 202, { $schema: schema("configure-status"), jobId, jobStatus: "notStarted", jobResult: "pending", jobStart: "2026-01-01T00:00:00Z", errors: [] });
                return;
            }
            case "status": {
                this.answerJob(path.split("/")[2], res);
                return;
            }
            case "submission": {
                sendJson(res, 200, { value: path === `/submission/${this.productGuid}` ? this.submissionList : [] });
                return;
            }
            default:
                sendJson(res, 404, { error: { code: "NotFound", message: `no route ${req.method} ${path}` } });
        }
    }

    private answerJob(jobId: string, res: http.ServerResponse): void {
        const job = this.jobs.get(jobId);
        if (!job) {
            sendJson(res, 404, { error: { code: "NotFound", message: `no job ${jobId}` } });
            return;
        }
        job.polls++;
        const status = (jobStatus: string, jobResult: string, errors: unknown[] = []) =>
            sendJson(res, 200, { $schema: schema("configure-status"), jobId, jobStatus, jobResult, jobStart: "2026-01-01T00:00:00Z", errors });
        if (job.outcome.result === "never" || job.polls <= this.pendingPolls) {
            status("running", "pending");
            return;
        }
        if (job.outcome.result === "failed") {
            status("completed", "failed", job.outcome.errors);
            return;
        }
        const problem = job.applied ? undefined : this.apply(job.resources);
        if (!job.applied && !problem) {
            this.afterApply?.();
        }
        job.applied = true;
        if (problem) {
            status("completed", "failed", [{ code: "businessValidationError", message: problem }]);
            return;
        }
        status("completed", "succeeded");
    }

    /** Why a technical configuration cannot be applied, or undefined. */
    private technicalProblem(resource: Resource): string | undefined {
        const skus = (resource.skus ?? []) as { imageType?: string; skuId?: string; securityType?: unknown }[];
        for (const sku of skus) {
            if (!imageTypes.includes(String(sku.imageType))) {
                return `skus: imageType ${String(sku.imageType)} is not one of ${imageTypes.join(", ")}`;
            }
            // A SKU's securityType is for Gen2 x64 images: "trusted" and/or "confidential" (VMISku.security_type in
            // release-engineering/cloudpub's model of the product ingestion schema).
            if (sku.securityType !== undefined) {
                const types = Array.isArray(sku.securityType) ? sku.securityType : [sku.securityType];
                if (sku.imageType !== "x64Gen2" || types.length === 0 || types.some((t) => t !== "trusted" && t !== "confidential")) {
                    return `skus: securityType ${JSON.stringify(sku.securityType)} of ${String(sku.imageType)} is not allowed; allowed: "trusted" and/or "confidential" on an x64Gen2 SKU`;
                }
            }
        }
        const versions = (resource.vmImageVersions ?? []) as { versionNumber?: string; vmImages?: { imageType?: string }[] }[];
        for (const [v, entry] of versions.entries()) {
            for (const [i, image] of (entry.vmImages ?? []).entries()) {
                if (!imageTypes.includes(String(image.imageType))) {
                    return `vmImageVersions[${v}].vmImages[${i}]: imageType ${String(image.imageType)} is not one of ${imageTypes.join(", ")}`;
                }
                if (!skus.some((sku) => sku.imageType === image.imageType)) {
                    return `vmImageVersions[${v}].vmImages[${i}]: imageType ${String(image.imageType)} has no matching SKU in the plan's skus`;
                }
            }
        }
        return undefined;
    }

    /** Applies a job's resources; returns a problem when one cannot be applied. */
    private apply(resources: Resource[]): string | undefined {
        for (const resource of resources) {
            const kind = technicalKind(resource);
            if (kind !== undefined) {
                const index = this.trees.draft.findIndex((r) => technicalKind(r) !== undefined && r.plan === resource.plan);
                if (index < 0 || technicalKind(this.trees.draft[index]) !== kind) {
                    return `no ${kind} for ${String(resource.plan)}`;
                }
                const problem = this.technicalProblem(resource);
                if (problem !== undefined) {
                    return problem;
                }
                this.trees.draft[index] = structuredClone({ ...resource, $schema: schema(kind, "2022-03-01-preview5") });
            } else if (resource.$schema.includes("/submission/")) {
                const target = (resource.target as { targetType: string }).targetType;
                if (target === "preview") {
                    this.trees.preview = structuredClone(this.trees.draft);
                    const id = `submission/${this.productGuid}/${1152921504606846976 + this.submissionList.length}`;
                    this.submissionList.splice(0, this.submissionList.length, ...this.submissionList.filter((s) => (s.target as { targetType: string }).targetType !== "preview"),
                        { $schema: schema("submission"), id, product: resource.product, target: { targetType: "preview" }, status: "completed", result: "succeeded" });
                } else if (target === "live") {
                    const preview = this.submissionList.find((s) => (s.target as { targetType: string }).targetType === "preview");
                    if (!this.trees.preview || !preview || resource.id !== preview.id) {
                        return `submission ${String(resource.id)} is not in preview`;
                    }
                    this.trees.live = structuredClone(this.trees.preview);
                    this.submissionList.push({ ...preview, target: { targetType: "live" } });
                } else {
                    return `unknown submission target ${target}`;
                }
            } else {
                return `unexpected resource ${resource.$schema}`;
            }
        }
        return undefined;
    }
}
