// The SDK's service modules, not its root, which loads all of its ~250 service modules (about
// 300 ms of CPU in every process that loads it).
import * as ebs from "@pulumi/aws/ebs";
import * as ec2 from "@pulumi/aws/ec2";
import { getRegions } from "@pulumi/aws/getRegions";
import * as servicequotas from "@pulumi/aws/servicequotas";
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
 * The Service Quotas code of EC2's "Public AMIs" quota: public AMIs per region, 5 by default, deprecated
 * public AMIs included (Amazon EC2 User Guide, "Make your AMI publicly available", and Service Quotas,
 * Amazon EC2, "Public AMIs", L-0E3CBAB9).
 */
export const PUBLIC_AMIS_QUOTA_CODE = "L-0E3CBAB9";

/**
 * Checks the account before anything is created: every configured region must be enabled; no
 * region that gets a public AMI may have EBS encryption by default on (its snapshots would be
 * encrypted, and AWS cannot share an encrypted snapshot publicly); and no region may end up with more
 * public AMIs than its quota. Resolves `regions: all` to the account's enabled regions.
 * `imageNames` are the names of every AMI the stack publishes in each region, one per release and
 * architecture: those not public there yet are what this run adds.
 */
export async function awsPreflight(target: AwsTarget, environment: "dev" | "prod", imageNames: string[] = []): Promise<AwsPreflight> {
    const problems: string[] = [];
    const enabled = new Set((await getRegions({ allRegions: false })).names);
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
        const reachable = regions.filter((r) => enabled.has(r));
        const checks = await Promise.all(reachable.map(async (region) =>
            ({ region, on: (await ebs.getEncryptionByDefault({ region })).enabled })));
        const encrypted = checks.filter((c) => c.on).map((c) => c.region);
        if (encrypted.length > 0) {
            problems.push(`aws.sharing.public: EBS encryption by default is on in ${encrypted.join(", ")}; ` +
                "snapshots there would be encrypted and a public AMI cannot have an encrypted snapshot; " +
                "turn it off (aws ec2 disable-ebs-encryption-by-default --region REGION) or publish privately");
        }
        const over = (await Promise.all(reachable.map((region) => publicAmiCount(region, [...new Set(imageNames)]))))
            .filter((count) => count.after > count.quota);
        if (over.length > 0) {
            problems.push(`aws.sharing.public: the quota of public AMIs would be passed in ${over.map((c) => c.region).join(", ")} ` +
                `(${over.map((c) => `${c.region}: ${c.existing} public now + ${c.added} new = ${c.after}, quota ${c.quota}`).join("; ")}); ` +
                "deprecated public AMIs count too; raise the quota (Service Quotas, Amazon EC2, Public AMIs), " +
                "or remove old releases, or leave regions out of aws.regions");
        }
    }
    if (problems.length > 0) {
        throw new PreflightError(problems);
    }
    return { regions };
}

/** The public AMIs of one region: the quota, how many are public now, and how many this run adds. */
interface PublicAmiCount {
    /** The region. */
    region: string;
    /** Its quota of public AMIs. */
    quota: number;
    /** The account's public AMIs there now, deprecated ones included. */
    existing: number;
    /** The stack's AMIs that are not public there yet. */
    added: number;
    /** existing + added. */
    after: number;
}

async function publicAmiCount(region: string, imageNames: string[]): Promise<PublicAmiCount> {
    const publicSelf = { owners: ["self"], includeDeprecated: true, region };
    const isPublic = { name: "is-public", values: ["true"] };
    const [quota, all, ours] = await Promise.all([
        servicequotas.getServiceQuota({ serviceCode: "ec2", quotaCode: PUBLIC_AMIS_QUOTA_CODE, region }),
        ec2.getAmiIds({ ...publicSelf, filters: [isPublic] }),
        imageNames.length > 0
            ? ec2.getAmiIds({ ...publicSelf, filters: [isPublic, { name: "name", values: imageNames }] })
            : Promise.resolve({ ids: [] as string[] }),
    ]);
    const existing = all.ids.length;
    const added = Math.max(0, imageNames.length - ours.ids.length);
    return { region, quota: quota.value, existing, added, after: existing + added };
}
