/**
 * Downloading an uploaded file from Slack, against a real local HTTP server that answers the
 * way Slack does (including the HTML sign-in page with HTTP 200 when the token is missing).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { downloadSlackFile, isSlackFileUrl } from '../../../../src/features/members/home/slack-files.client';

const TOKEN = 'xoxb-test-token';
let server: Server;
let base: string;
let handler: (req: IncomingMessage, res: ServerResponse) => void;

beforeAll(async () => {
  server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const options = (maxBytes = 1024) => ({ botToken: TOKEN, apiUrl: `${base}/api/`, maxBytes });

function answer(status: number, contentType: string, body: string | Buffer, headers: Record<string, string> = {}) {
  return (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(status, { 'content-type': contentType, ...headers });
    res.end(body);
  };
}

describe('downloadSlackFile', () => {
  it('sends the bot token and returns the bytes of a CSV', async () => {
    let auth: string | undefined;
    handler = (req, res) => {
      auth = req.headers.authorization;
      answer(200, 'text/csv', 'Name,Email\nAda,ada@x.io\n')(req, res);
    };
    const result = await downloadSlackFile(`${base}/files-pri/T1-F1/download/a.csv`, options());
    expect(auth).toBe(`Bearer ${TOKEN}`);
    expect(result).toEqual({ ok: true, bytes: Buffer.from('Name,Email\nAda,ada@x.io\n') });
  });

  it('treats an HTML answer with HTTP 200 as the sign-in page, not as the file', async () => {
    handler = answer(200, 'text/html; charset=utf-8', '<!DOCTYPE html><html><title>Sign in</title></html>');
    expect(await downloadSlackFile(`${base}/f`, options())).toMatchObject({ ok: false, reason: 'sign_in_page' });
    // Even when the content type claims otherwise.
    handler = answer(200, 'application/octet-stream', '\n  <html><body>Sign in</body></html>');
    expect(await downloadSlackFile(`${base}/f`, options())).toMatchObject({ ok: false, reason: 'sign_in_page' });
  });

  it('refuses a file above the limit, by header or by counting', async () => {
    handler = answer(200, 'text/csv', 'x'.repeat(2000));
    expect(await downloadSlackFile(`${base}/f`, options(1000))).toMatchObject({ ok: false, reason: 'too_large' });
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/csv', 'transfer-encoding': 'chunked' });
      res.write('x'.repeat(600));
      res.end('y'.repeat(600));
    };
    expect(await downloadSlackFile(`${base}/f`, options(1000))).toMatchObject({ ok: false, reason: 'too_large' });
  });

  it('refuses files that are not CSV, and HTTP errors', async () => {
    handler = answer(200, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'PK\u0003\u0004');
    expect(await downloadSlackFile(`${base}/f`, options())).toMatchObject({ ok: false, reason: 'not_csv' });
    handler = answer(404, 'text/plain', 'File not found');
    expect(await downloadSlackFile(`${base}/f`, options())).toMatchObject({ ok: false, reason: 'http_error' });
  });

  it('follows a redirect within Slack, and refuses one that leaves Slack without sending the token there', async () => {
    const seen: Array<{ path: string; auth?: string }> = [];
    handler = (req, res) => {
      seen.push({ path: req.url ?? '', auth: req.headers.authorization });
      if (req.url === '/start') answer(302, 'text/plain', '', { location: '/final.csv' })(req, res);
      else if (req.url === '/away') answer(302, 'text/plain', '', { location: 'https://evil.example/steal' })(req, res);
      else answer(200, 'text/csv', 'Name,Email\n')(req, res);
    };
    expect(await downloadSlackFile(`${base}/start`, options())).toEqual({ ok: true, bytes: Buffer.from('Name,Email\n') });
    expect(seen.map((s) => s.path)).toEqual(['/start', '/final.csv']);
    expect(await downloadSlackFile(`${base}/away`, options())).toMatchObject({ ok: false, reason: 'not_slack_url' });
  });

  it('never sends the token outside Slack', async () => {
    let called = false;
    handler = (req, res) => {
      called = true;
      answer(200, 'text/csv', 'a')(req, res);
    };
    const result = await downloadSlackFile(`${base}/f`, { ...options(), apiUrl: 'https://slack.com/api/' });
    expect(result).toMatchObject({ ok: false, reason: 'not_slack_url' });
    expect(called).toBe(false);
  });
});

describe('isSlackFileUrl', () => {
  it('trusts the API origin and https slack.com hosts only', () => {
    expect(isSlackFileUrl('https://files.slack.com/files-pri/T1-F1/download/a.csv', 'https://slack.com/api/')).toBe(true);
    expect(isSlackFileUrl('http://127.0.0.1:9/files-pri/x', 'http://127.0.0.1:9/api/')).toBe(true);
    expect(isSlackFileUrl('http://files.slack.com/x', 'https://slack.com/api/')).toBe(false);
    expect(isSlackFileUrl('https://files.slack.com.evil.io/x', 'https://slack.com/api/')).toBe(false);
    expect(isSlackFileUrl('https://evilslack.com/x', 'https://slack.com/api/')).toBe(false);
    expect(isSlackFileUrl('not a url', 'https://slack.com/api/')).toBe(false);
  });
});
