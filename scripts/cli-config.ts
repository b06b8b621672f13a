/**
 * Settings for the command-line scripts: loaded like the connector's, and when they are bad,
 * reported one line per problem on stderr (the caller then exits 1).
 */
import { ConfigError, loadConfig, type Config } from '../src/config';

export function loadConfigForCli(err: (line: string) => void): Config | undefined {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    err('Fix these settings (in .env or the environment):');
    for (const problem of error.problems) err(`  ${problem}`);
    return undefined;
  }
}
