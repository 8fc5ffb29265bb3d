/**
 * Holds a local server's requests until `width` of them wait at once (or every request still
 * expected has arrived), then lets them all go together. A client that keeps `width` requests in
 * flight therefore reaches exactly `width` at once however slow the machine is, with no timer:
 * this replaces a fixed latency in tests of parallelism.
 *
 * Before it lets a full group go, the gate yields the event loop a number of turns (no wall-clock
 * time), so that a request a client sent beyond `width` arrives while the group still waits and
 * shows in {@link Gate.mostWaiting}. A client that keeps to `width` cannot send more meanwhile, so
 * its result never depends on the machine's speed.
 */
export class Gate {
    private waiting: (() => void)[] = [];
    private released = 0;
    private peak = 0;

    /**
     * @param width how many requests to hold before letting them go.
     * @param total how many requests the test expects in all, so that the last, smaller group goes too.
     * @param settleTurns how many event-loop turns a full group waits for requests beyond `width`.
     */
    constructor(private readonly width: number, private readonly total: number, private readonly settleTurns = 50) {}

    private settling = false;

    /** Resolves when this request may be answered. */
    pass(): Promise<void> {
        return new Promise((resolve) => {
            this.waiting.push(resolve);
            this.peak = Math.max(this.peak, this.waiting.length);
            if (!this.settling && this.waiting.length >= Math.min(this.width, this.total - this.released)) {
                this.settling = true;
                void this.release();
            }
        });
    }

    /** Yields the event loop `settleTurns` times, then lets every waiting request go. */
    private async release(): Promise<void> {
        for (let turn = 0; turn < this.settleTurns; turn++) {
            await new Promise((resolve) => setImmediate(resolve));
        }
        const group = this.waiting;
        this.waiting = [];
        this.released += group.length;
        this.settling = false;
        group.forEach((go) => go());
    }

    /** The most requests that waited at the gate at once. */
    mostWaiting(): number {
        return this.peak;
    }
}
