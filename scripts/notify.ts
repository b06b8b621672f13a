/**
 * `npm run notify -- --email E | --member-id M --type T --title ... --url ...`: sends one
 * notification through the connector's HTTP API (`POST /api/v1/workspaces/:workspaceId/notifications`), as the
 * platform would, for people trying the connector out or checking a deployment.
 *
 * Reads only API_TOKEN and the HTTP address (HTTP_HOST, HTTP_PORT) from `.env` and the
 * environment; `--api-url` overrides the address (e.g. a connector on another port). The
 * connector validates the notification: its 400 answer is printed field by field.
 * Exit code 0 when the connector accepted it (202) or already had it (200), 1 otherwise.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { loadSettingsForCli, readsLine } from './cli-config';

/** The settings this tool uses: the API's token and address, nothing of Slack or the store. */
const SETTINGS = ['API_TOKEN', 'HTTP_HOST', 'HTTP_PORT', 'DEFAULT_WORKSPACE_ID'] as const;

const USAGE = `Usage: npm run notify -- (--email E | --member-id M) --type T --title TITLE --url URL [options]
  --email E          the recipient's email (or --member-id M, the platform's member id)
  --type T           conversation, automation, scheduled_import or async_task
  --subtype S        e.g. comment, reply, mention, completed, failed, snapshot, duplication (default: other)
  --title TITLE      plain text, up to 150 characters
  --url URL          a link under PIGMENT_BASE_URL
  --body TEXT        mrkdwn, up to 2,000 characters (default: empty)
  --actor NAME       who did it
  --id ID            the idempotency key (default: a new UUID); the same id again is not sent twice
  --workspace W      the platform workspace (default: DEFAULT_WORKSPACE_ID from the settings)
  --api-url URL      the connector's HTTP API (default: http://HTTP_HOST:HTTP_PORT from the settings)
${readsLine(SETTINGS)}
`;

const OPTIONS = {
  email: { type: 'string' },
  'member-id': { type: 'string' },
  type: { type: 'string' },
  subtype: { type: 'string' },
  title: { type: 'string' },
  url: { type: 'string' },
  body: { type: 'string' },
  actor: { type: 'string' },
  id: { type: 'string' },
  workspace: { type: 'string' },
  'api-url': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

/** The API's base URL from the settings: wildcard addresses are reached on loopback. */
function apiUrlFrom(settings: { HTTP_HOST: string; HTTP_PORT: number }): string | undefined {
  if (settings.HTTP_PORT === 0) return undefined;
  const host = settings.HTTP_HOST === '0.0.0.0' ? '127.0.0.1' : settings.HTTP_HOST === '::' ? '::1' : settings.HTTP_HOST;
  return `http://${host.includes(':') ? `[${host}]` : host}:${settings.HTTP_PORT}`;
}

/** Prints the connector's answer; returns the exit code. */
function report(status: number, answer: unknown): number {
  const body = (answer ?? {}) as { error?: string; message?: string; issues?: Array<{ path: string; message: string }> };
  if (status === 202 || status === 200) {
    out(`${status === 202 ? 'Accepted' : 'Already accepted'} (HTTP ${status}): ${JSON.stringify(answer)}`);
    return 0;
  }
  if (status === 400 && Array.isArray(body.issues)) {
    err(`The connector refused the notification (HTTP 400${body.error ? ` ${body.error}` : ''}); nothing was sent:`);
    for (const issue of body.issues) err(`  ${issue.path}: ${issue.message}`);
    return 1;
  }
  if (status === 401) {
    err('The connector refused API_TOKEN (HTTP 401): use the API_TOKEN the connector runs with.');
    return 1;
  }
  err(`The connector answered HTTP ${status}${body.error ? ` ${body.error}` : ''}: ${body.message ?? JSON.stringify(answer)}`);
  return 1;
}

async function main(): Promise<number> {
  let values: ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];
  try {
    ({ values } = parseArgs({ args: process.argv.slice(2), options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (error) {
    err(`${(error as Error).message}\n${USAGE}`);
    return 1;
  }
  if (values.help) {
    out(USAGE);
    return 0;
  }

  const settings = loadSettingsForCli(SETTINGS, err);
  if (!settings) return 1;
  const apiUrl = (values['api-url'] ?? apiUrlFrom(settings))?.replace(/\/+$/, '');
  if (!apiUrl) {
    err("HTTP_PORT is 0 (a port picked at start): give the connector's address with --api-url.");
    return 1;
  }

  // Only what was given: the connector validates and names each problem.
  const notification: Record<string, unknown> = {
    id: values.id ?? randomUUID(),
    type: values.type,
    subtype: values.subtype ?? 'other',
    // Fields left undefined are dropped by JSON: {memberId}, {email}, both or none as given.
    recipient: { memberId: values['member-id'], email: values.email },
    title: values.title,
    url: values.url,
    ...(values.body !== undefined ? { body: values.body } : {}),
    ...(values.actor !== undefined ? { actor: { name: values.actor } } : {}),
  };

  let response: Response;
  try {
    response = await fetch(`${apiUrl}/api/v1/workspaces/${encodeURIComponent(values.workspace ?? settings.DEFAULT_WORKSPACE_ID)}/notifications`, {
      method: 'POST',
      headers: { authorization: `Bearer ${settings.API_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(notification),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    err(`Cannot reach the connector at ${apiUrl} (${cause}). Is it running? Nothing was sent.`);
    return 1;
  }
  const text = await response.text();
  let answer: unknown = text;
  try {
    answer = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: shown as text.
  }
  return report(response.status, answer);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    err(`notify failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
