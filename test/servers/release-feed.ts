/** A local HTTP server that serves one release feed (JSON, RSS or Atom) at /feed, with injectable faults. */
import * as http from "http";
import { AddressInfo } from "net";

/** A running feed. */
export interface ReleaseFeed {
    /** The feed's URL. */
    url: string;
    /** The status of each request, in order. */
    statuses: number[];
    /** Stops the server. */
    close: () => Promise<void>;
}

/** Starts the feed on 127.0.0.1; `fault` may answer request number `index` with a status instead. */
export async function startReleaseFeed(body: string, contentType: string, fault?: (index: number) => number | undefined): Promise<ReleaseFeed> {
    const statuses: number[] = [];
    const server = http.createServer((req, res) => {
        const status = fault?.(statuses.length) ?? (req.method === "GET" && req.url === "/feed" ? 200 : 404);
        statuses.push(status);
        res.writeHead(status, { "content-type": status === 200 ? contentType : "text/plain" });
        res.end(status === 200 ? body : "");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}/feed`,
        statuses,
        close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
    };
}
