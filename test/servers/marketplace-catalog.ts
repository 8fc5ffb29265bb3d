/**
 * A local AWS Marketplace Catalog API for tests: REST-JSON as @aws-sdk/client-marketplace-catalog
 * sends it (StartChangeSet POST, DescribeChangeSet GET, DescribeEntity GET, ListChangeSets POST,
 * CancelChangeSet PATCH), errors with the x-amzn-ErrorType header and a {message} body. It records
 * every request, keeps AMI products and change sets, runs change sets on a simulated clock or for a
 * number of DescribeChangeSet calls, locks a product while a change set runs, honours
 * ClientRequestToken, and injects faults on demand.
 */
import * as http from "http";
import { AddressInfo } from "net";

/** The simulated clock the server and the provider share in tests and benchmarks. */
export { FakeClock } from "../helpers/clock";

/** One error entry of a change. */
export interface ErrorDetail {
    /** The error code. */
    ErrorCode: string;
    /** The error message. */
    ErrorMessage: string;
}

/**
 * How a change set runs: PREPARING first (for `preparingDescribes` calls or `preparingMs`), then
 * APPLYING, then its outcome. With none of these set, it ends as soon as anyone looks at it.
 */
export interface ChangeSetPlan {
    /** DescribeChangeSet calls that still see it PREPARING, the only status in which it can be cancelled. */
    preparingDescribes?: number;
    /** Simulated time it is PREPARING for, from its start. */
    preparingMs?: number;
    /** DescribeChangeSet calls that still see it APPLYING. */
    runningDescribes?: number;
    /** Simulated time it runs for (PREPARING and APPLYING together), from its start. */
    durationMs?: number;
    /** How it ends; SUCCEEDED applies the change to the product. */
    outcome?: "SUCCEEDED" | "CANCELLED" | { failureCode: string; failureDescription?: string; errors: ErrorDetail[] };
}

/** What a fault does. */
export type FaultKind =
    | "throttling" // 429 ThrottlingException
    | "internal" // 500 InternalServiceException
    | "resourceInUse" // 423 ResourceInUseException
    | "lostResponse"; // the request is carried out, then answered with 500

/** A fault for the next `remaining` matching requests. */
export interface Fault {
    /** The operation it hits; any when unset. */
    operation?: string;
    /** What it does. */
    kind: FaultKind;
    /** How many more requests it hits. */
    remaining: number;
}

/** One request as the server saw it. */
export interface RecordedRequest {
    /** HTTP method. */
    method: string;
    /** Path, without the query. */
    path: string;
    /** The operation name. */
    operation: string;
    /** Query parameters. */
    query: Record<string, string>;
    /** Parsed JSON body, if any. */
    body: Record<string, unknown> | undefined;
    /** The status answered. */
    status: number;
    /** The simulated time of the request. */
    at: number;
}

/** A delivery option of a stored product version. */
export interface StoredDeliveryOption {
    /** Its ID. */
    Id: string;
    /** The source it delivers. */
    SourceId?: string;
    /** Public or Restricted. */
    Visibility: string;
    /** The recommendations. */
    Recommendations?: { InstanceType?: string; SecurityGroups?: unknown[] };
    /** Other fields the real API returns. */
    [key: string]: unknown;
}

/** A version of a stored product. */
export interface StoredVersion {
    /** Its ID. */
    Id: string;
    /** Its title. */
    VersionTitle: string;
    /** When it was added. */
    CreationDate?: string;
    /** Its AMIs. */
    Sources?: Array<{ Id: string; Architecture?: string; Image?: string; [key: string]: unknown }>;
    /** Its delivery options. */
    DeliveryOptions: StoredDeliveryOption[];
    /** Other fields the real API returns. */
    [key: string]: unknown;
}

/** A stored AMI product. */
export interface StoredProduct {
    /** The entity ID. */
    id: string;
    /** The architecture of the AMIs its new versions get. */
    architecture: string;
    /** Its versions. */
    versions: StoredVersion[];
}

/** A stored change set. */
export interface StoredChangeSet {
    /** Its ID. */
    id: string;
    /** Its name. */
    name: string;
    /** The ClientRequestToken it was started with. */
    token: string;
    /** The changes as sent. */
    changes: Array<{ ChangeType: string; Entity: { Type: string; Identifier: string }; DetailsDocument?: Record<string, unknown>; Details?: string }>;
    /** When it started. */
    startedAt: number;
    /** How it runs. */
    plan: ChangeSetPlan;
    /** DescribeChangeSet calls so far. */
    describes: number;
    /** Its final status, once ended. */
    final?: string;
    /** When it ended. */
    endedAt?: number;
    /** Its failure code, if it failed. */
    failureCode?: string;
    /** Its failure description, if it failed. */
    failureDescription?: string;
    /** The error list of each change, if it failed. */
    errors: ErrorDetail[][];
}

/** An error answered REST-JSON style. */
class ApiError extends Error {
    constructor(public readonly status: number, public readonly type: string, message: string) {
        super(message);
    }
}

const CATALOG = "AWSMarketplace";
const PREPARING = "PREPARING";
const RUNNING = "APPLYING";

/** ISO 8601 without milliseconds, as the Catalog API writes times. */
function iso(ms: number): string {
    return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The local Catalog API. */
export class MarketplaceCatalogServer {
    /** Every request, in order. */
    public readonly requests: RecordedRequest[] = [];
    /** Change sets by ID. */
    public readonly changeSets = new Map<string, StoredChangeSet>();
    /** Products by entity ID. */
    public readonly products = new Map<string, StoredProduct>();
    /** Pending faults, applied in order. */
    public readonly faults: Fault[] = [];
    /** Plans for the next change sets started, in order; after them, {@link defaultPlan}. */
    public readonly plans: ChangeSetPlan[] = [];
    /** The plan of change sets once {@link plans} is empty. */
    public defaultPlan: ChangeSetPlan = {};
    /**
     * The AMIs in us-east-1 that the access role can read. The Catalog API is served from us-east-1 and
     * AmiSource.AmiId must be an AMI "located in the region where CatalogMarketplace is called"
     * (aws-samples/aws-marketplace-api-samples, AddDeliveryOptions); any other AMI fails the change set.
     */
    public readonly amis = new Set<string>();
    private readonly tokens = new Map<string, string>();
    private server?: http.Server;
    private counter = 0;

    constructor(private readonly clock: { now: () => number } = { now: () => Date.now() }) {}

    /** Listens on 127.0.0.1, on a free port; returns the endpoint URL. */
    public async start(): Promise<string> {
        this.server = http.createServer((request, response) => void this.handle(request, response));
        await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
        return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    }

    /** Stops listening. */
    public async close(): Promise<void> {
        await new Promise<void>((resolve, reject) => this.server?.close((error) => (error ? reject(error) : resolve())) ?? resolve());
    }

    /** Adds an AMI product. */
    public addProduct(id: string, architecture: string, versions: StoredVersion[] = []): StoredProduct {
        const product = { id, architecture, versions };
        this.products.set(id, product);
        return product;
    }

    /** Makes the next `count` requests (of one operation, or any) fail. */
    public fail(kind: FaultKind, count: number, operation?: string): void {
        this.faults.push({ kind, remaining: count, operation });
    }

    /** The requests of one operation. */
    public calls(operation: string): RecordedRequest[] {
        return this.requests.filter((request) => request.operation === operation);
    }

    /** Forgets requests, faults and plans; keeps products and change sets. */
    public resetTraffic(): void {
        this.requests.length = 0;
        this.faults.length = 0;
        this.plans.length = 0;
        this.defaultPlan = {};
    }

    private nextId(prefix: string): string {
        this.counter += 1;
        return `${prefix}${String(this.counter).padStart(6, "0")}`;
    }

    private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
        const url = new URL(request.url ?? "/", "http://127.0.0.1");
        const chunks: Buffer[] = [];
        for await (const chunk of request) {
            chunks.push(chunk as Buffer);
        }
        const text = Buffer.concat(chunks).toString("utf8");
        const record: RecordedRequest = {
            method: request.method ?? "",
            path: url.pathname,
            operation: url.pathname.replace(/^\//, ""),
            query: Object.fromEntries(url.searchParams.entries()),
            body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
            status: 200,
            at: this.clock.now(),
        };
        this.requests.push(record);
        let status = 200;
        let headers: Record<string, string> = { "content-type": "application/json" };
        let payload: unknown;
        try {
            const fault = this.takeFault(record.operation);
            if (fault === "throttling") {
                throw new ApiError(429, "ThrottlingException", "Rate exceeded");
            }
            if (fault === "internal") {
                throw new ApiError(500, "InternalServiceException", "There was an internal service exception.");
            }
            if (fault === "resourceInUse") {
                throw new ApiError(423, "ResourceInUseException", "The resource is currently in use by another change set.");
            }
            payload = this.route(record);
            if (fault === "lostResponse") {
                throw new ApiError(500, "InternalServiceException", "The response was lost.");
            }
        } catch (error) {
            if (!(error instanceof ApiError)) {
                throw error;
            }
            status = error.status;
            headers = { ...headers, "x-amzn-ErrorType": error.type };
            payload = { message: error.message };
        }
        record.status = status;
        response.writeHead(status, headers);
        response.end(JSON.stringify(payload));
    }

    private takeFault(operation: string): FaultKind | undefined {
        const fault = this.faults.find((candidate) => candidate.remaining > 0 && (candidate.operation === undefined || candidate.operation === operation)
            && (!["resourceInUse", "lostResponse"].includes(candidate.kind) || operation === "StartChangeSet"));
        if (!fault) {
            return undefined;
        }
        fault.remaining -= 1;
        return fault.kind;
    }

    private route(request: RecordedRequest): unknown {
        const key = `${request.method} ${request.path}`;
        switch (key) {
            case "POST /StartChangeSet": return this.startChangeSet(request.body ?? {});
            case "GET /DescribeChangeSet": return this.describeChangeSet(request.query);
            case "GET /DescribeEntity": return this.describeEntity(request.query);
            case "POST /ListChangeSets": return this.listChangeSets(request.body ?? {});
            case "PATCH /CancelChangeSet": return this.cancelChangeSet(request.query);
            default: throw new ApiError(404, "UnknownOperationException", `no operation ${key}`);
        }
    }

    private requireCatalog(catalog: unknown): void {
        if (catalog !== CATALOG) {
            throw new ApiError(422, "ValidationException", `unknown catalog ${String(catalog)}`);
        }
    }

    private changeSet(query: Record<string, string>): StoredChangeSet {
        this.requireCatalog(query.catalog);
        const changeSet = this.changeSets.get(query.changeSetId ?? "");
        if (!changeSet) {
            throw new ApiError(404, "ResourceNotFoundException", `change set ${query.changeSetId} not found`);
        }
        return changeSet;
    }

    /** The status now, ending the change set (and applying it) when its plan says so. */
    private statusOf(changeSet: StoredChangeSet): string {
        if (changeSet.final) {
            return changeSet.final;
        }
        const plan = changeSet.plan;
        const preparing = plan.preparingMs !== undefined
            ? this.clock.now() - changeSet.startedAt < plan.preparingMs
            : changeSet.describes <= (plan.preparingDescribes ?? 0);
        if (preparing) {
            return PREPARING;
        }
        const running = plan.durationMs !== undefined
            ? this.clock.now() - changeSet.startedAt < plan.durationMs
            : changeSet.describes <= (plan.preparingDescribes ?? 0) + (plan.runningDescribes ?? 0);
        if (running) {
            return RUNNING;
        }
        this.finish(changeSet, plan.outcome ?? "SUCCEEDED");
        return changeSet.final!;
    }

    private finish(changeSet: StoredChangeSet, outcome: NonNullable<ChangeSetPlan["outcome"]>): void {
        changeSet.endedAt = this.clock.now();
        if (outcome === "CANCELLED") {
            changeSet.final = "CANCELLED";
            return;
        }
        if (typeof outcome === "object") {
            this.markFailed(changeSet, outcome.failureCode, outcome.failureDescription, [outcome.errors]);
            return;
        }
        const problems = changeSet.changes.map((change) => this.apply(change));
        if (problems.some((problem) => problem.length > 0)) {
            this.markFailed(changeSet, "CLIENT_ERROR", "The change set could not be applied.", problems);
            return;
        }
        changeSet.final = "SUCCEEDED";
    }

    private markFailed(changeSet: StoredChangeSet, code: string, description: string | undefined, errors: ErrorDetail[][]): void {
        changeSet.final = "FAILED";
        changeSet.failureCode = code;
        changeSet.failureDescription = description;
        changeSet.errors = errors;
    }

    /** Applies one change to its product; returns its errors. */
    private apply(change: StoredChangeSet["changes"][number]): ErrorDetail[] {
        const product = this.products.get(change.Entity.Identifier)!;
        const details = (change.DetailsDocument ?? JSON.parse(change.Details ?? "{}")) as Record<string, any>;
        if (change.ChangeType === "AddDeliveryOptions") {
            const title = details.Version?.VersionTitle as string;
            // A version title is unique within a product, and delivery options cannot be added to an
            // existing version (Catalog API, AMI products, "Add a new version"; error list of AMI products).
            if (product.versions.some((version) => version.VersionTitle === title)) {
                return [{ ErrorCode: "DUPLICATE_VERSION_TITLE", ErrorMessage: "The version title must be different from any other version titles of this product." }];
            }
            const options = (details.DeliveryOptions ?? []) as Array<Record<string, any>>;
            // The AMI must be in us-east-1, where the Catalog API runs. The documented error list names no
            // code for it; the change set fails with this one here.
            const foreign = options.map((option) => option.Details?.AmiDeliveryOptionDetails?.AmiSource?.AmiId as string)
                .filter((amiId) => !this.amis.has(amiId));
            if (foreign.length > 0) {
                return foreign.map((amiId) => ({ ErrorCode: "INVALID_AMI_ID", ErrorMessage: `AMI ${amiId} was not found in us-east-1 or is not shared with the access role.` }));
            }
            const version: StoredVersion = {
                Id: this.nextId("version-"),
                VersionTitle: title,
                ReleaseNotes: details.Version?.ReleaseNotes,
                CreationDate: iso(this.clock.now()),
                Sources: [],
                DeliveryOptions: [],
            };
            for (const option of options) {
                const ami = option.Details?.AmiDeliveryOptionDetails ?? {};
                const sourceId = this.nextId("source-");
                version.Sources!.push({ Id: sourceId, Type: "AmazonMachineImage", Image: `ami-0mp${this.counter}`, Architecture: product.architecture });
                version.DeliveryOptions.push({
                    Id: this.nextId("deliveryoption-"),
                    Type: "AmazonMachineImage",
                    SourceId: sourceId,
                    Visibility: "Public",
                    Instructions: { Usage: ami.UsageInstructions },
                    Recommendations: { InstanceType: ami.RecommendedInstanceType, SecurityGroups: ami.SecurityGroups },
                });
            }
            product.versions.push(version);
            return [];
        }
        if (change.ChangeType === "RestrictDeliveryOptions") {
            const ids = (details.DeliveryOptionIds ?? []) as string[];
            const all = product.versions.flatMap((version) => version.DeliveryOptions);
            const missing = ids.filter((id) => !all.some((option) => option.Id === id));
            if (missing.length > 0) {
                return missing.map((id) => ({ ErrorCode: "DELIVERY_OPTION_NOT_FOUND", ErrorMessage: `Delivery option ${id} not found` }));
            }
            all.filter((option) => ids.includes(option.Id)).forEach((option) => { option.Visibility = "Restricted"; });
            return [];
        }
        return [{ ErrorCode: "UNSUPPORTED_CHANGE_TYPE", ErrorMessage: `${change.ChangeType} is not supported here` }];
    }

    private startChangeSet(body: Record<string, unknown>): unknown {
        this.requireCatalog(body.Catalog);
        const token = String(body.ClientRequestToken ?? "");
        const changes = (body.ChangeSet ?? []) as StoredChangeSet["changes"];
        if (!/^[\w-]{1,36}$/.test(token)) {
            throw new ApiError(422, "ValidationException", `ClientRequestToken ${token} must be 1-36 letters, digits, _ or -`);
        }
        if (body.ChangeSetName !== undefined && !/^[\w\s+=.:@-]{1,100}$/.test(String(body.ChangeSetName))) {
            throw new ApiError(422, "ValidationException", `ChangeSetName ${String(body.ChangeSetName)} is not valid`);
        }
        const known = this.tokens.get(token);
        if (known) {
            const earlier = this.changeSets.get(known)!;
            if (JSON.stringify(earlier.changes) !== JSON.stringify(changes)) {
                throw new ApiError(422, "ValidationException", `ClientRequestToken ${token} was used for a different request`);
            }
            return { ChangeSetId: known, ChangeSetArn: this.arn(known) };
        }
        if (changes.length === 0) {
            throw new ApiError(422, "ValidationException", "ChangeSet must hold at least one change");
        }
        for (const change of changes) {
            if (!this.products.has(change.Entity?.Identifier)) {
                throw new ApiError(404, "ResourceNotFoundException", `entity ${change.Entity?.Identifier} not found`);
            }
            const busy = [...this.changeSets.values()].find((other) => other.changes.some((c) => c.Entity.Identifier === change.Entity.Identifier)
                && !["SUCCEEDED", "FAILED", "CANCELLED"].includes(this.statusOf(other)));
            if (busy) {
                throw new ApiError(423, "ResourceInUseException", `entity ${change.Entity.Identifier} is locked by change set ${busy.id}`);
            }
        }
        const id = this.nextId("changeset");
        this.changeSets.set(id, {
            id,
            name: String(body.ChangeSetName ?? ""),
            token,
            changes,
            startedAt: this.clock.now(),
            plan: this.plans.shift() ?? this.defaultPlan,
            describes: 0,
            errors: [],
        });
        this.tokens.set(token, id);
        return { ChangeSetId: id, ChangeSetArn: this.arn(id) };
    }

    private arn(id: string): string {
        return `arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/ChangeSet/${id}`;
    }

    private describeChangeSet(query: Record<string, string>): unknown {
        const changeSet = this.changeSet(query);
        changeSet.describes += 1;
        const status = this.statusOf(changeSet);
        return {
            ChangeSetId: changeSet.id,
            ChangeSetArn: this.arn(changeSet.id),
            ChangeSetName: changeSet.name,
            Intent: "APPLY",
            StartTime: iso(changeSet.startedAt),
            ...(changeSet.endedAt !== undefined ? { EndTime: iso(changeSet.endedAt) } : {}),
            Status: status,
            ...(changeSet.failureCode ? { FailureCode: changeSet.failureCode } : {}),
            ...(changeSet.failureDescription ? { FailureDescription: changeSet.failureDescription } : {}),
            ChangeSet: changeSet.changes.map((change, index) => ({
                ChangeType: change.ChangeType,
                Entity: { Type: change.Entity.Type, Identifier: change.Entity.Identifier },
                Details: JSON.stringify(change.DetailsDocument ?? {}),
                DetailsDocument: change.DetailsDocument ?? {},
                ErrorDetailList: changeSet.errors[index] ?? [],
            })),
        };
    }

    private describeEntity(query: Record<string, string>): unknown {
        this.requireCatalog(query.catalog);
        const product = this.products.get(query.entityId ?? "");
        if (!product) {
            throw new ApiError(404, "ResourceNotFoundException", `entity ${query.entityId} not found`);
        }
        [...this.changeSets.values()].forEach((changeSet) => this.statusOf(changeSet));
        const document = { Versions: product.versions, Description: { ProductTitle: `Product ${product.id}`, Visibility: "Public" } };
        return {
            EntityType: "AmiProduct@1.0",
            EntityIdentifier: product.id,
            EntityArn: `arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/AmiProduct/${product.id}`,
            LastModifiedDate: iso(this.clock.now()),
            Details: JSON.stringify(document),
            DetailsDocument: document,
        };
    }

    private listChangeSets(body: Record<string, unknown>): unknown {
        this.requireCatalog(body.Catalog);
        const filters = (body.FilterList ?? []) as Array<{ Name: string; ValueList: string[] }>;
        const matching = [...this.changeSets.values()].filter((changeSet) => filters.every((filter) => {
            switch (filter.Name) {
                case "EntityId": return changeSet.changes.some((change) => filter.ValueList.includes(change.Entity.Identifier));
                case "ChangeSetName": return filter.ValueList.includes(changeSet.name);
                case "Status": return filter.ValueList.includes(this.statusOf(changeSet));
                default: throw new ApiError(422, "ValidationException", `unknown filter ${filter.Name}`);
            }
        })).sort((a, b) => a.startedAt - b.startedAt);
        const start = Number(body.NextToken ?? 0);
        const size = Number(body.MaxResults ?? 20);
        const page = matching.slice(start, start + size);
        return {
            ChangeSetSummaryList: page.map((changeSet) => ({
                ChangeSetId: changeSet.id,
                ChangeSetArn: this.arn(changeSet.id),
                ChangeSetName: changeSet.name,
                StartTime: iso(changeSet.startedAt),
                ...(changeSet.endedAt !== undefined ? { EndTime: iso(changeSet.endedAt) } : {}),
                Status: this.statusOf(changeSet),
                EntityIdList: changeSet.changes.map((change) => change.Entity.Identifier),
                ...(changeSet.failureCode ? { FailureCode: changeSet.failureCode } : {}),
            })),
            ...(start + size < matching.length ? { NextToken: String(start + size) } : {}),
        };
    }

    private cancelChangeSet(query: Record<string, string>): unknown {
        const changeSet = this.changeSet(query);
        const status = this.statusOf(changeSet);
        if (["SUCCEEDED", "FAILED", "CANCELLED"].includes(status)) {
            throw new ApiError(422, "ValidationException", `change set ${changeSet.id} has already ended`);
        }
        // CancelChangeSet "must be sent before the status of the request changes to APPLYING, the final
        // stage of completing your change request" (Catalog API reference).
        if (status === RUNNING) {
            throw new ApiError(423, "ResourceInUseException", `change set ${changeSet.id} is ${RUNNING} and can no longer be cancelled`);
        }
        changeSet.final = "CANCELLED";
        changeSet.endedAt = this.clock.now();
        return { ChangeSetId: changeSet.id, ChangeSetArn: this.arn(changeSet.id) };
    }
}
