/** The part of s3rver 3.7's API the staging tests and the bench use (the package ships no types). */
declare module "s3rver" {
    import type { AddressInfo } from "net";

    interface S3rverOptions {
        /** The port; 0 for an ephemeral one. */
        port?: number;
        /** The address to listen on. */
        address?: string;
        /** No request log. */
        silent?: boolean;
        /** Where objects are stored. */
        directory?: string;
        /** Buckets made at start. */
        configureBuckets?: { name: string; configs: unknown[] }[];
    }

    class S3rver {
        constructor(options: S3rverOptions);
        /** Starts it; resolves to the address it listens on. */
        run(): Promise<AddressInfo>;
        /** Stops it. */
        close(): Promise<void>;
    }

    export = S3rver;
}
