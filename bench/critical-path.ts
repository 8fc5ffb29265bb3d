import { RecordedResource } from "../tools/mocks";

/** The longest chain of dependent steps and the sum of all steps, given each step's duration. */
export function criticalPath(resources: RecordedResource[], duration: (r: RecordedResource) => number): { critical: number; sequential: number; chain: string[] } {
    const byName = new Map(resources.map((r) => [r.name, r]));
    const memo = new Map<string, { length: number; chain: string[] }>();
    const finish = (r: RecordedResource): { length: number; chain: string[] } => {
        const known = memo.get(r.name);
        if (known) {
            return known;
        }
        let best = { length: 0, chain: [] as string[] };
        const after = [...r.dependsOn, ...(r.provider ? [r.provider] : [])];
        for (const dep of after) {
            const d = byName.get(dep);
            if (d) {
                const f = finish(d);
                if (f.length > best.length) {
                    best = f;
                }
            }
        }
        const result = { length: best.length + duration(r), chain: [...best.chain, r.name] };
        memo.set(r.name, result);
        return result;
    };
    let critical = { length: 0, chain: [] as string[] };
    for (const r of resources) {
        const f = finish(r);
        if (f.length > critical.length) {
            critical = f;
        }
    }
    return { critical: critical.length, sequential: resources.reduce((sum, r) => sum + duration(r), 0), chain: critical.chain };
}
