import * as pulumi from "@pulumi/pulumi";

/** The type token every dynamic resource had before each got its own module and type. */
export const formerDynamicType = "pulumi-nodejs:dynamic:Resource";

/**
 * The options of a dynamic resource that now has its own type token (`pulumi-nodejs:dynamic/<module>:<type>`),
 * with an alias to its former type, so that a stack created before keeps the resource: a type is part
 * of the URN, and without the alias the engine would create a new resource and delete the old one.
 * An alias that gives only a type keeps the resource's name, parent, stack and project
 * (https://www.pulumi.com/docs/iac/concepts/options/aliases/).
 */
export function withFormerType(opts: pulumi.CustomResourceOptions | undefined): pulumi.CustomResourceOptions {
    return { ...opts, aliases: [...(opts?.aliases ?? []), { type: formerDynamicType }] };
}
