import * as fs from "fs";
import { parseArgs } from "util";
import { Storage } from "@google-cloud/storage";
import { validateConfig, ValidatedConfig, namespace } from "../components/config/validate";
import { enabledClouds } from "../components/config/checks";
import { releaseVariantsOf } from "../components/config/variants";
import { ArtifactStores, checkArtifacts, recordArtifacts } from "./release-artifacts";
import { deprecationDate, findEntry, newEntry, parseDate, ReleaseInputError, todayUtc } from "./release-entry";
import { planEdit } from "./release-plan";
import { parseStackConfig } from "./stack-config";
import { pendingReleases } from "./release-source";
import { insertEntry, readEntries, setEntryKey } from "./release-yaml";
import { defaultS3Client, s3Head } from "./release-store-s3";
import { gcsHead } from "./release-store-gcs";
import { defaultOssClient, ossHead } from "./release-store-oss";
import { httpsHead } from "./release-store-https";

const usage = `Usage: npm run release -- <command> --stack dev|prod [options]

Commands:
  add VERSION [--like PREVIOUS] [--backport] [--notes TEXT] [--no-check]
      adds a release entry named like PREVIOUS (default: the closest older release): the same
      artifact URI templates and architectures. Refuses a version that is configured, or older
      than the newest unless --backport. Checks every artifact the release names in its store
      (S3, GCS, OSS, HTTPS) and records its size and, where the store keeps one, its sha256;
      --no-check skips that.
  deprecate VERSION [--on YYYY-MM-DD]
      deprecates a release from that day (default: today, UTC); a day in the past is refused.
  retire VERSION
      sets retire: true on the release: its resources are unprotected and retained on delete.
      Once that is applied (pulumi up), a second change that removes the entry drops the release
      from the stack and leaves its images public; their IDs stay in the published tables.
  unpublish VERSION
      sets unpublish: true on the release: its resources are unprotected and not retained.
      Once that is applied, a second change that removes the entry deletes its images and
      revokes public access everywhere.
  pending --source URL|s3://BUCKET/ [--exclude VERSION]...
      prints, one a line, the versions in a JSON or RSS feed or under the bucket's version
      prefixes that are newer than every configured release and not excluded.

Options:
  --stack     the stack whose Pulumi.<stack>.yaml is edited
  --config    edit this file instead of Pulumi.<stack>.yaml
  --dry-run   print the plan diff of the edit, write nothing
  --format    tree (default), markdown or json: the plan diff's format
  --now       the day taken as today (default: today, UTC)

The file is edited in place: comments, order and formatting outside the edited entry are kept
byte for byte. Then the offline plan of the file before and after is compared and printed.
Exit codes: 0 done; 1 refused (bad version or date, missing artifact, invalid config), nothing
written; 2 bad usage; 3 policy violations in the new plan, nothing written.`;

/** What the command writes to; tests pass their own. */
export interface ReleaseIo {
    /** Standard output: the plan diff, or the pending versions. */
    out: (text: string) => void;
    /** Standard error: what was checked and done. */
    err: (text: string) => void;
}

/** What the command uses from outside; tests aim them at local servers. */
export interface ReleaseDeps {
    /** The artifact stores, for the artifact check. */
    stores?: (config: ValidatedConfig["config"]) => ArtifactStores;
    /** The plan diff of an edit. */
    planEdit?: typeof planEdit;
    /** Reads a release feed or lists a bucket's prefixes. */
    pending?: typeof pendingReleases;
}

/** The stores of the real clouds, with each SDK's default credentials. */
function defaultStores(config: ValidatedConfig["config"]): ArtifactStores {
    return {
        s3: s3Head(defaultS3Client()),
        gcs: gcsHead(new Storage()),
        oss: ossHead(defaultOssClient(config.alicloud.sourceRegion ?? "eu-central-1")),
        https: httpsHead(),
    };
}

/** Validates a stack file's text as the program would, before anything is written. */
function validate(text: string, source: string, now: Date): ValidatedConfig {
    // As the CLI hands it to the program: secure values stay unread, structured values are JSON.
    const { values } = parseStackConfig(text, source);
    const raw = Object.fromEntries(Object.entries(values)
        .filter(([k]) => k.startsWith(`${namespace}:`))
        .map(([k, v]) => [k.slice(namespace.length + 1), /^\s*[[{]/.test(v) ? JSON.parse(v) : v === "true" || v === "false" ? v === "true" : v]));
    try {
        return validateConfig(raw, { now });
    } catch (error) {
        throw new ReleaseInputError(`${source} after the edit: ${(error as Error).message}`);
    }
}

type Format = "tree" | "markdown" | "json";

/** Runs the release command; returns the exit code. */
export async function main(argv: string[], io: ReleaseIo, deps: ReleaseDeps = {}): Promise<number> {
    let parsed;
    try {
        parsed = parseArgs({
            args: argv,
            allowPositionals: true,
            options: {
                stack: { type: "string" },
                config: { type: "string" },
                "dry-run": { type: "boolean", default: false },
                format: { type: "string", default: "tree" },
                now: { type: "string" },
                like: { type: "string" },
                backport: { type: "boolean", default: false },
                notes: { type: "string" },
                "no-check": { type: "boolean", default: false },
                on: { type: "string" },
                source: { type: "string" },
                exclude: { type: "string", multiple: true, default: [] },
                help: { type: "boolean", default: false },
            },
            strict: true,
        });
    } catch (error) {
        io.err(`${(error as Error).message}\n${usage}\n`);
        return 2;
    }
    const args = parsed.values;
    const [command, version, ...extra] = parsed.positionals;
    if (args.help) {
        io.out(`${usage}\n`);
        return 0;
    }
    const format = args.format as Format;
    const problem = !args.stack ? "--stack is required"
        : !["add", "deprecate", "retire", "unpublish", "pending"].includes(command ?? "") ? `${command === undefined ? "a command is required" : `${command} is not a command`}; allowed: add, deprecate, retire, unpublish, pending`
            : command !== "pending" && version === undefined ? `${command} needs a VERSION`
                : extra.length > 0 || (command === "pending" && version !== undefined) ? `unexpected argument ${(command === "pending" ? [version, ...extra] : extra).filter(Boolean).join(" ")}`
                    : !["tree", "markdown", "json"].includes(format) ? `--format ${format} is not one of tree, markdown, json`
                        : command === "pending" && !args.source ? "pending needs --source"
                            : args.now !== undefined && parseDate(args.now) === undefined ? `--now ${args.now} is not a date; allowed: YYYY-MM-DD`
                                : undefined;
    if (problem) {
        io.err(`${problem}\n${usage}\n`);
        return 2;
    }
    const today = args.now ?? todayUtc();
    const now = parseDate(today)!;
    const file = args.config ?? `Pulumi.${args.stack}.yaml`;
    try {
        const text = fs.readFileSync(file, "utf8");
        const entries = readEntries(text, file);
        if (command === "pending") {
            const found = await (deps.pending ?? pendingReleases)(args.source!, entries, args.exclude as string[]);
            io.out(found.map((v) => `${v}\n`).join(""));
            return 0;
        }
        let after: string;
        if (command === "add") {
            const made = newEntry(entries, version!, { like: args.like, backport: args.backport, notes: args.notes });
            after = insertEntry(text, file, made.index, made.entry);
            const { config, releases } = validate(after, file, now);
            const release = releases.find((r) => r.version === version)!;
            if (args["no-check"]) {
                io.err(`release ${version}: artifact check skipped (--no-check); the artifacts are not known to exist\n`);
            } else {
                const skipped: string[] = [];
                const checked = await checkArtifacts(release, enabledClouds(config), (deps.stores ?? defaultStores)(config), skipped,
                    (cloud) => releaseVariantsOf(config, cloud, release).map((v) => v?.name));
                if (skipped.length > 0) {
                    io.err(`release ${version}: not checked, local to the machine that publishes:\n${skipped.map((s) => `  - ${s}\n`).join("")}`);
                }
                io.err(`release ${version}: ${checked.length} artifacts checked:\n` + checked
                    .sort((a, b) => `${a.cloud} ${a.variant ?? ""} ${a.arch}`.localeCompare(`${b.cloud} ${b.variant ?? ""} ${b.arch}`))
                    .map((c) => `  - ${c.cloud} ${c.variant === undefined ? "" : `${c.variant} `}${c.arch}: ${c.uri} (${c.found.size} bytes${c.found.sha256 ? `, sha256 ${c.found.sha256}` : ""})\n`).join(""));
                after = insertEntry(text, file, made.index, recordArtifacts(made.entry, checked));
                validate(after, file, now);
            }
            io.err(`release ${version}: named like ${made.like}\n`);
            // A prod release whose major version has no AWS Marketplace product is refused by validate()
            // above (the config needs the product IDs, or awsMarketplace: false on the entry), so there
            // is nothing left to warn about here.
        } else if (command === "retire" || command === "unpublish") {
            const index = findEntry(entries, version!);
            if (entries[index][command] === true) {
                throw new ReleaseInputError(`release ${version} is already marked ${command}: true; once that is applied, remove its entry`);
            }
            after = setEntryKey(text, file, index, command, true);
            // A release marked both is refused here by validation, naming both keys.
            validate(after, file, now);
        } else {
            const index = findEntry(entries, version!);
            const date = deprecationDate(entries[index], args.on ?? today, today);
            after = setEntryKey(text, file, index, "deprecated", date, "releaseNotes");
            validate(after, file, now);
        }
        const plan = await (deps.planEdit ?? planEdit)(args.stack!, text, after, { source: file, now, format });
        io.out(plan.text);
        if (plan.violations.length > 0) {
            io.err(`${plan.violations.length} policy violation${plan.violations.length === 1 ? "" : "s"}; ${file} not written:\n` +
                plan.violations.map((v) => `  - ${v}\n`).join(""));
            return 3;
        }
        if (args["dry-run"]) {
            io.err(`dry run: ${file} not written\n`);
        } else {
            fs.writeFileSync(file, after);
            io.err(`wrote ${file}\n`);
        }
        return 0;
    } catch (error) {
        io.err(`${(error as Error).message}\n`);
        return 1;
    }
}

if (require.main === module) {
    main(process.argv.slice(2), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) })
        .then((code) => { process.exitCode = code; })
        .catch((error) => {
            process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
            process.exitCode = 1;
        });
}
