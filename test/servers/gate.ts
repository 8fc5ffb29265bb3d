/**
 * Holds a local server's requests until `width` of them wait at once (or every request still
 * expected has arrived), then lets them all go together. A client that keeps `width` requests in
 * flight therefore reaches exactly `width` at once however slow the machine is, with no timer:
 * this replaces a fixed latency in tests of parallelism.
 */
export class Gate {
    private waiting: (() => void)[] = [];
    private released = 0;
    private peak = 0;

    /**
     * @param width how many requests to hold before letting them go.
     * @param total how many requests the test expects in all, so that the last, smaller group goes too.
     */
    constructor(private readonly width: number, private readonly total: number) {}

    /** Resolves when this request may be answered. */
    pass(): Promise<void> {
        return new Promise((resolve) => {
            this.waiting.push(resolve);
            this.peak = Math.max(this.peak, this.waiting.length);
            if (this.waiting.length >= Math.min(this.width, this.total - this.released)) {
                const group = this.waiting;
                this.waiting = [];
                this.released += group.length;
                group.forEach((go) => go());
            }
        });
    }

    /** The most requests that waited at the gate at once. */
    mostWaiting(): number {
        return this.peak;
    }
}
