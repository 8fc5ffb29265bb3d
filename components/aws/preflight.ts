import * as aws from "@pulumi/aws";
import { AwsTarget, regionCatalogue } from "../config";

/** What the AWS preflight learnt: the regions to publish to. */
export interface AwsPreflight {
    /** Every region that gets the AMI, source region first, then sorted. */
    regions: string[];
}

/** Thrown when the AWS account is not ready for what config asks; its message lists every problem. */
export class PreflightError extends Error {
    constructor(public readonly problems: string[]) {
        super(`AWS preflight failed; nothing was created:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        this.name = "PreflightError";
    }
}

/**
 * Checks the account before anything is created: every configured region must be enabled, and no
 * region that gets a public AMI may have EBS encryption by default on (its snapshots would be
 * encrypted, and AWS cannot share an encrypted snapshot publicly). Resolves `regions: all` to the
 * account's enabled regions.
 */
export async function awsPreflight(target: AwsTarget, environment: "dev" | "prod"): Promise<AwsPreflight> {
    const problems: string[] = [];
    const enabled = new Set((await aws.getRegions({ allRegions: false })).names);
    const wanted = target.regions === "all"
        ? regionCatalogue.aws.filter((r) => enabled.has(r))
        : target.regions;
    const regions = [target.sourceRegion, ...[...new Set(wanted)].filter((r) => r !== target.sourceRegion).sort()];
    const disabled = regions.filter((r) => !enabled.has(r));
    if (disabled.length > 0) {
        problems.push(`aws.regions: ${disabled.join(", ")} ${disabled.length === 1 ? "is" : "are"} not enabled for the account; ` +
            "enable them in the account's Regions settings, or remove them from aws.regions");
    }
    if (target.sharing.public && environment === "prod") {
        const checks = await Promise.all(regions.filter((r) => enabled.has(r)).map(async (region) =>
            ({ region, on: (await aws.ebs.getEncryptionByDefault({ region })).enabled })));
        const encrypted = checks.filter((c) => c.on).map((c) => c.region);
        if (encrypted.length > 0) {
            problems.push(`aws.sharing.public: EBS encryption by default is on in ${encrypted.join(", ")}; ` +
                "snapshots there would be encrypted and a public AMI cannot have an encrypted snapshot; " +
                "turn it off (aws ec2 disable-ebs-encryption-by-default --region REGION) or publish privately");
        }
    }
    if (problems.length > 0) {
        throw new PreflightError(problems);
    }
    return { regions };
}
