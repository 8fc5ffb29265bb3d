import * as pulumi from "@pulumi/pulumi";
// The SDK's modules, not its root, which loads all of its service modules.
import { Provider, ProviderArgs } from "@pulumi/openstack/provider";
import { OpenStackTarget, Secrets } from "../config/model";

/** Arguments of {@link OpenStackClouds}. */
export interface OpenStackCloudsArgs {
    /** The OpenStack target block of the stack config: its clouds and their regions. */
    target: OpenStackTarget;
    /** The OpenStack secrets of the stack config, by cloud name; plaintext here, kept secret from here on. */
    secrets: Secrets["openstack"];
}

/** One cloud and one of its regions. */
export interface OpenStackLocation {
    /** The cloud's name in config. */
    cloud: string;
    /** The region. */
    region: string;
}

/**
 * One `Provider` per cloud and region, made once per stack: each cloud has its own
 * credentials, and an image's region cannot change without replacing it. Passwords and application
 * credential secrets go in as Pulumi secrets, so they are encrypted in state and never shown.
 */
export class OpenStackClouds extends pulumi.ComponentResource {
    /** Every cloud and region with a provider, in config order. */
    public readonly locations: OpenStackLocation[];
    private readonly providers: Map<string, Provider>;

    constructor(name: string, args: OpenStackCloudsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("image-publisher:openstack:Clouds", name, {}, opts);
        this.locations = [];
        this.providers = new Map();
        for (const cloud of args.target.clouds) {
            const secret = args.secrets[cloud.name] ?? {};
            const credentials: ProviderArgs = cloud.applicationCredentialId
                ? {
                    applicationCredentialId: cloud.applicationCredentialId,
                    applicationCredentialSecret: pulumi.secret(required(secret.applicationCredentialSecret, cloud.name, "applicationCredentialSecret")),
                }
                : {
                    userName: required(cloud.userName, cloud.name, "userName"),
                    password: pulumi.secret(required(secret.password, cloud.name, "password")),
                    tenantName: cloud.projectName,
                    userDomainName: cloud.userDomainName,
                    projectDomainName: cloud.projectDomainName,
                };
            for (const region of cloud.regions) {
                const provider = new Provider(`${name}-${cloud.name}-${region}`, {
                    authUrl: cloud.authUrl,
                    region,
                    ...credentials,
                }, { parent: this });
                this.locations.push({ cloud: cloud.name, region });
                this.providers.set(key(cloud.name, region), provider);
            }
        }
        this.registerOutputs({ locations: this.locations });
    }

    /** The provider of one cloud's region; one without a provider is a programming error. */
    public providerFor(cloud: string, region: string): Provider {
        const provider = this.providers.get(key(cloud, region));
        if (!provider) {
            throw new Error(`no OpenStack provider for ${key(cloud, region)}; the stack has: ${this.locations.map((l) => key(l.cloud, l.region)).join(", ")}`);
        }
        return provider;
    }
}

function key(cloud: string, region: string): string {
    return `${cloud}/${region}`;
}

function required(value: string | undefined, cloud: string, field: string): string {
    if (!value) {
        throw new Error(`OpenStack cloud ${cloud} has no ${field}; config validation requires userName with secrets.openstack.${cloud}.password, or applicationCredentialId with secrets.openstack.${cloud}.applicationCredentialSecret`);
    }
    return value;
}
