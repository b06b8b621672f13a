/**
 * `npm run emulator -- [--seed FILE.json] [--port N] [--host H] [--rate-limit-scale X] [--quiet]`
 *
 * Runs the Slack emulator alone, seeded from a JSON file (default: the example seed), and
 * prints the settings that point the connector at it. Each Web API call is printed as it is
 * answered, unless --quiet. Stops on Ctrl-C or SIGTERM.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createSlackEmulator, loadSeedFile, SeedError, type RecordedCall } from './slack-emulator';
import { READS_NO_SETTINGS } from './cli-config';

const DEFAULT_SEED = resolve(__dirname, 'slack-emulator/seed.example.json');
const DEFAULT_PORT = 4100;

function parseOptions() {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: DEFAULT_SEED },
      port: { type: 'string', default: String(DEFAULT_PORT) },
      host: { type: 'string', default: '127.0.0.1' },
      'rate-limit-scale': { type: 'string', default: '1' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`Usage: npm run emulator -- [--seed FILE] [--port N] [--host H] [--rate-limit-scale X] [--quiet]\n${READS_NO_SETTINGS}\n`);
    process.exit(0);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be a port number (0-65535)');
  const rateLimitScale = Number(values['rate-limit-scale']);
  if (!Number.isFinite(rateLimitScale) || rateLimitScale <= 0) throw new Error('--rate-limit-scale must be a positive number');
  return { seedPath: resolve(values.seed), port, host: values.host, rateLimitScale, quiet: values.quiet };
}

function describeCall(call: RecordedCall): string {
  const outcome = call.response.ok === true ? 'ok' : String(call.response.error ?? call.status);
  return `${new Date(call.at).toISOString()} ${call.status} ${call.method} (${call.tokenKind}) → ${outcome}\n`;
}

async function main(): Promise<void> {
  const options = parseOptions();
  const seed = loadSeedFile(options.seedPath);
  const emulator = await createSlackEmulator({
    host: options.host,
    port: options.port,
    seed,
    rateLimitScale: options.rateLimitScale,
    onCall: options.quiet ? undefined : (call) => process.stdout.write(describeCall(call)),
  });
  const { state } = emulator;
  const control = `${emulator.baseUrl}/_emulator`;
  process.stdout.write(
    [
      `Slack emulator for "${state.team.name}" (${state.team.id}) on ${emulator.baseUrl}`,
      `Seed: ${options.seedPath} (${state.users.size} users, ${state.usergroups.size} user groups); rate limits x${options.rateLimitScale}`,
      '',
      'Point the connector at it (.env or environment):',
      `  SLACK_API_URL=${emulator.apiUrl}`,
      `  SLACK_BOT_TOKEN=${emulator.botToken}`,
      `  SLACK_APP_TOKEN=${emulator.appToken}`,
      '',
      'Drive it by hand:',
      `  curl ${control}/state`,
      `  curl '${control}/calls?method=chat.postMessage'`,
      `  curl -X POST ${control}/events -d '{"event":{"type":"app_home_opened","user":"U…","channel":"D…","tab":"home"}}'`,
      `  curl -X POST ${control}/faults -d '{"method":"chat.postMessage","times":2,"status":503}'`,
      `  curl -X DELETE ${control}/faults`,
      '',
      'Ctrl-C stops it.',
      '',
    ].join('\n'),
  );
  const stop = () => {
    process.stdout.write('Stopping the Slack emulator…\n');
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  const message = error instanceof SeedError ? error.message : `npm run emulator: ${(error as Error).message}`;
  process.stderr.write(`${message}\n`);
  process.exitCode = 1;
});
