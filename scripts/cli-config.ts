/**
 * Settings for the command-line scripts: each tool loads exactly the settings it uses (from
 * .env and the environment, like the connector), and when they are bad, they are reported
 * one line per problem on stderr (the caller then exits 1).
 */
import { ConfigError, loadSettings, type SettingName } from '../src/config';

export function loadSettingsForCli<K extends SettingName>(names: readonly K[], err: (line: string) => void): ReturnType<typeof loadSettings<K>> | undefined {
  try {
    return loadSettings(names);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    err('Fix these settings (in .env or the environment):');
    for (const problem of error.problems) err(`  ${problem}`);
    return undefined;
  }
}

/** The `--help` line of a tool that reads no setting (everything it needs is an option). */
export const READS_NO_SETTINGS = 'Reads no setting from .env or the environment: everything it needs is an option above.';

/** The `--help` line naming what a tool reads. */
export function readsLine(names: readonly SettingName[]): string {
  return `Reads ${names.join(', ')} (from .env or the environment); no other setting is needed.`;
}
