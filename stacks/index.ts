import { publish } from "./program";

// The Pulumi CLI runs this module; the function's result becomes the stack outputs.
export = () => publish();
