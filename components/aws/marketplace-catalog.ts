/**
 * The Marketplace Catalog calls the version provider makes, each with bounded retries on the shared
 * retry helpers: find a change set by name, start one at most once, poll it to its end, read the
 * product. The SDK is loaded inside {@link openCatalog}, so that these functions survive closure
 * serialisation.
 */
import type { Change, ChangeSetSummaryListItem, DescribeChangeSetCommandOutput, MarketplaceCatalogClient } from "@aws-sdk/client-marketplace-catalog";
import { Clock, isTransientHttpError, pollUntil, RetriesExhaustedError, retry } from "../dynamic/retry";
import { MARKETPLACE_CATALOG, MARKETPLACE_REGION, MarketplaceChange } from "./marketplace-changeset";
import { AmiProductDetails, productDetails } from "./marketplace-entity";
import { MARKETPLACE_BUSY_RETRY, MARKETPLACE_TRANSIENT_RETRY, MarketplacePollSettings } from "./marketplace-schedule";

/** The SDK module, as loaded at run time. */
export type CatalogSdk = typeof import("@aws-sdk/client-marketplace-catalog");

/** A DescribeChangeSet response. */
export type ChangeSetDescription = DescribeChangeSetCommandOutput;

/** Everything a Catalog call needs: the SDK, a client, the clock and the schedules. */
export interface CatalogSession {
    /** The SDK module. */
    sdk: CatalogSdk;
    /** A client in us-east-1, aimed at the endpoint if one was given. */
    client: MarketplaceCatalogClient;
    /** The clock of every wait. */
    clock: Clock;
    /** The jitter source of the retries. */
    random: () => number;
    /** The change set poll. */
    poll: MarketplacePollSettings;
    /** StartChangeSet attempts while the product is busy. */
    busyAttempts: number;
}

/** How a session is opened. */
export interface CatalogSessionOptions {
    /** The Catalog API endpoint; the SDK's default (and its standard environment variables) when unset. */
    endpoint?: string;
    /** The clock of every wait. */
    clock: Clock;
    /** The jitter source of the retries. */
    random: () => number;
    /** The change set poll. */
    poll: MarketplacePollSettings;
    /** StartChangeSet attempts while the product is busy. */
    busyAttempts: number;
}

/** Statuses after which a change set does not change any more. */
export const FINAL_STATUSES = ["SUCCEEDED", "FAILED", "CANCELLED"];
/** Statuses of a change set that did not apply. */
export const UNSUCCESSFUL_STATUSES = ["FAILED", "CANCELLED"];
/** The most pages of ListChangeSets read when looking for a change set by name. */
const MAX_LIST_PAGES = 50;

/**
 * Opens a session: the client uses the SDK's default credential chain and no SDK-level retries
 * (every retry here is the shared bounded one, on the session's clock).
 */
export async function openCatalog(options: CatalogSessionOptions): Promise<CatalogSession> {
    const sdk: CatalogSdk = await import("@aws-sdk/client-marketplace-catalog");
    const client = new sdk.MarketplaceCatalogClient({
        region: MARKETPLACE_REGION,
        maxAttempts: 1,
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    });
    return { sdk, client, clock: options.clock, random: options.random, poll: options.poll, busyAttempts: options.busyAttempts };
}

/** The error's message, whatever was thrown. */
function messageOf(error: unknown): string {
    return error instanceof Error ? error.message : String(error);
}

/** Runs one Catalog call, retried on throttling, 5xx and dropped connections. */
export async function callCatalog<T>(session: CatalogSession, operation: string, call: () => Promise<T>): Promise<T> {
    try {
        return await retry(() => call(), {
            ...MARKETPLACE_TRANSIENT_RETRY,
            retryable: isTransientHttpError,
            clock: session.clock,
            random: session.random,
        });
    } catch (error) {
        if (error instanceof RetriesExhaustedError) {
            throw new Error(`Marketplace ${operation}: ${error.message}`, { cause: error });
        }
        throw error;
    }
}

/** Whether the API refused a change set because another one holds the product. */
export function isResourceInUse(error: unknown): boolean {
    return (error as { name?: string } | undefined)?.name === "ResourceInUseException";
}

/** The change sets on this product with this exact name, oldest first. */
export async function findChangeSets(session: CatalogSession, productId: string, name: string): Promise<ChangeSetSummaryListItem[]> {
    const found: ChangeSetSummaryListItem[] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
        const output = await callCatalog(session, "ListChangeSets", () => session.client.send(new session.sdk.ListChangeSetsCommand({
            Catalog: MARKETPLACE_CATALOG,
            FilterList: [{ Name: "EntityId", ValueList: [productId] }, { Name: "ChangeSetName", ValueList: [name] }],
            MaxResults: 20,
            ...(nextToken ? { NextToken: nextToken } : {}),
        })));
        found.push(...(output.ChangeSetSummaryList ?? []).filter((summary) => summary.ChangeSetName === name));
        nextToken = output.NextToken;
        if (!nextToken) {
            break;
        }
    }
    return found.sort((a, b) => (a.StartTime ?? "").localeCompare(b.StartTime ?? ""));
}

/** What {@link findOrStartChangeSet} needs to know about the change. */
export interface ChangeSetRequest {
    /** The product the change applies to. */
    productId: string;
    /** The ChangeSetName, which earlier runs used too. */
    name: string;
    /** The ClientRequestToken for a given count of earlier failed or cancelled change sets of the same name. */
    tokenFor: (attempt: number) => string;
    /** Builds the change; called only when a new change set is started. */
    change: () => Promise<MarketplaceChange>;
}

/** The change set a request runs as. */
export interface StartedChangeSet {
    /** The change set ID. */
    changeSetId: string;
}

/**
 * Returns the change set of this name that an earlier run started and that has not failed, or
 * starts a new one. A product holds one change set at a time: while another one holds it,
 * StartChangeSet is retried with backoff ({@link MARKETPLACE_BUSY_RETRY}), always with the same token.
 */
export async function findOrStartChangeSet(session: CatalogSession, request: ChangeSetRequest): Promise<StartedChangeSet> {
    const earlier = await findChangeSets(session, request.productId, request.name);
    const live = [...earlier].reverse().find((summary) => !UNSUCCESSFUL_STATUSES.includes(summary.Status ?? ""));
    if (live?.ChangeSetId) {
        return { changeSetId: live.ChangeSetId };
    }
    const change = await request.change();
    const token = request.tokenFor(earlier.length);
    try {
        const output = await retry(() => callCatalog(session, "StartChangeSet", () => session.client.send(new session.sdk.StartChangeSetCommand({
            Catalog: MARKETPLACE_CATALOG,
            ChangeSet: [change as unknown as Change],
            ChangeSetName: request.name,
            ClientRequestToken: token,
        }))), {
            ...MARKETPLACE_BUSY_RETRY,
            attempts: session.busyAttempts,
            retryable: isResourceInUse,
            clock: session.clock,
            random: session.random,
        });
        if (!output.ChangeSetId) {
            throw new Error(`Marketplace StartChangeSet for product ${request.productId} returned no change set ID`);
        }
        return { changeSetId: output.ChangeSetId };
    } catch (error) {
        // Only the busy retry gives up with RetriesExhaustedError (callCatalog turns its own into a
        // plain Error), and it retries nothing but ResourceInUseException.
        if (error instanceof RetriesExhaustedError) {
            throw new Error(`Marketplace product ${request.productId} was still busy with another change set after ${error.attempts} attempts `
                + `to start "${request.name}": ${messageOf(error.cause)}`, { cause: error });
        }
        throw error;
    }
}

/** One DescribeChangeSet. */
export async function describeChangeSet(session: CatalogSession, changeSetId: string): Promise<ChangeSetDescription> {
    return callCatalog(session, "DescribeChangeSet", () => session.client.send(new session.sdk.DescribeChangeSetCommand({
        Catalog: MARKETPLACE_CATALOG,
        ChangeSetId: changeSetId,
    })));
}

/** The error of a change set that failed or was cancelled: its ID, FailureCode and every change's error list. */
export function changeSetFailure(description: ChangeSetDescription): Error {
    const errors = (description.ChangeSet ?? []).flatMap((change) => (change.ErrorDetailList ?? [])
        .map((detail) => `${change.ChangeType ?? "change"} ${change.Entity?.Identifier ?? ""}: ${detail.ErrorCode ?? "ERROR"}: ${detail.ErrorMessage ?? ""}`.replace(/ {2,}/g, " ")));
    const parts = [
        `Marketplace change set ${description.ChangeSetId} ${description.Status}`,
        `FailureCode ${description.FailureCode ?? "none"}`,
        ...(description.FailureDescription ? [description.FailureDescription] : []),
        errors.length > 0 ? `errors: ${errors.join("; ")}` : "no error details",
    ];
    return new Error(parts.join(": "));
}

/** Throws {@link changeSetFailure} when the change set failed or was cancelled; returns it otherwise. */
export function unlessUnsuccessful(description: ChangeSetDescription): ChangeSetDescription {
    if (UNSUCCESSFUL_STATUSES.includes(description.Status ?? "")) {
        throw changeSetFailure(description);
    }
    return description;
}

/** Polls a change set with the session's schedule until it ends; returns it as it ended (failed ones too). */
export async function awaitChangeSet(session: CatalogSession, changeSetId: string): Promise<ChangeSetDescription> {
    return pollUntil({
        check: () => describeChangeSet(session, changeSetId),
        done: (description) => FINAL_STATUSES.includes(description.Status ?? ""),
        what: `Marketplace change set ${changeSetId} to finish (it keeps running; a later run resumes it)`,
        initialDelayMs: session.poll.initialDelayMs,
        maxDelayMs: session.poll.maxDelayMs,
        factor: session.poll.factor,
        timeoutMs: session.poll.timeoutMs,
        clock: session.clock,
    });
}

/** Asks the API to cancel a change set that is still running. */
export async function cancelChangeSet(session: CatalogSession, changeSetId: string): Promise<void> {
    await callCatalog(session, "CancelChangeSet", () => session.client.send(new session.sdk.CancelChangeSetCommand({
        Catalog: MARKETPLACE_CATALOG,
        ChangeSetId: changeSetId,
    })));
}

/** The product's versions and delivery options. */
export async function describeProduct(session: CatalogSession, productId: string): Promise<AmiProductDetails> {
    const output = await callCatalog(session, "DescribeEntity", () => session.client.send(new session.sdk.DescribeEntityCommand({
        Catalog: MARKETPLACE_CATALOG,
        EntityId: productId,
    })));
    return productDetails(output as { DetailsDocument?: unknown; Details?: string });
}
