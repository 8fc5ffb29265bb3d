/** The resource class behind a type token such as aws:ec2/amiCopy:AmiCopy or azure-native:compute:Gallery. */
export function constructorFor(type: string): new (name: string, args: any, opts: object) => unknown {
    const [pkg, module, className] = type.split(":");
    const folder = module.split("/")[0];
    const path = folder === "index" ? `@pulumi/${pkg}` : `@pulumi/${pkg}/${folder}`;
    const exported = require(path)[className];
    if (typeof exported !== "function") {
        throw new Error(`no resource class for ${type} in ${path}`);
    }
    return exported;
}
