import { Storage } from "@google-cloud/storage";
import { bucketAndKey } from "../components/config/model";
import { HeadObject } from "./release-store";

/**
 * GCS objects.get (metadata only) of a gs:// URI. GCS keeps md5 and crc32c, never a sha256, so only
 * the size is recorded. A missing object is 404. The client retries 429 and 5xx with its bounded
 * exponential backoff.
 */
export function gcsHead(storage: Storage): HeadObject {
    return async (uri) => {
        const { bucket, key } = bucketAndKey(uri);
        try {
            const [metadata] = await storage.bucket(bucket).file(key).getMetadata();
            return { size: Number(metadata.size) };
        } catch (error) {
            if ((error as { code?: number }).code === 404) {
                return undefined;
            }
            throw error;
        }
    };
}
