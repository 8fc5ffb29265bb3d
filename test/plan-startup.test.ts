import * as assert from "assert";
import { execFileSync } from "child_process";
import * as path from "path";

const root = path.join(__dirname, "..");

/** The packages that `startup-modules.ts` loaded, in a fresh process, for these arguments. */
function loadedBy(args: string[]): string[] {
    const out = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(__dirname, "helpers", "startup-modules.ts"), ...args], {
        cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"],
    });
    return JSON.parse(out) as string[];
}

/** Each cloud's Pulumi SDK. */
const cloudSdks = ["@pulumi/alicloud", "@pulumi/aws", "@pulumi/azure-native", "@pulumi/gcp", "@pulumi/openstack"];
const sdksIn = (packages: string[]) => packages.filter((p) => cloudSdks.some((sdk) => p === sdk || p.startsWith(`${sdk}/`)));

describe("Plan startup", function () {
    // Each case starts a process that compiles TypeScript as it loads it.
    this.timeout(180_000);

    it("--help loads neither the program nor Pulumi", () => {
        const loaded = loadedBy(["help"]);

        assert.deepStrictEqual(loaded.filter((p) => p.startsWith("@pulumi/") || p === "yaml" || p === "zod"), []);
    });

    it("as the plan command's own process, leaves out what only serialising providers needs (npm's arborist, TypeScript)", () => {
        const loaded = loadedBy(["cli"]);

        // TypeScript itself is loaded here by ts-node, which runs this test's helper.
        assert.ok(loaded.includes("@pulumi/pulumi"));
        assert.deepStrictEqual(loaded.filter((p) => p.startsWith("@npmcli/") || p === "pacote" || p === "sigstore"), []);
    });

    it("loads the Pulumi SDK of each cloud that is on, and no other: AWS alone loads @pulumi/aws only", () => {
        const awsOnly = {
            environment: "dev",
            product: { name: "testlinux" },
            releases: [{ version: "1.0", architectures: ["x86_64"], artifacts: { aws: "s3://a/{version}.raw" } }],
            aws: { enabled: true, sourceRegion: "eu-central-1", regions: ["eu-central-1"] },
        };

        assert.deepStrictEqual(sdksIn(loadedBy(["plan", JSON.stringify(awsOnly)])), ["@pulumi/aws"]);
    });
});
