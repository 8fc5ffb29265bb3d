/**
 * What a process that does nothing but run the offline plan (tools/plan-cli.js) leaves out of
 * Pulumi, set up before Pulumi is loaded: closure serialisation (tools/provider-serialisation.ts)
 * and the Automation API. The stack program and `pulumi up` load Pulumi whole, as before.
 */
import { skipProviderSerialisationForGood } from "./provider-serialisation";
import { standIn } from "./stand-in";

const automation = "@pulumi/pulumi/automation";

/**
 * Pulumi's index loads the Automation API (execa, js-yaml, the engine event stream: about 60 ms of
 * CPU) whenever Pulumi is loaded; the plan never drives the CLI, so it gets a stand-in that says so
 * when used. No effect once Pulumi is loaded.
 */
export function leaveOutAutomationApi(): void {
    if (require.cache[require.resolve(automation)] !== undefined) {
        return;
    }
    standIn(automation, new Proxy({ __esModule: true }, {
        get: (target, key) => {
            if (typeof key === "symbol" || key === "__esModule") {
                return Reflect.get(target, key);
            }
            throw new Error(`pulumi.automation.${key}: the Automation API is left out of this process: it only runs the offline plan`);
        },
    }));
}

/**
 * The frames V8 records in each stack trace of this process. Pulumi takes a stack trace for every
 * promise it makes (runtime/debuggable.js, for its report of leaked promises) and every resource (its
 * source position), about 25,000 in a prod plan, which the plan never shows: without frames they
 * cost next to nothing (a prod plan end to end about 1.5 s instead of 3 s on two cores). An error
 * the plan prints keeps its message; IMAGE_PUBLISHER_STACK_TRACES=1 keeps V8's frames for debugging.
 */
export function leaveOutStackFrames(env: NodeJS.ProcessEnv = process.env): void {
    if (env.IMAGE_PUBLISHER_STACK_TRACES !== "1") {
        Error.stackTraceLimit = 0;
    }
}

/** For a process that does nothing but plan, before it loads Pulumi; there is no undo. */
export function setUpPlanOnlyProcess(): void {
    skipProviderSerialisationForGood();
    leaveOutAutomationApi();
    leaveOutStackFrames();
}
