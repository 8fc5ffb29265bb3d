import { isIPv4, isIPv6 } from "node:net";
import { CheckContext } from "./context";

/** A CIDR block: an IPv4 address with a prefix of 0-32, or an IPv6 one with 0-128. */
export function isCidr(value: string): boolean {
    const m = /^([^/]+)\/([0-9]{1,3})$/.exec(value);
    if (!m) {
        return false;
    }
    const prefix = Number(m[2]);
    return (isIPv4(m[1]) && prefix <= 32) || (isIPv6(m[1]) && prefix <= 128);
}

/** Inputs of the aws key that AWS refuses only once a resource is on its way: tag keys, security groups, encrypted sharing. */
export function checkAwsInputs(ctx: CheckContext): void {
    const { config, add, dev } = ctx;
    const aws = config.aws;
    if (!aws) {
        return;
    }
    // "The aws: prefix is prohibited for tags; it's reserved for AWS use"; keys are 1-128 characters,
    // values at most 256 (docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html).
    for (const [key, value] of Object.entries(aws.tags)) {
        if (/^aws:/i.test(key)) {
            add(["aws", "tags", key], value, "has a key that starts with aws:, which AWS reserves for itself; allowed: any other key of 1-128 characters");
        } else if (key.length < 1 || key.length > 128) {
            add(["aws", "tags", key], value, "has a key that is not 1-128 characters long; allowed: 1-128 characters");
        }
        if (value.length > 256) {
            add(["aws", "tags", key], value, "is longer than 256 characters; allowed: a tag value of at most 256 characters");
        }
    }
    // The Marketplace's recommended security group: an IP protocol, a port range FromPort..ToPort
    // within 0-65535, and CIDR IpRanges (AWS Marketplace Catalog API, AddDeliveryOptions,
    // AmiDeliveryOptionDetails.SecurityGroups; the same as an EC2 security group rule).
    aws.marketplace.securityGroups.forEach((group, i) => {
        if (group.fromPort > group.toPort) {
            add(["aws", "marketplace", "securityGroups", i, "fromPort"], group.fromPort,
                `is above toPort ${group.toPort}; allowed: fromPort <= toPort, both within 0-65535`);
        }
        group.ipRanges.forEach((range, j) => {
            if (!isCidr(range)) {
                add(["aws", "marketplace", "securityGroups", i, "ipRanges", j], range, "is not a CIDR block; allowed: an IPv4 CIDR such as 203.0.113.0/24 or an IPv6 one such as 2001:db8::/32");
            }
        });
    });
    // A snapshot encrypted with the default aws/ebs key cannot be shared with another account: only
    // a customer managed key whose key policy grants that account can be
    // (docs.aws.amazon.com/ebs/latest/userguide/share-kms-key.html). A dev stack shares with test
    // accounts, so it must name that key.
    const shared = aws.sharing.accounts.length + aws.sharing.organizations.length + aws.sharing.organizationalUnits.length > 0;
    if (dev && aws.image.encrypted && shared && !aws.image.kmsKeyId) {
        add(["aws", "image", "kmsKeyId"], undefined,
            "is missing: the snapshots are encrypted and shared with other accounts, which the default aws/ebs key cannot do; allowed: the ARN of a customer managed key whose key policy grants those accounts");
    }
}
