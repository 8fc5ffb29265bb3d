/** Edit distance between two words, for "did you mean". */
function distance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
        let prev = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const cur = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
            prev = cur;
        }
    }
    return row[b.length];
}

/** The candidate closest to a misspelt word, when one is close enough to suggest. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
    const best = [...candidates].sort((x, y) => distance(word, x) - distance(word, y))[0];
    return best !== undefined && distance(word, best) <= 3 ? best : undefined;
}

/** The message for a region that is not in the catalogue, or undefined when it is. */
export function regionProblem(name: string, catalogue: readonly string[]): string | undefined {
    if (catalogue.includes(name)) {
        return undefined;
    }
    const guess = closest(name, catalogue);
    return `is not a known region${guess ? ` (did you mean ${guess}?)` : ""}; allowed: a region of components/config/regions`;
}
