import { HeadObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { bucketAndKey } from "../components/config/model";
import { HeadObject, s3FullObjectSha256 } from "./release-store";

/**
 * S3 HeadObject of an s3:// URI. ChecksumMode ENABLED makes S3 return the object's checksum when
 * it was stored with one. A missing key is 404 NotFound (HeadObject has no body, so no NoSuchKey
 * code). The SDK retries throttling and 5xx with its bounded standard backoff.
 */
export function s3Head(client: S3Client): HeadObject {
    return async (uri) => {
        const { bucket, key } = bucketAndKey(uri);
        try {
            const out = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: "ENABLED" }));
            return { size: Number(out.ContentLength ?? 0), sha256: s3FullObjectSha256(out.ChecksumSHA256, out.ChecksumType) };
        } catch (error) {
            if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404) {
                return undefined;
            }
            throw error;
        }
    };
}

/** The S3 client of the artifact checks: default credentials, any bucket's region. */
export function defaultS3Client(): S3Client {
    return new S3Client({ region: process.env.AWS_REGION ?? "us-east-1", followRegionRedirects: true });
}
