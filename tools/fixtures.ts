import awsFixture from "./fixtures/aws.json";

/** What the invokes answer offline. */
export interface Fixtures {
    /** The AWS account's ID. */
    awsAccountId: string;
    /** The AWS regions enabled for the account. */
    awsEnabledRegions: string[];
    /** The regions where EBS encryption by default is on. */
    awsEncryptionByDefault: Record<string, boolean>;
}

/** The committed fixtures, a fresh copy each call so that a test can change its own. */
export function defaultFixtures(): Fixtures {
    return {
        awsAccountId: awsFixture.accountId,
        awsEnabledRegions: [...awsFixture.enabledRegions].sort(),
        awsEncryptionByDefault: { ...(awsFixture.encryptionByDefault as Record<string, boolean>) },
    };
}

/** Answers one invoke from the fixtures; an invoke with no fixture is an error, not a silent empty answer. */
export function answerInvoke(fixtures: Fixtures, token: string, args: Record<string, unknown>): Record<string, unknown> {
    switch (token) {
        case "aws:index/getRegions:getRegions":
            return { id: "aws", names: fixtures.awsEnabledRegions };
        case "aws:ebs/getEncryptionByDefault:getEncryptionByDefault": {
            const region = String(args.region ?? "us-east-1");
            return { id: region, enabled: fixtures.awsEncryptionByDefault[region] === true, region };
        }
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return { id: fixtures.awsAccountId, accountId: fixtures.awsAccountId, arn: `arn:aws:iam::${fixtures.awsAccountId}:root`, userId: "mock" };
        default:
            throw new Error(`no offline fixture answers the invoke ${token}`);
    }
}
