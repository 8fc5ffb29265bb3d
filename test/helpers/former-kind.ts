/**
 * A dynamic resource's state as a stack created before the resource had its own type token holds it:
 * the same outputs with the `resourceKind` input that named the resource then, such as "gcp:ArmImage".
 */
export function storedWithFormerKind<T extends object>(outs: T, kind: string): T {
    return { ...outs, resourceKind: kind };
}
