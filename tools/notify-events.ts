/**
 * What a `pulumi up --event-log FILE` run changed and what failed, read from the engine's event log:
 * one JSON engine event per line (the shape of @pulumi/pulumi/automation's EngineEvent, serialised
 * from sdk/go/common/apitype/events.go). A resource counts as changed when its resOutputsEvent has
 * op create, update, replace or delete (the steps of a replacement, create-replacement and
 * delete-replaced, are counted once, as its replace); it counts as failed when it has a
 * resOpFailedEvent, with the error diagnostics the engine gave for its URN. Errors without a URN
 * (such as "update failed") are listed as they are. Preview events (planning: true) are left out.
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";

/** The ops that change a resource, as the summary names them. */
export const changeOps = ["create", "update", "replace", "delete"] as const;

/** One resource the run changed. */
export interface ChangedResource {
    /** create, update, replace or delete. */
    op: (typeof changeOps)[number];
    /** The type token. */
    type: string;
    /** The logical name (the URN's last part). */
    name: string;
}

/** One failure of the run. */
export interface RunFailure {
    /** The failed resource's type token, when the failure is a resource's. */
    type?: string;
    /** Its logical name. */
    name?: string;
    /** The operation that failed, such as create. */
    op?: string;
    /** The engine's error messages for it. */
    messages: string[];
}

/** What the run did. */
export interface RunReport {
    /** Every resource changed, in the order the engine finished them. */
    changed: ChangedResource[];
    /** Every failure, resources first in the order they failed, then errors of the run itself. */
    failed: RunFailure[];
    /** Whether the log ended with a summary event (a run that was killed has none). */
    complete: boolean;
}

/** Thrown when the event log is not one: names the line. */
export class EventLogError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "EventLogError";
    }
}

/** The logical name of a URN: what follows its last "::". */
function nameOf(urn: string): string {
    const at = urn.lastIndexOf("::");
    return at >= 0 ? urn.slice(at + 2) : urn;
}

/** A diagnostic message without the engine's colour markup (<{%reset%}> and the like) and trailing space. */
function plain(message: string): string {
    // eslint-disable-next-line no-control-regex
    return message.replace(/<\{%[^%]*%\}>/g, "").replace(/\u001b\[[0-9;]*m/g, "").trim();
}

/** Reads the event log text. A last line cut short (a run killed while writing) is skipped; any other bad line is an error. */
export function readEventLog(text: string, source = "the event log"): RunReport {
    const lines = text.split("\n");
    const events: EngineEvent[] = [];
    lines.forEach((line, i) => {
        if (line.trim() === "") {
            return;
        }
        try {
            const event = JSON.parse(line) as EngineEvent;
            if (event === null || typeof event !== "object" || typeof event.sequence !== "number") {
                throw new Error("not an engine event");
            }
            events.push(event);
        } catch (error) {
            const last = lines.slice(i + 1).every((l) => l.trim() === "");
            if (!last) {
                throw new EventLogError(`${source}, line ${i + 1}: not a Pulumi engine event (${error instanceof Error ? error.message : String(error)}); ` +
                    "allowed: one JSON engine event per line, as `pulumi up --event-log FILE` writes them");
            }
        }
    });
    events.sort((a, b) => a.sequence - b.sequence);

    const changed: ChangedResource[] = [];
    const failedUrns: { urn: string; type: string; op: string }[] = [];
    const errorsByUrn = new Map<string, string[]>();
    const runErrors: string[] = [];
    let complete = false;
    for (const event of events) {
        const outputs = event.resOutputsEvent;
        if (outputs && outputs.planning !== true) {
            const op = outputs.metadata.op as string;
            if ((changeOps as readonly string[]).includes(op)) {
                changed.push({ op: op as ChangedResource["op"], type: outputs.metadata.type, name: nameOf(outputs.metadata.urn) });
            }
        }
        const failed = event.resOpFailedEvent;
        if (failed) {
            failedUrns.push({ urn: failed.metadata.urn, type: failed.metadata.type, op: failed.metadata.op });
        }
        const diagnostic = event.diagnosticEvent;
        if (diagnostic && diagnostic.severity === "error") {
            const message = plain(diagnostic.message);
            if (message !== "") {
                if (diagnostic.urn) {
                    errorsByUrn.set(diagnostic.urn, [...(errorsByUrn.get(diagnostic.urn) ?? []), message]);
                } else {
                    runErrors.push(message);
                }
            }
        }
        if (event.summaryEvent) {
            complete = true;
        }
    }
    const failed: RunFailure[] = failedUrns.map(({ urn, type, op }) => ({ type, name: nameOf(urn), op, messages: errorsByUrn.get(urn) ?? [] }));
    // An error diagnostic of a resource with no failed-operation event (a policy or a check failure) still counts.
    for (const [urn, messages] of errorsByUrn) {
        if (!failedUrns.some((f) => f.urn === urn)) {
            failed.push({ type: urn.split("::")[2]?.split("$").pop(), name: nameOf(urn), messages });
        }
    }
    for (const message of runErrors) {
        failed.push({ messages: [message] });
    }
    return { changed, failed, complete };
}

/** Options of {@link renderRunReport}. */
export interface RunReportOptions {
    /** The first line, such as "Scheduled run of prod". */
    title?: string;
    /** How many changed resources are listed by name before "and N more"; 30 by default. */
    listLimit?: number;
}

/** The chat message of a run: counts first, then what changed and what failed. */
export function renderRunReport(report: RunReport, options: RunReportOptions = {}): string {
    const limit = options.listLimit ?? 30;
    const counts = changeOps.map((op) => [op, report.changed.filter((c) => c.op === op).length] as const).filter(([, n]) => n > 0);
    const head = [
        counts.length === 0 ? "nothing changed" : counts.map(([op, n]) => `${n} ${op === "create" ? "created" : op === "update" ? "updated" : op === "replace" ? "replaced" : "deleted"}`).join(", "),
        ...(report.failed.length > 0 ? [`${report.failed.length} failed`] : []),
        ...(report.complete ? [] : ["the log has no summary: the run may have been stopped"]),
    ];
    const lines = [`${options.title ?? "Pulumi run"}: ${head.join("; ")}`];
    if (report.failed.length > 0) {
        lines.push("", "Failed (the next run retries these):");
        for (const f of report.failed) {
            const what = f.name ? `${f.op ? `${f.op} ` : ""}\`${f.name}\`${f.type ? ` (${f.type})` : ""}` : "the run";
            lines.push(`- ${what}${f.messages.length > 0 ? `: ${f.messages.join(" ")}` : ""}`);
        }
    }
    if (report.changed.length > 0) {
        lines.push("", "Changed:");
        for (const c of report.changed.slice(0, limit)) {
            lines.push(`- ${c.op} \`${c.name}\` (${c.type})`);
        }
        if (report.changed.length > limit) {
            lines.push(`- and ${report.changed.length - limit} more`);
        }
    }
    return lines.join("\n");
}
