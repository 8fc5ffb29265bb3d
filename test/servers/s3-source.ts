/**
 * s3rver as the S3 source of staging tests: one bucket in a temporary directory, the S3 client
 * settings that reach it, and a way to put an object.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PutObjectCommand, S3Client, S3ClientConfig } from "@aws-sdk/client-s3";
import S3rver = require("s3rver");

/** A running s3rver. */
export interface S3Source {
    /** The S3 client settings that reach it. */
    config: S3ClientConfig;
    /** Puts an object into the bucket. */
    put: (bucket: string, key: string, data: Buffer) => Promise<void>;
    /** Stops it and removes its directory. */
    close: () => Promise<void>;
}

/** Starts s3rver on 127.0.0.1 with the given buckets. */
export async function startS3Source(buckets: string[]): Promise<S3Source> {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "s3rver-"));
    const server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory, configureBuckets: buckets.map((name) => ({ name, configs: [] })) });
    const { port } = await server.run();
    const config: S3ClientConfig = {
        region: "us-east-1",
        endpoint: `http://127.0.0.1:${port}`,
        forcePathStyle: true,
        credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    };
    const client = new S3Client(config);
    return {
        config,
        put: async (bucket, key, data) => {
            await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: data }));
        },
        close: async () => {
            client.destroy();
            await server.close();
            fs.rmSync(directory, { recursive: true, force: true });
        },
    };
}
