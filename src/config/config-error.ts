/**
 * A configuration problem the user must fix: a bad option, environment variable or file value.
 * The message names the option, the environment variable where there is one, the value received
 * and the fix. The CLI prints it and exits with code 2.
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}
