/**
 * Starts the Azurite blob emulator on 127.0.0.1 for a test file, with its data in a temporary folder,
 * and stops it afterwards.
 */
import { ChildProcess, spawn } from "child_process";
import { mkdtemp, rm } from "fs/promises";
import * as net from "net";
import { tmpdir } from "os";
import { join } from "path";
import { pollUntil } from "../../components/dynamic/retry";

/** Azurite's well-known development account. */
export const AZURITE_ACCOUNT = "devstoreaccount1";

/** Azurite's well-known development account key (public, documented by Microsoft). */
export const AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

/** A running Azurite blob service. */
export interface Azurite {
    /** The account URL, http://127.0.0.1:PORT/devstoreaccount1. */
    accountUrl: string;
    /** The account name. */
    accountName: string;
    /** The account key. */
    accountKey: string;
    /** Stops the process and removes its data folder. */
    stop: () => Promise<void>;
}

/** A port that was free a moment ago on 127.0.0.1. */
function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address() as net.AddressInfo;
            server.close(() => resolve(port));
        });
    });
}

/** Whether something accepts TCP connections on the port. */
function listening(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const socket = net.connect(port, "127.0.0.1");
        socket.once("connect", () => {
            socket.destroy();
            resolve(true);
        });
        socket.once("error", () => resolve(false));
    });
}

/**
 * Runs azurite-blob's entry point in a process that exits as soon as its stdin closes: on stop, and
 * also when the test process dies without stopping it, so no emulator outlives its test run.
 */
const watchdog = "process.stdin.on('end', () => process.exit(0)).on('error', () => process.exit(0)).resume(); require(process.argv[1]);";

/** Ends the child through its stdin and waits for it to exit (at most a few seconds, then kills it hard). */
function stopChild(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) {
        return Promise.resolve();
    }
    return new Promise((resolve) => {
        const hard = setTimeout(() => child.kill("SIGKILL"), 5_000);
        child.once("exit", () => {
            clearTimeout(hard);
            resolve();
        });
        child.stdin?.end();
    });
}

/** Starts azurite-blob on a free loopback port and waits until it listens. */
export async function startAzurite(): Promise<Azurite> {
    const location = await mkdtemp(join(tmpdir(), "azurite-"));
    const port = await freePort();
    const main = require.resolve("azurite/dist/src/blob/main.js");
    const child = spawn(process.execPath, ["-e", watchdog, main, "--location", location, "--blobHost", "127.0.0.1", "--blobPort", String(port),
        "--skipApiVersionCheck", "--loose", "--silent", "--disableTelemetry"], { stdio: ["pipe", "ignore", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const stop = async (): Promise<void> => {
        await stopChild(child);
        await rm(location, { recursive: true, force: true });
    };
    try {
        await pollUntil({
            check: async () => {
                if (child.exitCode !== null) {
                    throw new Error(`azurite-blob exited with code ${child.exitCode}: ${stderr}`);
                }
                return listening(port);
            },
            done: (up) => up,
            what: `azurite-blob to listen on 127.0.0.1:${port}`,
            initialDelayMs: 50,
            maxDelayMs: 250,
            timeoutMs: 30_000,
        });
    } catch (error) {
        await stop();
        throw error;
    }
    return { accountUrl: `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}`, accountName: AZURITE_ACCOUNT, accountKey: AZURITE_KEY, stop };
}
