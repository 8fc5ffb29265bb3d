import { CliIo } from "../../tools/tables-io";

/** An in-memory process: stdin text, files by path, captured stdout and stderr. */
export function memoryIo(stdin = "", files: Record<string, string> = {}) {
    const written: Record<string, string> = {};
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = {
        readStdin: async () => stdin,
        readFile: async (file) => {
            if (!(file in files)) {
                throw new Error(`ENOENT: no such file, open '${file}'`);
            }
            return files[file];
        },
        writeFile: async (file, data) => { written[file] = data; },
        stdout: (text) => { out.push(text); },
        stderr: (text) => { err.push(text); },
    };
    return { io, written, stdout: () => out.join(""), stderr: () => err.join("") };
}
