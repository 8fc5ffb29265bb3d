/**
 * Environment variables for the length of a test or a describe block: set (or removed) at its start,
 * and put back as they were at its end.
 */

/** Variables to set; `undefined` removes a variable. */
export type EnvVars = Record<string, string | undefined>;

/** Remembers the named variables now, and returns a function that puts them back as they were. */
export function saveEnv(...names: string[]): () => void {
    const saved = names.map((name) => [name, process.env[name]] as const);
    return () => {
        for (const [name, value] of saved) {
            if (value === undefined) {
                delete process.env[name];
            } else {
                process.env[name] = value;
            }
        }
    };
}

/** Sets (or, for `undefined`, removes) the variables, and returns a function that puts back what was there before. */
export function setEnv(vars: EnvVars): () => void {
    const restore = saveEnv(...Object.keys(vars));
    for (const [name, value] of Object.entries(vars)) {
        if (value === undefined) {
            delete process.env[name];
        } else {
            process.env[name] = value;
        }
    }
    return restore;
}

/** Registers mocha hooks that set the variables before and restore them after; `each` does so around every test. */
function scopedEnv(vars: EnvVars | (() => EnvVars), each: boolean): void {
    let restore: (() => void) | undefined;
    (each ? beforeEach : before)(() => {
        restore = setEnv(typeof vars === "function" ? vars() : vars);
    });
    (each ? afterEach : after)(() => {
        restore?.();
        restore = undefined;
    });
}

/** Sets the variables for the enclosing describe block (mocha before/after hooks). */
export function withEnv(vars: EnvVars | (() => EnvVars)): void {
    scopedEnv(vars, false);
}

/** Sets the variables afresh for each test of the enclosing describe block (mocha beforeEach/afterEach hooks). */
export function withEnvEach(vars: EnvVars | (() => EnvVars)): void {
    scopedEnv(vars, true);
}

/** AWS credentials the SDK finds in the environment: dummies for the local servers, with no profile or session token in the way. */
export const localAwsCredentials: EnvVars = {
    AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
    AWS_SECRET_ACCESS_KEY: "dummy-secret-for-the-local-server",
    AWS_PROFILE: undefined,
    AWS_SESSION_TOKEN: undefined,
};
