import { CheckContext } from "./context";

/** Rules of the openstack key that one field alone cannot say. */
export function checkOpenStack(ctx: CheckContext): void {
    const { config, add, dev } = ctx;
    const os = config.openstack;
    if (os?.enabled) {
        if (os.clouds.length === 0) {
            add(["openstack", "clouds"], [], "is empty: OpenStack is enabled; allowed: at least one cloud");
        }
        if (dev && (os.visibility === "public" || os.visibility === "community")) {
            add(["openstack", "visibility"], os.visibility, "makes images public in a dev stack; allowed: private or shared in dev");
        }
        const names = new Set<string>();
        os.clouds.forEach((c, i) => {
            if (names.has(c.name)) {
                add(["openstack", "clouds", i, "name"], c.name, "names a cloud twice; allowed: each name once");
            }
            names.add(c.name);
            if (!dev && os.visibility === "public" && !c.publicImages) {
                add(["openstack", "clouds", i, "publicImages"], false,
                    `says cloud ${c.name} refuses public images: Glance lets only the admin role make an image public (policy publicize_image) on most clouds; `
                    + "allowed: visibility community (any image owner may set it), or an account with the admin role and publicImages: true");
            }
            const secret = config.secrets?.openstack[c.name];
            if (c.applicationCredentialId ? !secret?.applicationCredentialSecret : !(c.userName && secret?.password)) {
                add(["openstack", "clouds", i], c.name,
                    `has no credentials; allowed: userName with secrets.openstack.${c.name}.password, or applicationCredentialId with secrets.openstack.${c.name}.applicationCredentialSecret`);
            }
        });
    }
}
