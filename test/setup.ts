// A throw inside a Pulumi mock surfaces as an unhandled rejection, which would otherwise leave a
// test hanging until its timeout. Make it fail the run at once instead.
process.on("unhandledRejection", (reason) => {
    throw reason instanceof Error ? reason : new Error(`unhandled rejection: ${String(reason)}`);
});

// Pulumi records a stack trace for every promise it makes (runtime/debuggable.js, for its report
// of leaked promises) and one of unlimited depth for every resource (Resource.callsites, its source
// position): about 25,000 in a prod plan, none of which a test reads. Under ts-node each goes
// through source-map-support, which maps every frame: two thirds of the CPU of a test that plans
// the prod stack. Those two captures get an empty stack here (Pulumi then records no source
// position, which the mocks never use); every other error keeps its mapped stack.
const pulumiCaptures = new Set(["debuggablePromise", "callsites"]);
const mapStack = Error.prepareStackTrace;
Error.prepareStackTrace = (error, frames) => {
    const first = frames[0];
    if (first !== undefined && pulumiCaptures.has(first.getFunctionName() ?? "") && (first.getFileName() ?? "").includes("@pulumi/pulumi")) {
        return "Error";
    }
    return mapStack === undefined ? `${String(error)}${frames.map((f) => `\n    at ${String(f)}`).join("")}` : mapStack(error, frames);
};
