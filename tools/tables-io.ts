/**
 * What the command-line tools need from the outside world, behind one interface so tests can run
 * `main(argv, io)` without spawning a process or touching the real stdin.
 */
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { ParseArgsOptionsConfig, parseArgs } from "node:util";
import { StackOutputs, parseOutputs } from "../components/outputs";

/** The process around a tool. */
export interface CliIo {
    /** Reads all of standard input. */
    readStdin: () => Promise<string>;
    /** Reads a file as UTF-8. */
    readFile: (file: string) => Promise<string>;
    /** Writes a file, creating its folder. */
    writeFile: (file: string, data: string) => Promise<void>;
    /** Writes to standard output. */
    stdout: (text: string) => void;
    /** Writes to standard error. */
    stderr: (text: string) => void;
}

/** A tool's command line, parsed: its options' values and its positional arguments. */
export type CommandLine<O extends ParseArgsOptionsConfig> = ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: O }>>;

/**
 * Parses a tool's command line, positional arguments allowed. Returns the exit code instead when
 * there is nothing more to do: 2 after writing a usage error and the usage to stderr, 0 after
 * writing the usage to stdout for --help or -h.
 */
export function parseCommandLine<O extends ParseArgsOptionsConfig>(tool: string, usage: string, argv: string[], options: O, io: CliIo): CommandLine<O> | number {
    let args: CommandLine<O>;
    try {
        args = parseArgs({ args: argv, allowPositionals: true, options: { ...options, help: { type: "boolean", short: "h" } } }) as CommandLine<O>;
    } catch (error) {
        io.stderr(`${tool}: ${error instanceof Error ? error.message : String(error)}\n${usage}`);
        return 2;
    }
    if ((args.values as { help?: boolean }).help) {
        io.stdout(usage);
        return 0;
    }
    return args;
}

/** The real process. */
export function processIo(): CliIo {
    return {
        readStdin: async () => {
            const chunks: Buffer[] = [];
            for await (const chunk of process.stdin) {
                chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
            }
            return Buffer.concat(chunks).toString("utf8");
        },
        readFile: (file) => fs.readFile(file, "utf8"),
        writeFile: async (file, data) => {
            await fs.mkdir(path.dirname(file), { recursive: true });
            await fs.writeFile(file, data, "utf8");
        },
        stdout: (text) => process.stdout.write(text),
        stderr: (text) => process.stderr.write(text),
    };
}

/**
 * Reads the stack outputs from a file, or from stdin when there is no file or it is "-".
 * Accepts `pulumi stack output --json`, `pulumi stack output images --json` and the offline plan's JSON.
 */
export async function readOutputs(file: string | undefined, io: CliIo): Promise<StackOutputs> {
    const fromStdin = file === undefined || file === "-";
    const source = fromStdin ? "<stdin>" : file;
    let text: string;
    try {
        text = fromStdin ? await io.readStdin() : await io.readFile(file);
    } catch (error) {
        throw new Error(`${source}: cannot read: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    return parseOutputs(text, source);
}
