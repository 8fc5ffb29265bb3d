/** How deep config values may nest: the deepest key of the schema is 6 levels down (releases[].artifacts.aws.x86_64.uri). */
export const maxConfigDepth = 16;

/**
 * How many levels of lists and maps a value has, counted without recursion, so that absurd nesting
 * cannot overflow the stack; counting stops one level past `limit`.
 */
export function nestingDepth(value: unknown, limit = maxConfigDepth): number {
    let deepest = 0;
    const pending: [unknown, number][] = [[value, 0]];
    while (pending.length > 0) {
        const [item, depth] = pending.pop()!;
        deepest = Math.max(deepest, depth);
        if (item !== null && typeof item === "object" && depth <= limit) {
            for (const child of Object.values(item as Record<string, unknown>)) {
                pending.push([child, depth + 1]);
            }
        }
    }
    return deepest;
}
