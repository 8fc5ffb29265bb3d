/**
 * Staging throughput: the staging copy of one object from s3rver into the local GCS server
 * (resumable upload, 16 MiB chunks) and into the local OSS server (multipart, 16 MiB parts), each
 * against a plain `s3 → local file` copy of the same object (GetObject piped to a file) on the same
 * machine, within the same run. The ratio is staging throughput over the plain copy's: what the
 * hashing, the chunking and the target's protocol cost, with the network taken out.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { pipeline } from "stream/promises";
import { Readable } from "stream";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { stageArtifactCopy } from "../components/staging/copy";
import { gcsTarget } from "../components/staging/gcs-target";
import { ossTarget } from "../components/staging/oss-target";
import { GcsServer } from "../test/servers/gcs";
import { OssServer } from "../test/servers/oss";
import { startS3Source } from "../test/servers/s3-source";
import { median } from "./run-worker";

const MiB = 1024 * 1024;

/** Seconds that `fn` takes. */
async function timed(fn: () => Promise<unknown>): Promise<number> {
    const start = process.hrtime.bigint();
    await fn();
    return Number(process.hrtime.bigint() - start) / 1e9;
}

/** The staging figures: MiB/s of the plain copy, of staging into GCS and into OSS, and the ratios. */
export async function stagingThroughput(runs: number, sizeMiB = 64) {
    const data = Buffer.alloc(sizeMiB * MiB);
    for (let i = 0; i < data.length; i += 4096) {
        data.writeUInt32LE((i * 2654435761) >>> 0, i);
    }
    const s3 = await startS3Source(["bench-artifacts"]);
    const gcs = await GcsServer.start(["bench-staging"]);
    const oss = await OssServer.start(["bench-staging"], "LTAI-bench");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "staging-bench-"));
    const key = "1.0/bench-gcpimage.tar.gz";
    const source = `s3://bench-artifacts/${key}`;
    const sourceOptions = { s3: s3.config };
    const plain = async () => {
        const client = new S3Client(s3.config);
        const object = await client.send(new GetObjectCommand({ Bucket: "bench-artifacts", Key: key }));
        await pipeline(object.Body as Readable, fs.createWriteStream(path.join(dir, "copy")));
        client.destroy();
    };
    const toGcs = async () => {
        gcs.objects.clear();
        await stageArtifactCopy({ source, target: gcsTarget("bench-staging", key, { storage: { apiEndpoint: gcs.endpoint, projectId: "bench" } }), sourceOptions });
    };
    const toOss = async () => {
        oss.objects.clear();
        await stageArtifactCopy({ source, target: ossTarget("eu-central-1", "bench-staging", key, { endpoint: oss.endpoint, accessKeyId: "LTAI-bench", accessKeySecret: "bench" }), sourceOptions });
    };
    const samples = { plain: [] as number[], gcs: [] as number[], oss: [] as number[] };
    try {
        await s3.put("bench-artifacts", key, data);
        await plain(); // warm up the SDKs and the connections
        await toGcs();
        await toOss();
        for (let i = 0; i < runs; i++) {
            samples.plain.push(await timed(plain));
            samples.gcs.push(await timed(toGcs));
            samples.oss.push(await timed(toOss));
        }
    } finally {
        await gcs.close();
        await oss.close();
        await s3.close();
        fs.rmSync(dir, { recursive: true, force: true });
    }
    return {
        sizeMiB,
        plainMiBps: sizeMiB / median(samples.plain),
        gcsMiBps: sizeMiB / median(samples.gcs),
        ossMiBps: sizeMiB / median(samples.oss),
        gcsToPlain: median(samples.plain.map((p, i) => p / samples.gcs[i])),
        ossToPlain: median(samples.plain.map((p, i) => p / samples.oss[i])),
        samples,
    };
}

if (require.main === module) {
    stagingThroughput(Number(process.env.BENCH_RUNS ?? 3)).then((f) => process.stdout.write(`${JSON.stringify(f)}\n`));
}
