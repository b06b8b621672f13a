import { ConfigError, parseConfig, sandboxWanted, secretsOf } from '../src/config';
import { TEST_SECRETS, validEnv } from './support/factories';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('applies the contract defaults', () => {
    const config = parseConfig(validEnv());
    expect(config.slack.apiUrl).toBe('https://slack.com/api/');
    expect(config.slack.receiver).toEqual({ kind: 'socket', appToken: TEST_SECRETS.appToken });
    expect(config.mongo).toEqual({ uri: undefined, dbName: 'pigment_slack' });
    expect(config.http).toMatchObject({ host: '127.0.0.1', port: 3000 });
    expect(config.schedules).toEqual({ mapping: '0 * * * *', provisioning: '0 3 * * *', imports: '30 * * * *' });
    expect(config.ashbyApiUrl).toBe('https://api.ashbyhq.com');
    expect(config.logLevel).toBe('info');
    expect(config.encryptionKey).toHaveLength(32);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('adds the trailing slash the SDK needs to SLACK_API_URL and strips it from PIGMENT_BASE_URL', () => {
    const config = parseConfig(validEnv({ SLACK_API_URL: 'http://127.0.0.1:4000/api', PIGMENT_BASE_URL: 'https://x.pigment.test/' }));
    expect(config.slack.apiUrl).toBe('http://127.0.0.1:4000/api/');
    expect(config.pigmentBaseUrl).toBe('https://x.pigment.test');
  });

  it('treats empty values as unset', () => {
    expect(parseConfig(validEnv({ MONGODB_URI: '', HTTP_PORT: '' })).http.port).toBe(3000);
  });

  it('reports every missing required setting, one line each', () => {
    const problems = problemsOf({});
    expect(problems).toHaveLength(4);
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'API_TOKEN', 'ENCRYPTION_KEY']) {
      expect(problems.filter((p) => p.startsWith(`${name} `))).toHaveLength(1);
    }
    // A bot token needs its workspace's base URL, named in the same pass as the other problems.
    expect(problemsOf({ SLACK_BOT_TOKEN: TEST_SECRETS.botToken })).toContain(
      'PIGMENT_BASE_URL is required with SLACK_BOT_TOKEN (the platform base URL, e.g. https://acme.pigment.app)',
    );
  });

  it('runs on OAuth alone (no bot token, no base URL), and wants all three OAuth settings together', () => {
    const { SLACK_BOT_TOKEN: _token, PIGMENT_BASE_URL: _base, ...rest } = validEnv({});
    const oauth = { SLACK_CLIENT_ID: '1234.5678', SLACK_CLIENT_SECRET: 'c'.repeat(32), SLACK_STATE_SECRET: 's'.repeat(40) };
    const config = parseConfig({ ...rest, ...oauth });
    expect(config.slack.botToken).toBeUndefined();
    expect(config.slack.oauth).toEqual({ clientId: '1234.5678', clientSecret: 'c'.repeat(32), stateSecret: 's'.repeat(40) });
    expect(config.publicUrl).toBe('http://127.0.0.1:3000');
    expect(config.defaultWorkspaceId).toBe('default');
    expect(problemsOf({ ...rest, SLACK_CLIENT_ID: '1234.5678' })).toEqual([
      'SLACK_CLIENT_SECRET is required with SLACK_CLIENT_ID (OAuth installs need all three)',
      'SLACK_STATE_SECRET is required with SLACK_CLIENT_ID (OAuth installs need all three)',
    ]);
  });

  it('receives over HTTP with SLACK_RECEIVER=http and a signing secret, without an app-level token', () => {
    const signingSecret = 'f'.repeat(32);
    const config = parseConfig(validEnv({ SLACK_RECEIVER: 'http', SLACK_SIGNING_SECRET: signingSecret, SLACK_APP_TOKEN: undefined }));
    expect(config.slack.receiver).toEqual({ kind: 'http', signingSecret });
    expect(Object.isFrozen(config.slack.receiver)).toBe(true);
    // The signing secret is scrubbed from the logs like the tokens.
    expect(secretsOf(config, {})).toContain(signingSecret);
    // An app-level token left in .env is not needed, and not an error.
    expect(parseConfig(validEnv({ SLACK_RECEIVER: 'HTTP', SLACK_SIGNING_SECRET: signingSecret })).slack.receiver.kind).toBe('http');
  });

  it('asks for the secret the receiver needs, in the same pass as every other problem', () => {
    // HTTP: the signing secret, not the app-level token.
    expect(problemsOf(validEnv({ SLACK_RECEIVER: 'http', SLACK_APP_TOKEN: undefined, API_TOKEN: undefined }))).toEqual([
      'API_TOKEN is required (the bearer token for /api/*)',
      "SLACK_SIGNING_SECRET is required with SLACK_RECEIVER=http (the app's Signing Secret, Basic Information → App Credentials)",
    ]);
    // Socket Mode (the default): the app-level token, not the signing secret.
    expect(problemsOf(validEnv({ SLACK_APP_TOKEN: undefined, HTTP_PORT: 'abc' }))).toEqual([
      'HTTP_PORT must be a port number',
      'SLACK_APP_TOKEN is required in Socket Mode (the app-level token, xapp-…), unless SLACK_RECEIVER=http receives over HTTPS',
    ]);
    expect(problemsOf(validEnv({ SLACK_RECEIVER: 'socket', SLACK_APP_TOKEN: undefined }))).toHaveLength(1);
    // An unknown receiver is one problem: neither secret is asked for.
    expect(problemsOf(validEnv({ SLACK_RECEIVER: 'websocket', SLACK_APP_TOKEN: undefined }))).toEqual([
      'SLACK_RECEIVER must be socket (Socket Mode, the default) or http (HTTPS Request URLs with request signing)',
    ]);
  });

  it('catches swapped Slack tokens and says which is which', () => {
    const problems = problemsOf(validEnv({ SLACK_BOT_TOKEN: TEST_SECRETS.appToken, SLACK_APP_TOKEN: TEST_SECRETS.botToken }));
    expect(problems).toEqual([
      expect.stringMatching(/^SLACK_BOT_TOKEN must be a bot token starting with "xoxb-"/),
      expect.stringMatching(/^SLACK_APP_TOKEN must be an app-level token starting with "xapp-"/),
    ]);
  });

  it.each([
    ['API_TOKEN', 'short', /at least 32 characters/],
    ['ENCRYPTION_KEY', Buffer.alloc(16).toString('base64'), /32 bytes encoded in base64/],
    ['ENCRYPTION_KEY', 'not base64 at all!', /32 bytes encoded in base64/],
    ['HTTP_PORT', '70000', /between 0 and 65535/],
    ['HTTP_PORT', 'abc', /port number/],
    ['MONGODB_URI', 'postgres://x', /mongodb:\/\//],
    ['MAPPING_CRON', 'every hour', /cron expression/],
    ['PIGMENT_BASE_URL', 'ftp://x', /http\(s\) URL/],
    ['SLACK_API_URL', 'not a url', /http\(s\) URL/],
    ['LOG_LEVEL', 'verbose', /one of fatal, error/],
    ['MONGODB_DB', 'bad name!', /letters, digits/],
    ['SLACK_SIGNING_SECRET', 'short', /Signing Secret/],
  ])('rejects a malformed %s with a specific reason', (name, value, reason) => {
    const problems = problemsOf(validEnv({ [name]: value }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${name} `));
    expect(problems[0]).toMatch(reason);
  });

  it('never prints a value, even a malformed secret', () => {
    const badSecrets = { SLACK_BOT_TOKEN: 'xoxp-user-token-value-123', API_TOKEN: 'short-secret', ENCRYPTION_KEY: 'c2VjcmV0LWtleQ==' };
    const error = (() => {
      try {
        parseConfig(validEnv(badSecrets));
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    for (const value of Object.values(badSecrets)) expect(error.message).not.toContain(value);
  });
});

describe('sandboxWanted', () => {
  it('is true with no Slack setting at all outside production', () => {
    expect(sandboxWanted({})).toBe(true);
    expect(sandboxWanted({ NODE_ENV: 'development', API_TOKEN: 'x', SLACK_BOT_TOKEN: '', SLACK_APP_TOKEN: '  ' })).toBe(true);
  });

  it('is false with any Slack setting, even a wrong one, which is then validated as usual', () => {
    expect(sandboxWanted({ SLACK_BOT_TOKEN: 'not-a-token' })).toBe(false);
    expect(sandboxWanted({ SLACK_RECEIVER: 'http' })).toBe(false);
    expect(sandboxWanted({ SLACK_CLIENT_ID: '1.2' })).toBe(false);
  });

  it('is never true in production: missing settings stop the process there', () => {
    expect(sandboxWanted({ NODE_ENV: 'production' })).toBe(false);
    expect(sandboxWanted({ NODE_ENV: ' Production ' })).toBe(false);
    expect(() => parseConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
  });
});
