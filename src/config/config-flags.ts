import { Option, type Command } from "commander";
import { CONFIG_OPTIONS, type HarnessSettings } from "./config-options.ts";

/**
 * Adds the flags of the given settings (all settings with a flag by default) and `--config FILE` to
 * a commander command. Flags have no commander defaults, so `resolveConfig` can tell a flag that
 * was not given from one that was, and fall back to the environment and the config file.
 */
export function addConfigOptions(command: Command, keys?: readonly (keyof HarnessSettings)[]): Command {
  command.addOption(
    new Option("--config <FILE>", "JSON file with settings; keys as in the README table (env MSQ_CONFIG)"),
  );
  for (const option of CONFIG_OPTIONS) {
    if (option.flag === undefined || (keys !== undefined && !keys.includes(option.key))) continue;
    const value = option.valueName === undefined ? "" : ` <${option.valueName}>`;
    const defaultText = option.defaultText === undefined ? "" : `; default: ${option.defaultText}`;
    command.addOption(
      new Option(`${option.flag}${value}`, `${option.description} (env ${option.env}${defaultText})`),
    );
  }
  return command;
}

/** Maps parsed commander options back to setting keys, for `resolveConfig({ flags })`. */
export function flagValues(
  parsed: Readonly<Record<string, unknown>>,
): Partial<Record<keyof HarnessSettings, unknown>> {
  const flags: Partial<Record<keyof HarnessSettings, unknown>> = {};
  for (const option of CONFIG_OPTIONS) {
    if (option.flag === undefined) continue;
    const attribute = new Option(option.flag).attributeName();
    const value = parsed[attribute];
    if (value !== undefined) flags[option.key] = value;
  }
  return flags;
}
