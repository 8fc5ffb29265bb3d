/**
 * A pass-through stream that counts the bytes of a staged copy and hashes them (sha256, and md5 to
 * compare with what the target store computed). It refuses to end when the count or the sha256 is
 * not the expected one, so that a target that finalises only at the end of its input never finalises
 * a wrong copy. Node's stream and crypto are loaded inside the function, so that the provider
 * survives closure serialisation.
 */
import type { Transform } from "stream";

/** What the copy expects of its source, when it knows. */
export interface DigestExpectations {
    /** The size the source announced. */
    size?: number;
    /** The sha256 that config gives, lower-case hex. */
    sha256?: string;
}

/** What the digest saw, complete once the stream ended. */
export interface DigestTally {
    /** Bytes seen so far. */
    bytes: number;
    /** The sha256 once the stream ended, hex. */
    sha256?: string;
    /** The md5 once the stream ended, base64 (as GCS reports it). */
    md5?: string;
}

/** An error of a copy whose content is not what was expected; it is never retried. */
export function integrityError(message: string): Error {
    const error = new Error(message);
    error.name = "IntegrityError";
    return error;
}

/** The counting, hashing pass-through of one copy, and its tally. */
export function digestStream(expected: DigestExpectations, what: string): { stream: Transform; tally: DigestTally } {
    const { createHash } = require("crypto") as typeof import("crypto");
    const { Transform: NodeTransform } = require("stream") as typeof import("stream");
    const sha = createHash("sha256");
    const md = createHash("md5");
    const tally: DigestTally = { bytes: 0 };
    const stream = new NodeTransform({
        transform(chunk: Buffer, _encoding, callback) {
            tally.bytes += chunk.length;
            sha.update(chunk);
            md.update(chunk);
            callback(null, chunk);
        },
        flush(callback) {
            tally.sha256 = sha.digest("hex");
            tally.md5 = md.digest("base64");
            if (expected.size !== undefined && tally.bytes !== expected.size) {
                callback(integrityError(`${what} gave ${tally.bytes} bytes, but announced ${expected.size}; nothing was staged`));
                return;
            }
            if (expected.sha256 !== undefined && tally.sha256 !== expected.sha256) {
                callback(integrityError(`${what} has sha256 ${tally.sha256}, but config gives ${expected.sha256}; nothing was staged`));
                return;
            }
            callback();
        },
    });
    return { stream, tally };
}
