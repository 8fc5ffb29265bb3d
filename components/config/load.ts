import * as pulumi from "@pulumi/pulumi";
import { ValidatedConfig, namespace, validateConfig } from "./validate";

/**
 * Reads every key of the project's namespace from the running stack's config, the way the CLI
 * hands it to the program (structured values as JSON), and validates it.
 */
export function loadConfig(options: { now?: Date } = {}): ValidatedConfig {
    const all = pulumi.runtime.allConfig();
    const raw: Record<string, unknown> = {};
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries(all)) {
        const [ns, ...rest] = key.split(":");
        if (ns !== namespace) {
            continue;
        }
        raw[rest.join(":")] = parseValue(value);
        if (isConfigSecret(key)) {
            secretKeys.push(rest.join(":"));
        }
    }
    return validateConfig(raw, { ...options, stack: pulumi.getStack(), secretKeys });
}

/**
 * Whether the CLI marked a key secret (PULUMI_CONFIG_SECRET_KEYS): its value is handed to the
 * program decrypted, so no message may show it. The runtime has the function but does not declare it.
 */
function isConfigSecret(key: string): boolean {
    const runtime = pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean };
    return runtime.isConfigSecret?.(key) ?? true;
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
