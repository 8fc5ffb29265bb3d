import * as assert from "assert";
import { ConfigError, validateConfig } from "../../components/config";

/** The problems validation reports for this config; fails when it accepts it. */
export function problems(config: Record<string, unknown>): ConfigError["problems"] {
    try {
        validateConfig(config);
    } catch (error) {
        assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
        return error.problems;
    }
    return assert.fail("the config was accepted");
}

/** Asserts that validation reports a problem at `path` whose message matches `pattern`. */
export function refuses(config: Record<string, unknown>, path: string, pattern: RegExp): void {
    const found = problems(config);
    const match = found.find((p) => p.path === path);
    assert.ok(match, `no problem at ${path}; got:\n${found.map((p) => `${p.path}: ${p.message}`).join("\n")}`);
    assert.match(match.message, pattern);
}
