import Module = require("module");

/** Puts `exports` in require's cache as the module that `request` resolves to, so that its file is never loaded. */
export function standIn(request: string, exports: object): void {
    const file = require.resolve(request);
    const module = new Module(file);
    module.filename = file;
    module.loaded = true;
    module.exports = exports;
    require.cache[file] = module;
}
