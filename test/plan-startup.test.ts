import * as assert from "assert";
import { execFileSync } from "child_process";
import * as path from "path";
import { leaveOutStackFrames } from "../tools/plan-process";

const root = path.join(__dirname, "..");

/** What `startup-modules.ts` loaded, in a fresh process, for these arguments. */
interface Loaded {
    /** The packages, such as "@pulumi/aws" or "@pulumi/azure-native/compute". */
    packages: string[];
    /** The cloud SDKs' modules, such as "@pulumi/aws/ec2"; "@pulumi/aws/index.js" is the SDK's root. */
    sdkModules: string[];
    /** In the "cli" mode, the error that using the Automation API after the plan gave. */
    automationUse?: string;
}

function loadedBy(args: string[]): Loaded {
    const out = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(__dirname, "helpers", "startup-modules.ts"), ...args], {
        cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"],
    });
    return JSON.parse(out) as Loaded;
}

/** Each cloud's Pulumi SDK. */
const cloudSdks = ["@pulumi/alicloud", "@pulumi/aws", "@pulumi/azure-native", "@pulumi/gcp", "@pulumi/openstack"];
const sdksIn = (packages: string[]) => packages.filter((p) => cloudSdks.some((sdk) => p === sdk || p.startsWith(`${sdk}/`)));

describe("Plan startup", function () {
    // Each case starts a process that compiles TypeScript as it loads it.
    this.timeout(180_000);

    it("--help loads neither the program nor Pulumi", () => {
        const { packages } = loadedBy(["help"]);

        assert.deepStrictEqual(packages.filter((p) => p.startsWith("@pulumi/") || p === "yaml" || p === "zod"), []);
    });

    describe("as the plan command's own process, with every cloud on (the dev stack)", () => {
        let cli: Loaded;
        before(() => {
            cli = loadedBy(["cli"]);
        });

        it("leaves out what only serialising providers needs (npm's arborist, TypeScript) and Pulumi's Automation API (execa, js-yaml)", () => {
            // TypeScript itself is loaded here by ts-node, which runs this test's helper.
            assert.ok(cli.packages.includes("@pulumi/pulumi"));
            assert.deepStrictEqual(cli.packages.filter((p) => p.startsWith("@npmcli/") || ["pacote", "sigstore", "execa", "js-yaml"].includes(p)), []);
        });

        it("says so when anything uses the Automation API it left out", () => {
            assert.match(cli.automationUse ?? "", /pulumi\.automation\.LocalWorkspace: the Automation API is left out of this process/);
        });

        it("loads no cloud API client: only dynamic providers use them, when the engine runs them", () => {
            const clients = cli.packages.filter((p) => /^@(aws-sdk|smithy|azure|google-cloud|alicloud)\//.test(p) || ["ali-oss", "google-auth-library", "googleapis"].includes(p));

            assert.deepStrictEqual(clients, []);
        });

        it("loads each cloud SDK's service modules, never an SDK's root, which loads all of them", () => {
            assert.deepStrictEqual(sdksIn(cli.packages).filter((p) => !p.startsWith("@pulumi/azure-native")),
                ["@pulumi/alicloud", "@pulumi/aws", "@pulumi/gcp", "@pulumi/openstack"]);
            assert.deepStrictEqual(cli.sdkModules.filter((m) => m.endsWith("/index.js")), []);
        });
    });

    it("loads the Pulumi SDK of each cloud that is on, and no other: AWS alone loads @pulumi/aws only", () => {
        const awsOnly = {
            environment: "dev",
            product: { name: "testlinux" },
            releases: [{ version: "1.0", architectures: ["x86_64"], artifacts: { aws: "s3://a/{version}.raw" } }],
            aws: { enabled: true, sourceRegion: "eu-central-1", regions: ["eu-central-1"] },
        };

        assert.deepStrictEqual(sdksIn(loadedBy(["plan", JSON.stringify(awsOnly)]).packages), ["@pulumi/aws"]);
    });

    describe("stack frames in the plan's process", () => {
        let limit: number;
        beforeEach(() => { limit = Error.stackTraceLimit; });
        afterEach(() => { Error.stackTraceLimit = limit; });

        it("records none, since the plan never shows the traces Pulumi takes for each promise and resource", () => {
            Error.stackTraceLimit = 10;
            leaveOutStackFrames({});
            assert.strictEqual(Error.stackTraceLimit, 0);
            assert.strictEqual(new Error("kept").stack, "Error: kept", "an error keeps its message");
        });

        it("keeps V8's frames with IMAGE_PUBLISHER_STACK_TRACES=1, for debugging", () => {
            Error.stackTraceLimit = 10;
            leaveOutStackFrames({ IMAGE_PUBLISHER_STACK_TRACES: "1" });
            assert.strictEqual(Error.stackTraceLimit, 10);
        });
    });
});
