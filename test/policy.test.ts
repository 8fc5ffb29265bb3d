import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import type { ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { parse } from "yaml";
import { fromResourceArgs, policies, resolveEnvironment, stackOfUrn } from "../policy/pack";
import {
    Environment, NeutralResource, checkResources, environmentOfStackName, galleryImageType, noGalleryImageReplacement, noPublicEncryptedAmi,
    noPublicInDev, policyNames, protectProdImages, protectedImageTypes, stackEnvironmentProblem,
} from "../policy/rules";
import { ConfigError, validateConfig } from "../components/config";
import { baseConfig } from "./fixtures/config";

const policyDir = path.join(__dirname, "..", "policy");

function res(type: string, inputs: Record<string, unknown> = {}, options: NeutralResource["options"] = {}, name = "r"): NeutralResource {
    return { type, name, inputs, options };
}

const galleryReplacementIgnored = ["identifier", "osType", "osState", "hyperVGeneration", "architecture"];

describe("Policy rule (a): nothing public in dev", () => {
    const publicResources: [string, NeutralResource][] = [
        ["an AMI launch permission for group all", res("aws:ec2/amiLaunchPermission:AmiLaunchPermission", { imageId: "ami-1", group: "all" })],
        ["a snapshot create-volume permission for all", res("aws:ec2/snapshotCreateVolumePermission:SnapshotCreateVolumePermission", { snapshotId: "snap-1", accountId: "all" })],
        ["a GCP image IAM member allAuthenticatedUsers", res("gcp:compute/imageIamMember:ImageIamMember", { role: "roles/compute.imageUser", member: "allAuthenticatedUsers" })],
        ["a GCP image IAM member allUsers", res("gcp:compute/imageIamMember:ImageIamMember", { role: "roles/compute.imageUser", member: "allUsers" })],
        ["a GCP image IAM member for a whole domain", res("gcp:compute/imageIamMember:ImageIamMember", { role: "roles/compute.imageUser", member: "domain:example.com" })],
        ["a GCP image IAM binding with a domain", res("gcp:compute/imageIamBinding:ImageIamBinding", { role: "roles/compute.imageUser", members: ["domain:example.com"] })],
        ["a GCP image IAM binding with allUsers", res("gcp:compute/imageIamBinding:ImageIamBinding", { role: "roles/compute.imageUser", members: ["user:a@example.com", "allUsers"] })],
        ["a public Glance image", res("openstack:images/image:Image", { visibility: "public" })],
        ["a community Glance image", res("openstack:images/image:Image", { visibility: "community" })],
        ["a Community gallery", res("azure-native:compute:Gallery", { sharingProfile: { permissions: "Community" } })],
        ["an AliCloud community share", res("pulumi-nodejs:dynamic/alicloud:CommunityShare", { imageId: "m-1", isPublic: true })],
        ["an Azure community sharing", res("pulumi-nodejs:dynamic/azure:CommunitySharing", { galleryName: "g" })],
        ["a dynamic resource with isPublic true", res("pulumi-nodejs:dynamic:Resource", { isPublic: true })],
    ];
    const privateResources: [string, NeutralResource][] = [
        ["a launch permission for one account", res("aws:ec2/amiLaunchPermission:AmiLaunchPermission", { imageId: "ami-1", accountId: "123456789012" })],
        ["a create-volume permission for one account", res("aws:ec2/snapshotCreateVolumePermission:SnapshotCreateVolumePermission", { accountId: "123456789012" })],
        ["an IAM member that is a group", res("gcp:compute/imageIamMember:ImageIamMember", { member: "group:images@example.com" })],
        ["a private Glance image", res("openstack:images/image:Image", { visibility: "private" })],
        ["a shared Glance image", res("openstack:images/image:Image", { visibility: "shared" })],
        ["a gallery shared with groups", res("azure-native:compute:Gallery", { sharingProfile: { permissions: "Groups" } })],
        ["a gallery without a sharing profile", res("azure-native:compute:Gallery", {})],
        ["a dynamic resource of another type", res("pulumi-nodejs:dynamic/aws:MarketplaceVersion", { amiId: "ami-1" })],
        ["a dynamic resource with isPublic false", res("pulumi-nodejs:dynamic:Resource", { isPublic: false })],
    ];

    for (const [name, resource] of publicResources) {
        it(`refuses ${name} in dev and allows it in prod`, () => {
            const [message] = noPublicInDev(resource, "dev");
            assert.match(message, /makes an image public .* this is a dev stack/);
            assert.deepEqual(noPublicInDev(resource, "prod"), []);
        });
    }
    for (const [name, resource] of privateResources) {
        it(`allows ${name} in dev`, () => {
            assert.deepEqual(noPublicInDev(resource, "dev"), []);
        });
    }
});

describe("Policy rule (b): no public AMI over an encrypted snapshot", () => {
    const encrypted = res("aws:ebs/snapshotImport:SnapshotImport", { encrypted: true }, {}, "os-9.6-x86_64-import");
    const plain = res("aws:ebs/snapshotImport:SnapshotImport", { encrypted: false }, {}, "os-9.6-arm64-import");
    const everyone = res("aws:ec2/amiLaunchPermission:AmiLaunchPermission", { group: "all" }, {}, "os-9.6-x86_64-public");
    const account = res("aws:ec2/amiLaunchPermission:AmiLaunchPermission", { accountId: "123456789012" }, {}, "os-9.6-x86_64-share");

    it("flags each encrypted snapshot import while any AMI is launchable by all", () => {
        const violations = noPublicEncryptedAmi([encrypted, plain, everyone]);
        assert.equal(violations.length, 1);
        assert.equal(violations[0].policy, policyNames.noPublicEncryptedAmi);
        assert.equal(violations[0].resource, "os-9.6-x86_64-import");
        assert.match(violations[0].message, /is encrypted while 1 launch permission\(s\) make AMIs public \("os-9\.6-x86_64-public"\)/);
    });

    it("allows encrypted imports when nothing is public, and public AMIs over plain imports", () => {
        assert.deepEqual(noPublicEncryptedAmi([encrypted, account]), []);
        assert.deepEqual(noPublicEncryptedAmi([plain, everyone]), []);
    });
});

describe("Policy rule (c): prod images are protected", () => {
    for (const type of protectedImageTypes) {
        it(`requires protect or retainOnDelete on ${type} in prod`, () => {
            assert.match(protectProdImages(res(type, {}, {}, "img"), "prod")[0], new RegExp(`${type.replace(/[/.]/g, "\\$&")} "img" is a published image in prod and has neither protect nor retainOnDelete`));
            assert.match(protectProdImages(res(type, {}, { protect: false, retainOnDelete: false }), "prod")[0], /neither protect nor retainOnDelete/);
            assert.deepEqual(protectProdImages(res(type, {}, { protect: true }), "prod"), []);
            assert.deepEqual(protectProdImages(res(type, {}, { retainOnDelete: true }), "prod"), []);
        });
    }

    it("requires protect or retainOnDelete on whatever makes an image public in prod, since a removal revokes those first", () => {
        const grant = res("aws:ec2/amiLaunchPermission:AmiLaunchPermission", { group: "all" }, {}, "grant");
        assert.match(protectProdImages(grant, "prod")[0], /"grant" makes an image public in prod \(launch permission for group "all"\) and has neither protect nor retainOnDelete/);
        assert.match(protectProdImages(res("gcp:compute/imageIamMember:ImageIamMember", { member: "allUsers" }), "prod")[0], /IAM member allUsers/);
        assert.deepEqual(protectProdImages({ ...grant, options: { protect: true } }, "prod"), []);
        assert.deepEqual(protectProdImages({ ...grant, options: { retainOnDelete: true } }, "prod"), []);
    });

    it("exempts the resources of a release marked unpublish, whose revocation is the reviewed intent", () => {
        assert.deepEqual(protectProdImages({ ...res("aws:ec2/ami:Ami"), unpublished: true }, "prod"), []);
        assert.deepEqual(protectProdImages({ ...res("aws:ec2/amiLaunchPermission:AmiLaunchPermission", { group: "all" }), unpublished: true }, "prod"), []);
    });

    it("leaves dev images and other resources alone", () => {
        assert.deepEqual(protectProdImages(res("aws:ec2/ami:Ami"), "dev"), []);
        assert.deepEqual(protectProdImages(res("aws:ec2/amiLaunchPermission:AmiLaunchPermission"), "prod"), []);
        assert.deepEqual(protectProdImages(res("aws:ebs/snapshotImport:SnapshotImport"), "prod"), []);
    });
});

describe("Policy rule (d): no replacement of an Azure gallery image definition", () => {
    it("allows a protected definition that ignores changes to its replacing fields", () => {
        assert.deepEqual(noGalleryImageReplacement(res(galleryImageType, {}, { protect: true, ignoreChanges: galleryReplacementIgnored }), "prod"), []);
        assert.deepEqual(noGalleryImageReplacement(res(galleryImageType, {}, { protect: true, ignoreChanges: ["*"] }), "prod"), []);
    });

    it("refuses an unprotected definition in prod", () => {
        const messages = noGalleryImageReplacement(res(galleryImageType, {}, { retainOnDelete: true, ignoreChanges: galleryReplacementIgnored }, "def"), "prod");
        assert.deepEqual(messages.length, 1);
        assert.match(messages[0], /"def" is a gallery image definition in prod and is not protected/);
    });

    it("names the replacing fields whose changes are not ignored", () => {
        const messages = noGalleryImageReplacement(res(galleryImageType, {}, { protect: true, ignoreChanges: ["identifier", "osType", "tags"] }, "def"), "prod");
        assert.deepEqual(messages, [`${galleryImageType} "def" does not ignore changes to hyperVGeneration, architecture; a change there would replace the definition. Add them to ignoreChanges.`]);
    });

    it("leaves dev definitions and gallery image versions alone", () => {
        assert.deepEqual(noGalleryImageReplacement(res(galleryImageType), "dev"), []);
        assert.deepEqual(noGalleryImageReplacement(res("azure-native:compute:GalleryImageVersion", {}, { protect: true }), "prod"), []);
    });
});

describe("checkResources, the entry point of the offline plan", () => {
    const resources: NeutralResource[] = [
        res("aws:ebs/snapshotImport:SnapshotImport", { encrypted: true }, {}, "import"),
        res("aws:ec2/amiLaunchPermission:AmiLaunchPermission", { group: "all" }, {}, "public"),
        res("aws:ec2/ami:Ami", {}, { protect: true }, "ami"),
        res(galleryImageType, {}, {}, "definition"),
    ];

    it("runs every rule and returns {policy, resource, message} for each violation", () => {
        const dev = checkResources(resources, "dev").map((v) => [v.policy, v.resource]);
        assert.deepEqual(dev, [[policyNames.noPublicInDev, "public"], [policyNames.noPublicEncryptedAmi, "import"]]);
        const prod = checkResources(resources, "prod").map((v) => [v.policy, v.resource]);
        assert.deepEqual(prod, [
            [policyNames.protectProdImages, "public"],
            [policyNames.protectProdImages, "definition"],
            [policyNames.noGalleryImageReplacement, "definition"],
            [policyNames.noGalleryImageReplacement, "definition"],
            [policyNames.noPublicEncryptedAmi, "import"],
        ]);
        for (const v of checkResources(resources, "prod")) {
            assert.ok(v.message.length > 0);
        }
    });

    it("lets a resource's own stack environment win over the one passed in", () => {
        const ownStack: NeutralResource = { ...res("aws:ec2/amiLaunchPermission:AmiLaunchPermission", { group: "all" }, { protect: true }, "p"), stack: "prod" };
        assert.deepEqual(checkResources([ownStack], "dev"), []);
    });

    it("finds nothing wrong with a clean prod stack", () => {
        assert.deepEqual(checkResources([
            res("aws:ebs/snapshotImport:SnapshotImport", { encrypted: false }),
            res("aws:ec2/amiLaunchPermission:AmiLaunchPermission", { group: "all" }, { protect: true }),
            res("aws:ec2/ami:Ami", {}, { protect: true }),
            res(galleryImageType, {}, { protect: true, ignoreChanges: galleryReplacementIgnored }),
        ], "prod"), []);
    });
});

describe("The environment of a stack", () => {
    it("comes from the stack name: prod when it says prod, dev when it says dev", () => {
        assert.equal(environmentOfStackName("prod"), "prod");
        assert.equal(environmentOfStackName("acme/images/production"), "prod");
        assert.equal(environmentOfStackName("dev"), "dev");
        assert.equal(environmentOfStackName("alice-dev"), "dev");
        assert.equal(environmentOfStackName("staging"), undefined);
    });

    it("reads whole words of the name, so a product name that contains prod or dev says nothing", () => {
        assert.equal(environmentOfStackName("acme-product-dev"), "dev");
        assert.equal(environmentOfStackName("devices-prod"), "prod");
        assert.equal(environmentOfStackName("productivity"), undefined);
    });

    it("prefers the policy config, then the stack tag, then the stack name in the URN", () => {
        const urn = "urn:pulumi:dev::image-publisher::aws:ec2/ami:Ami::x";
        assert.equal(stackOfUrn(urn), "dev");
        assert.equal(resolveEnvironment({ config: {}, stackTags: new Map(), urn }), "dev");
        assert.equal(resolveEnvironment({ config: {}, stackTags: new Map([["image-publisher:environment", "prod"]]), urn }), "prod");
        assert.equal(resolveEnvironment({ config: { environment: "prod" }, stackTags: new Map([["image-publisher:environment", "dev"]]), urn }), "prod");
        assert.equal(resolveEnvironment({ config: {}, stackTags: new Map(), urn: "urn:pulumi:staging::p::t::n" }), undefined);
    });
});

class NotApplicable extends Error {}

/** The message config validation gives for an environment in a stack of this name. */
function validationMessage(stack: string, environment: "dev" | "prod"): string | undefined {
    try {
        validateConfig(baseConfig(environment), { stack });
    } catch (error) {
        assert.ok(error instanceof ConfigError);
        return error.problems.find((p) => p.path === "image-publisher:environment")?.message;
    }
    return undefined;
}

/** ResourceValidationArgs as the analyzer would pass them, for a resource in `stack`. */
function resourceArgs(stack: string, r: NeutralResource, config: { environment?: Environment } = {}): ResourceValidationArgs {
    return {
        type: r.type,
        name: r.name,
        urn: `urn:pulumi:${stack}::image-publisher::${r.type}::${r.name}`,
        props: r.inputs,
        opts: { protect: r.options.protect ?? false, ignoreChanges: r.options.ignoreChanges ?? [], aliases: [], additionalSecretOutputs: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 } },
        stackTags: new Map(),
        isType: () => false,
        asType: () => undefined,
        getConfig: <T extends object>() => config as T,
        notApplicable: (reason?: string): never => { throw new NotApplicable(reason); },
    };
}

function runResourcePolicy(name: string, args: ResourceValidationArgs): string[] {
    const policy = policies.find((p) => p.name === name) as ResourceValidationPolicy;
    const messages: string[] = [];
    const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource!];
    for (const validate of validations) {
        void validate(args, (message) => { messages.push(message); });
    }
    return messages;
}

function stackArgs(stack: string, resources: NeutralResource[], config: { environment?: Environment } = {}): StackValidationArgs {
    return {
        resources: resources.map((r) => {
            const a = resourceArgs(stack, r);
            return { ...a, dependencies: [], propertyDependencies: {} };
        }) as unknown as StackValidationArgs["resources"],
        stackTags: new Map(),
        getConfig: <T extends object>() => config as T,
        notApplicable: (reason?: string): never => { throw new NotApplicable(reason); },
    };
}

function runStackPolicy(name: string, args: StackValidationArgs): { message: string; urn?: string }[] {
    const policy = policies.find((p) => p.name === name) as StackValidationPolicy;
    const reports: { message: string; urn?: string }[] = [];
    void policy.validateStack(args, (message, urn) => { reports.push({ message, urn }); });
    return reports;
}

describe("The image-publisher policy pack", () => {
    it("declares a nodejs policy pack whose package has a version", () => {
        assert.equal(parse(fs.readFileSync(path.join(policyDir, "PulumiPolicy.yaml"), "utf8")).runtime, "nodejs");
        assert.match(JSON.parse(fs.readFileSync(path.join(policyDir, "package.json"), "utf8")).version, /^\d+\.\d+\.\d+$/);
    });

    it("constructs PolicyPack(\"image-publisher\") with every policy, without starting an analyzer", () => {
        const resolved = require.resolve("@pulumi/policy");
        const indexPath = require.resolve("../policy/index");
        const saved = require.cache[resolved];
        const constructed: { name: string; args: { policies: unknown[]; enforcementLevel?: string } }[] = [];
        class RecordingPolicyPack {
            constructor(name: string, args: { policies: unknown[] }) {
                constructed.push({ name, args });
            }
        }
        require.cache[resolved] = { id: resolved, filename: resolved, loaded: true, exports: { PolicyPack: RecordingPolicyPack } } as unknown as NodeJS.Module;
        try {
            delete require.cache[indexPath];
            require(indexPath);
        } finally {
            delete require.cache[indexPath];
            if (saved) {
                require.cache[resolved] = saved;
            } else {
                delete require.cache[resolved];
            }
        }
        assert.equal(constructed.length, 1);
        assert.equal(constructed[0].name, "image-publisher");
        assert.equal(constructed[0].args.policies, policies);
        assert.equal(constructed[0].args.enforcementLevel, "mandatory");
    });

    it("has mandatory policies with unique names that the analyzer accepts", () => {
        const names = policies.map((p) => p.name);
        assert.equal(new Set(names).size, names.length);
        assert.ok(!names.includes("all"));
        for (const name of Object.values(policyNames)) {
            assert.ok(names.includes(name), name);
        }
        for (const p of policies) {
            assert.equal(p.enforcementLevel, "mandatory");
            assert.ok(!("enforcementLevel" in (p.configSchema?.properties ?? {})));
            assert.ok(!(p.configSchema?.required ?? []).includes("enforcementLevel"));
        }
    });

    it("refuses a public launch permission in a stack named dev and allows it in prod", () => {
        const permission = res("aws:ec2/amiLaunchPermission:AmiLaunchPermission", { group: "all" }, {}, "os-public");
        assert.equal(runResourcePolicy(policyNames.noPublicInDev, resourceArgs("dev", permission)).length, 1);
        assert.deepEqual(runResourcePolicy(policyNames.noPublicInDev, resourceArgs("prod", permission)), []);
        assert.equal(runResourcePolicy(policyNames.noPublicInDev, resourceArgs("staging", permission, { environment: "dev" })).length, 1);
    });

    it("is not applicable where it cannot tell dev from prod, and says so once for the stack", () => {
        const permission = res("aws:ec2/amiLaunchPermission:AmiLaunchPermission", { group: "all" });
        assert.throws(() => runResourcePolicy(policyNames.noPublicInDev, resourceArgs("staging", permission)), NotApplicable);
        const reports = runStackPolicy("stack-environment-known", stackArgs("staging", [permission]));
        assert.equal(reports.length, 1);
        assert.match(reports[0].message, /cannot tell whether stack "staging" is dev or prod/);
        assert.deepEqual(runStackPolicy("stack-environment-known", stackArgs("prod", [permission])), []);
    });

    it("refuses a stack named prod that it is told is dev, and the other way round, as config validation does", () => {
        const permission = res("aws:ec2/amiLaunchPermission:AmiLaunchPermission", { group: "all" });
        const byConfig = runStackPolicy("stack-environment-matches-name", stackArgs("prod", [permission], { environment: "dev" }));
        assert.equal(byConfig.length, 1);
        assert.match(byConfig[0].message, /^the policy config environment is dev, but stack "prod" is named for prod/);
        const tagged = { ...stackArgs("acme-dev", [permission]), stackTags: new Map([["image-publisher:environment", "prod"]]) };
        const byTag = runStackPolicy("stack-environment-matches-name", tagged);
        assert.equal(byTag.length, 1);
        assert.match(byTag[0].message, /^the stack tag image-publisher:environment is prod, but stack "acme-dev" is named for dev/);
        assert.equal(stackEnvironmentProblem("dev", "prod"), validationMessage("dev", "prod"));
    });

    it("accepts a stack whose name and environment agree, or whose name says neither", () => {
        const permission = res("aws:ec2/amiLaunchPermission:AmiLaunchPermission", { group: "all" });
        assert.deepEqual(runStackPolicy("stack-environment-matches-name", stackArgs("prod", [permission], { environment: "prod" })), []);
        assert.deepEqual(runStackPolicy("stack-environment-matches-name", stackArgs("staging", [permission], { environment: "dev" })), []);
        assert.deepEqual(runStackPolicy("stack-environment-matches-name", stackArgs("dev", [permission])), []);
    });

    it("requires protect on prod images; retainOnDelete does not reach a policy pack", () => {
        const ami = res("aws:ec2/ami:Ami", {}, { retainOnDelete: true }, "os-ami");
        assert.equal(fromResourceArgs(resourceArgs("prod", ami)).options.retainOnDelete, undefined);
        assert.equal(runResourcePolicy(policyNames.protectProdImages, resourceArgs("prod", ami)).length, 1);
        assert.deepEqual(runResourcePolicy(policyNames.protectProdImages, resourceArgs("prod", { ...ami, options: { protect: true } })), []);
    });

    it("lets the resources of a release its config names as leaving (retire or unpublish) go unprotected in prod, and no other release's", () => {
        const grant = res("aws:ec2/amiLaunchPermission:AmiLaunchPermission", { group: "all" }, {}, "release-1.0-aws-x86_64-eu-west-1-public");
        const ami = res("aws:ec2/ami:Ami", {}, {}, "release-1.0-aws-x86_64-ami");
        const config = { leavingReleases: ["1.0"] } as { environment?: Environment };
        for (const r of [grant, ami]) {
            assert.equal(runResourcePolicy(policyNames.protectProdImages, resourceArgs("prod", r)).length, 1, `${r.name} without config`);
            assert.deepEqual(runResourcePolicy(policyNames.protectProdImages, resourceArgs("prod", r, config)), [], `${r.name} leaving`);
        }
        const other = { ...ami, name: "release-1.0.1-aws-x86_64-ami" };
        assert.equal(runResourcePolicy(policyNames.protectProdImages, resourceArgs("prod", other, config)).length, 1, "1.0.1 is not 1.0");
        assert.ok(policies.find((p) => p.name === policyNames.protectProdImages)!.configSchema!.properties.leavingReleases);
    });

    it("checks a gallery image definition's protect and ignoreChanges options", () => {
        const definition = res(galleryImageType, {}, { protect: true, ignoreChanges: ["identifier"] }, "os-def");
        const messages = runResourcePolicy(policyNames.noGalleryImageReplacement, resourceArgs("prod", definition));
        assert.deepEqual(messages.length, 1);
        assert.match(messages[0], /does not ignore changes to osType, hyperVGeneration, architecture/);
    });

    it("reports an encrypted snapshot import against its URN when an AMI is public", () => {
        const reports = runStackPolicy(policyNames.noPublicEncryptedAmi, stackArgs("prod", [
            res("aws:ebs/snapshotImport:SnapshotImport", { encrypted: true }, {}, "os-import"),
            res("aws:ec2/amiLaunchPermission:AmiLaunchPermission", { group: "all" }, {}, "os-public"),
        ]));
        assert.equal(reports.length, 1);
        assert.equal(reports[0].urn, "urn:pulumi:prod::image-publisher::aws:ebs/snapshotImport:SnapshotImport::os-import");
    });
});

describe("Policies over the real program", () => {
    it("recognise every public-making dynamic resource the cloud components register", async () => {
        const { committedStackRun } = await import("./helpers/shared-runs");
        const { publicExposure } = await import("../policy/rules");
        const run = await committedStackRun("prod");
        const types = new Set(run.resources.filter((r) => r.type.startsWith("pulumi-nodejs:dynamic") && publicExposure({ type: r.type, name: r.name, inputs: r.inputs, options: {} }))
            .map((r) => r.type));
        assert.deepStrictEqual([...types].sort(), ["pulumi-nodejs:dynamic/alicloud:CommunityShare", "pulumi-nodejs:dynamic/azure:CommunitySharing"]);
    });

    it("find no violation in the committed dev and prod stacks", async () => {
        const { committedStackRun } = await import("./helpers/shared-runs");
        for (const stack of ["dev", "prod"] as const) {
            const run = await committedStackRun(stack);
            const violations = checkResources(run.resources.map((r) => ({ type: r.type, name: r.name, inputs: r.inputs, options: r.options })), stack);
            assert.deepStrictEqual(violations, [], `${stack}: ${JSON.stringify(violations)}`);
        }
    });
});
