/**
 * Posts a release summary to a Mattermost- or Slack-compatible incoming webhook.
 *
 *   ts-node --transpile-only tools/notify.ts [FILE|-] [--dry-run] [--webhook-url-env NAME]
 *       [--channel NAME] [--username NAME] [--title TEXT] [--version V]... [--event-log LOG]
 *
 * Reads the stack outputs like tools/tables.ts. With --event-log it reports instead what a
 * `pulumi up --event-log LOG` run changed and what failed (tools/notify-events.ts), and posts
 * nothing when the run changed nothing and nothing failed. The webhook URL comes from the environment variable
 * IMAGE_PUBLISHER_WEBHOOK_URL (or NAME) and is never printed. --dry-run prints the JSON body instead
 * of posting it. Exit codes: 0 done, 1 failed, 2 bad usage.
 */
import { Clock, realClock } from "../components/dynamic/retry";
import { PostOptions, WebhookMessage, makeRedactor, postWebhook } from "./notify-post";
import { renderSummary } from "./notify-summary";
import { readEventLog, renderRunReport } from "./notify-events";
import { CliIo, parseCommandLine, processIo, readOutputs } from "./tables-io";

export type { SummaryOptions } from "./notify-summary";
export { compactIds, renderSummary, UnknownVersionError } from "./notify-summary";
export type { PostOptions, WebhookMessage } from "./notify-post";
export { makeRedactor, parseRetryAfter, postDefaults, postWebhook, retryableWebhookError, WebhookError } from "./notify-post";

/** The environment variable that holds the webhook URL unless --webhook-url-env names another. */
export const defaultWebhookEnv = "IMAGE_PUBLISHER_WEBHOOK_URL";

/** The process around the tool, plus its environment and clock. */
export interface NotifyIo extends CliIo {
    /** The environment variables. */
    env: Record<string, string | undefined>;
    /** The clock the retry waits use. */
    clock: Clock;
    /** Retry settings; the defaults of postWebhook when absent. */
    retry?: Pick<PostOptions, "attempts" | "baseDelayMs" | "maxDelayMs" | "timeoutMs">;
}

const usage = "usage: notify [FILE|-] [--dry-run] [--webhook-url-env NAME] [--channel NAME] [--username NAME] [--title TEXT] [--version V]... [--event-log LOG]\n";

/** Runs the tool; resolves to the exit code. Nothing it writes contains the webhook URL. */
export async function main(argv: string[], io: NotifyIo): Promise<number> {
    const args = parseCommandLine("notify", usage, argv, {
        "dry-run": { type: "boolean", default: false },
        "webhook-url-env": { type: "string", default: defaultWebhookEnv },
        channel: { type: "string" },
        username: { type: "string" },
        title: { type: "string" },
        version: { type: "string", multiple: true },
        "event-log": { type: "string" },
    }, io);
    if (typeof args === "number") {
        return args;
    }
    const v = args.values;
    if (args.positionals.length > 1) {
        io.stderr(`notify: more than one input file\n${usage}`);
        return 2;
    }
    const envName = v["webhook-url-env"] as string;
    const url = io.env[envName] ?? "";
    const redact = url === "" ? (t: string) => t : makeRedactor(url);
    const fail = (message: string): number => {
        io.stderr(`notify: ${redact(message)}\n`);
        return 1;
    };
    let message: WebhookMessage;
    try {
        let text: string;
        const log = v["event-log"] as string | undefined;
        if (log !== undefined) {
            const report = readEventLog(await io.readFile(log), log);
            if (report.changed.length === 0 && report.failed.length === 0 && report.complete) {
                io.stdout("notify: the run changed nothing and nothing failed; nothing posted\n");
                return 0;
            }
            text = renderRunReport(report, { title: v.title });
        } else {
            const outputs = await readOutputs(args.positionals[0], io);
            text = renderSummary(outputs, { versions: v.version, title: v.title, now: new Date(io.clock.now()) });
        }
        message = {
            text,
            ...(v.channel !== undefined ? { channel: v.channel } : {}),
            ...(v.username !== undefined ? { username: v.username } : {}),
        };
    } catch (error) {
        return fail(error instanceof Error ? error.message : String(error));
    }
    if (v["dry-run"]) {
        io.stdout(`${JSON.stringify(message, null, 2)}\n`);
        return 0;
    }
    if (url === "") {
        return fail(`no webhook URL: set the environment variable ${envName}, or use --dry-run`);
    }
    try {
        const attempts = await postWebhook({
            url,
            message,
            ...io.retry,
            clock: io.clock,
            log: (line) => io.stderr(`notify: ${redact(line)}\n`),
        });
        io.stdout(`notify: posted the release summary (${attempts} attempt${attempts === 1 ? "" : "s"})\n`);
        return 0;
    } catch (error) {
        return fail(`could not post to the webhook in ${envName}: ${error instanceof Error ? error.message : String(error)}`);
    }
}

if (require.main === module) {
    main(process.argv.slice(2), { ...processIo(), env: process.env, clock: realClock }).then(
        (code) => { process.exitCode = code; },
        (error: unknown) => {
            // main reports its own failures, redacted; anything that escapes it is named only by its kind.
            process.stderr.write(`notify: unexpected ${error instanceof Error ? error.name : typeof error}\n`);
            process.exitCode = 1;
        },
    );
}
