/**
 * `npm run sandbox` (and `npm start` without Slack settings outside production): starts the
 * sandbox, prints a banner with the page's address, and stops on SIGINT/SIGTERM.
 */
import { startSandbox } from './start';

export async function runSandbox(): Promise<void> {
  if (process.env.NODE_ENV?.trim().toLowerCase() === 'production') {
    process.stderr.write('The sandbox does not run with NODE_ENV=production: it serves demo data and an emulated Slack.\n');
    process.exit(1);
  }
  process.stdout.write('Starting the sandbox (Slack and Ashby emulators, embedded store, demo data)…\n');
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  try {
    sandbox = await startSandbox();
  } catch (error) {
    process.stderr.write(`The sandbox could not start: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const line = '─'.repeat(64);
  process.stdout.write(
    [
      line,
      '  Pigment for Slack — sandbox (no Slack workspace needed)',
      '',
      `  Open ${sandbox.pageUrl}`,
      '',
      `  The connector:        ${sandbox.connector.http.url}  (API token in ${sandbox.connector.config.dataDir}/sandbox-secrets.json)`,
      `  The Slack emulator:   ${sandbox.emulator.baseUrl}  (${sandbox.emulator.teams.length} workspaces)`,
      `  The Ashby emulator:   ${sandbox.ashby.url}`,
      '  No SLACK_* setting is given, so this is the sandbox; set them (see .env.example) to reach Slack.',
      '  Ctrl-C stops it.',
      line,
      '',
    ].join('\n'),
  );
  const stop = () => {
    process.stdout.write('Stopping the sandbox…\n');
    sandbox.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) void runSandbox();
