// A throw inside a Pulumi mock surfaces as an unhandled rejection, which would otherwise leave a
// test hanging until its timeout. Make it fail the run at once instead.
process.on("unhandledRejection", (reason) => {
    throw reason instanceof Error ? reason : new Error(`unhandled rejection: ${String(reason)}`);
});
