/**
 * s3rver, an S3-compatible local server, holding artifact objects for the release command's
 * checks and for the bucket as a release source. It answers HeadObject (404 for a missing key)
 * and ListObjectsV2 with delimiters and pages like S3. It keeps no checksums: the sha256 path of
 * HeadObject is tested against test/servers/http-objects.ts instead.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";

/** The part of s3rver 3.7 used here (the package ships no types). */
interface S3rverServer {
    run(): Promise<{ address: string; port: number }>;
    close(): Promise<void>;
}
type S3rverCtor = new (options: Record<string, unknown>) => S3rverServer;
const S3rver = require("s3rver") as S3rverCtor;

/** A running s3rver with a client for it. */
export interface S3Objects {
    /** An S3 client aimed at it (path-style, s3rver's fixed credentials). */
    client: S3Client;
    /** Stores an object of `size` zero bytes. */
    put: (bucket: string, key: string, size: number) => Promise<void>;
    /** Stops the server and removes its files. */
    close: () => Promise<void>;
}

/** Starts s3rver on 127.0.0.1 with the given buckets. */
export async function startS3Objects(buckets: string[]): Promise<S3Objects> {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "s3rver-"));
    const server = new S3rver({
        address: "127.0.0.1", port: 0, silent: true, directory,
        configureBuckets: buckets.map((name) => ({ name, configs: [] })),
    });
    const { port } = await server.run();
    const client = new S3Client({
        endpoint: `http://127.0.0.1:${port}`,
        forcePathStyle: true,
        region: "us-east-1",
        credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
        requestChecksumCalculation: "WHEN_REQUIRED",
        maxAttempts: 2,
    });
    return {
        client,
        put: async (bucket, key, size) => {
            await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.alloc(size) }));
        },
        close: async () => {
            client.destroy();
            await server.close();
            fs.rmSync(directory, { recursive: true, force: true });
        },
    };
}
