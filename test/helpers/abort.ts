/** Abort signals handed to the code under test, so a test can make a request time out at once. */

/** Hands out one signal per request, and aborts the latest on demand. */
export interface TimeoutSignals {
    /** Gives the signal of the next request; pass it as the `abortAfter` of the call settings. */
    abortAfter: () => AbortSignal;
    /** Aborts the signal handed out last, as its timeout would; the default reason when none is given. */
    abortLatest: (reason?: unknown) => void;
}

/** A fresh set of signals. */
export function timeoutSignals(): TimeoutSignals {
    const controllers: AbortController[] = [];
    return {
        abortAfter: () => {
            const controller = new AbortController();
            controllers.push(controller);
            return controller.signal;
        },
        abortLatest: (reason?: unknown) => controllers[controllers.length - 1].abort(reason),
    };
}
