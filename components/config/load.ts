import * as pulumi from "@pulumi/pulumi";
import { ValidatedConfig, namespace, validateConfig } from "./validate";

/**
 * Reads every key of the project's namespace from the running stack's config, the way the CLI
 * hands it to the program (structured values as JSON), and validates it.
 */
export function loadConfig(options: { now?: Date } = {}): ValidatedConfig {
    const all = pulumi.runtime.allConfig();
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(all)) {
        const [ns, ...rest] = key.split(":");
        if (ns !== namespace) {
            continue;
        }
        raw[rest.join(":")] = parseValue(value);
    }
    return validateConfig(raw, options);
}

function parseValue(value: string): unknown {
    const trimmed = value.trim();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
        try {
            return JSON.parse(trimmed);
        } catch {
            return value;
        }
    }
    if (trimmed === "true" || trimmed === "false") {
        return trimmed === "true";
    }
    return value;
}
