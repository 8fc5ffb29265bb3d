export * from "./model";
export * from "./schema";
export * from "./validate";
export * from "./load";
export * from "./catalogue";
export * from "./variants";
