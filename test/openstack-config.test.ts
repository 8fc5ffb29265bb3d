import * as assert from "assert";
import { validateConfig } from "../components/config";
import { baseConfig } from "./fixtures/config";
import { problems, refuses } from "./helpers/config-problems";

function openstackConfig(environment: "dev" | "prod" = "prod"): Record<string, any> {
    const c = baseConfig(environment);
    c.openstack = {
        enabled: true,
        visibility: environment === "prod" ? "public" : "private",
        clouds: [{ name: "north", authUrl: "https://keystone.north.example.net:5000/v3", regions: ["RegionOne"], userName: "publisher" }],
    };
    c.secrets = { openstack: { north: { password: "pw" } } };
    c.releases[0].artifacts.openstack = "https://downloads.example.com/{version}/{arch}.qcow2";
    return c;
}

describe("Stack config for OpenStack", () => {
    it("accepts an https auth URL", () => {
        assert.strictEqual(validateConfig(openstackConfig()).config.openstack.clouds[0].authUrl, "https://keystone.north.example.net:5000/v3");
    });

    it("refuses an http auth URL, since the credentials are sent to it", () => {
        const c = openstackConfig();
        c.openstack.clouds[0].authUrl = "http://keystone.north.example.net:5000/v3";
        refuses(c, "image-publisher:openstack.clouds[0].authUrl", /is not an https auth URL; allowed: an https:\/\/ Keystone URL/);
    });

    it("refuses public visibility on a cloud marked as refusing public images, and says it needs the admin role", () => {
        const c = openstackConfig();
        c.openstack.clouds[0].publicImages = false;
        refuses(c, "image-publisher:openstack.clouds[0].publicImages",
            /says cloud north refuses public images: Glance lets only the admin role make an image public \(policy publicize_image\).*allowed: visibility community/);
    });

    it("accepts community visibility on such a cloud", () => {
        const c = openstackConfig();
        c.openstack.clouds[0].publicImages = false;
        c.openstack.visibility = "community";
        assert.strictEqual(validateConfig(c).config.openstack.visibility, "community");
        assert.deepStrictEqual(problems(Object.assign(openstackConfig(), { environment: "staging" })).map((p) => p.path), ["image-publisher:environment"]);
    });
});
