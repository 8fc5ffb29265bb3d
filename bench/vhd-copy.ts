/**
 * VHD copy throughput: the Azure page-blob copier in stream mode, copying a 256 MiB sparse
 * artifact into Azurite from a local source that adds a fixed latency to every request, once with
 * one range at a time and once at the default parallelism.
 */
import { copyVhd } from "../components/azure/vhd-copy";
import { startAzurite } from "../test/servers/azurite";
import { SparseChunk, sparseVhd, startArtifactSource } from "../test/servers/artifact-source";
import { median } from "./run-worker";

const MiB = 1024 * 1024;
const chunk = 4 * MiB;
/** A quarter of the ranges hold data, the way a freshly built VHD is mostly zeros. */
const layout: SparseChunk[] = Array.from({ length: 64 }, (_, i) => (i % 4 === 0 ? "data" : "zeros"));

/** The copy figures: MiB/s serial and parallel, and the speed-up measured within each run. */
export async function vhdCopyThroughput(runs: number, latencyMs = 100) {
    const data = sparseVhd(layout, chunk, chunk + 512); // a fixed VHD: 256 MiB and its footer
    const azurite = await startAzurite();
    const source = await startArtifactSource({ data, latencyMs });
    const serial: number[] = [];
    const parallel: number[] = [];
    const defaultParallelism = 8;
    let counter = 0;
    const copy = async (parallelism: number): Promise<number> => {
        const start = process.hrtime.bigint();
        await copyVhd({
            sourceUrl: source.url,
            location: { accountUrl: azurite.accountUrl, containerName: "bench", blobName: `bench-${counter++}.vhd` },
            auth: { kind: "key", accountName: azurite.accountName, accountKey: azurite.accountKey },
            transferMode: "stream",
            parallelism,
        });
        return Number(process.hrtime.bigint() - start) / 1e9;
    };
    try {
        await copy(defaultParallelism); // warm up Azurite and the connections
        for (let i = 0; i < runs; i++) {
            serial.push(await copy(1));
            parallel.push(await copy(defaultParallelism));
        }
    } finally {
        await source.close();
        await azurite.stop();
    }
    const sizeMiB = data.length / MiB;
    return {
        sizeMiB,
        latencyMs,
        dataShare: layout.filter((c) => c === "data").length / layout.length,
        parallelism: defaultParallelism,
        serialMiBps: sizeMiB / median(serial),
        parallelMiBps: sizeMiB / median(parallel),
        speedup: median(serial.map((s, i) => s / parallel[i])),
    };
}

if (require.main === module) {
    vhdCopyThroughput(1).then((f) => process.stdout.write(`${JSON.stringify(f)}\n`));
}
