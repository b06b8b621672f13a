/**
 * `npm run emulator -- [--seed FILE.json] [--port N] [--host H] [--rate-limit-scale X] [--redirect-uri URL]... [--request-url URL --signing-secret S] [--quiet]`
 *
 * Runs the Slack emulator alone, seeded from a JSON file (default: the example seed), and
 * prints the settings that point the connector at it. The file holds one workspace, or several
 * as `{"teams": [seed, …]}` (the first is the primary); each is listed with its bot token
 * when the app is installed there, with the app's OAuth credentials and authorize URL for the
 * others. With --request-url, events and interactions go to that URL as signed HTTP requests
 * (the connector's SLACK_RECEIVER=http) instead of Socket Mode. Each Web API call is printed as it is answered, unless --quiet. Stops on Ctrl-C or
 * SIGTERM.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createSlackEmulator, loadSeedsFile, SeedError, type RecordedCall, type SlackEmulator } from './slack-emulator';
import { READS_NO_SETTINGS } from './cli-config';

const DEFAULT_SEED = resolve(__dirname, 'slack-emulator/seed.example.json');
const DEFAULT_PORT = 4100;
const USAGE =
  'Usage: npm run emulator -- [--seed FILE] [--port N] [--host H] [--rate-limit-scale X] [--redirect-uri URL]... [--request-url URL --signing-secret S] [--quiet]';

function parseOptions() {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: DEFAULT_SEED },
      port: { type: 'string', default: String(DEFAULT_PORT) },
      host: { type: 'string', default: '127.0.0.1' },
      'rate-limit-scale': { type: 'string', default: '1' },
      /** The app's OAuth redirect URLs; without, any http(s) URL is accepted. */
      'redirect-uri': { type: 'string', multiple: true },
      /** HTTP delivery: the app's Request URL (e.g. http://127.0.0.1:3000/slack/events) and its signing secret. */
      'request-url': { type: 'string' },
      'signing-secret': { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\nThe seed file holds one workspace, or several as {"teams": [seed, …]} (the first is the primary).\n${READS_NO_SETTINGS}\n`);
    process.exit(0);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be a port number (0-65535)');
  const rateLimitScale = Number(values['rate-limit-scale']);
  if (!Number.isFinite(rateLimitScale) || rateLimitScale <= 0) throw new Error('--rate-limit-scale must be a positive number');
  const requestUrl = values['request-url'];
  const signingSecret = values['signing-secret'];
  if ((requestUrl === undefined) !== (signingSecret === undefined)) throw new Error('--request-url and --signing-secret go together (HTTP delivery)');
  const http = requestUrl !== undefined && signingSecret !== undefined ? { requestUrl, signingSecret } : undefined;
  return { seedPath: resolve(values.seed), port, host: values.host, rateLimitScale, redirectUris: values['redirect-uri'], http, quiet: values.quiet };
}

function describeCall(call: RecordedCall): string {
  const outcome = call.response.ok === true ? 'ok' : String(call.response.error ?? call.status);
  const team = call.teamId === undefined ? '' : ` [${call.teamId}]`;
  return `${new Date(call.at).toISOString()} ${call.status} ${call.method} (${call.tokenKind}) → ${outcome}${team}\n`;
}

/** One line per workspace: id, name, and its bot token or how to install the app there. */
function describeTeams(emulator: SlackEmulator): string[] {
  return emulator.teams.map((team, index) => {
    const { state } = team;
    const role = index === 0 ? ', primary' : '';
    const what = `${state.users.size} users, ${state.usergroups.size} user groups${state.team.enterprise_id ? `, Grid ${state.team.enterprise_id}` : ''}${state.team.app_approval_required ? ', app approval required' : ''}`;
    const install = team.botToken === undefined ? 'not installed (install it through OAuth)' : `bot token ${team.botToken}`;
    return `  ${team.teamId} "${state.team.name}" (${what}${role}): ${install}`;
  });
}

async function main(): Promise<void> {
  const options = parseOptions();
  const [seed, ...teams] = loadSeedsFile(options.seedPath);
  const emulator = await createSlackEmulator({
    host: options.host,
    port: options.port,
    seed,
    teams,
    rateLimitScale: options.rateLimitScale,
    ...(options.redirectUris ? { oauth: { redirectUris: options.redirectUris } } : {}),
    ...(options.http ? { delivery: { mode: 'http' as const, ...options.http } } : {}),
    onCall: options.quiet ? undefined : (call) => process.stdout.write(describeCall(call)),
  });
  const { state } = emulator;
  const primaryInstalled = emulator.team(state.team.id).installed;
  const control = `${emulator.baseUrl}/_emulator`;
  process.stdout.write(
    [
      `Slack emulator for "${state.team.name}" (${state.team.id}) on ${emulator.baseUrl}`,
      `Seed: ${options.seedPath} (${emulator.teams.length} workspace${emulator.teams.length === 1 ? '' : 's'}); rate limits x${options.rateLimitScale}`,
      ...describeTeams(emulator),
      '',
      'Point the connector at it (.env or environment):',
      `  SLACK_API_URL=${emulator.apiUrl}`,
      ...(primaryInstalled ? [`  SLACK_BOT_TOKEN=${emulator.botToken}`] : []),
      ...(options.http
        ? ['  SLACK_RECEIVER=http', '  SLACK_SIGNING_SECRET=(the --signing-secret given)', `Events and interactions are POSTed to ${options.http.requestUrl}`]
        : [`  SLACK_APP_TOKEN=${emulator.appToken}`]),
      `  SLACK_CLIENT_ID=${emulator.oauth.clientId}`,
      `  SLACK_CLIENT_SECRET=${emulator.oauth.clientSecret}`,
      `OAuth authorize URL: ${emulator.oauth.authorizeUrl}${options.redirectUris ? ` (redirect URLs: ${options.redirectUris.join(', ')})` : ''}`,
      '',
      'Drive it by hand:',
      `  curl ${control}/teams`,
      `  curl '${control}/state?team=${state.team.id}'`,
      `  curl '${control}/calls?method=chat.postMessage'`,
      `  curl -X POST ${control}/events -d '{"team_id":"${state.team.id}","event":{"type":"app_home_opened","user":"U…","channel":"D…","tab":"home"}}'`,
      `  curl -X POST ${control}/install -d '{"team_id":"T…"}'   (and /uninstall)`,
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
