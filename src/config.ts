/**
 * The connector's settings: the only module that reads `process.env`.
 *
 * Parsed once with zod. Every problem is reported (one line per variable, naming it and what
 * is wrong, never its value) so a newcomer fixes a bad `.env` in one pass.
 */
import path from 'node:path';
import { z } from 'zod';
import { validate as validateCron } from 'node-cron';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** How Slack's events and interactions reach the connector: Socket Mode, or HTTPS requests signed by Slack. */
export const SLACK_RECEIVERS = ['socket', 'http'] as const;

const cron = (fallback: string) =>
  z
    .string()
    .trim()
    .default(fallback)
    .refine((value) => validateCron(value), { message: 'must be a cron expression such as "0 * * * *"' });

const port = z.coerce
  .number({ message: 'must be a port number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 and 65535')
  .max(65535, 'must be between 0 and 65535');

const settingsSchema = z.object({
  SLACK_BOT_TOKEN: z
    .string()
    .trim()
    .refine((v) => v.startsWith('xoxb-'), {
      message: 'must be a bot token starting with "xoxb-" (is it the app-level token? that one goes in SLACK_APP_TOKEN)',
    })
    .optional(),
  SLACK_CLIENT_ID: z
    .string()
    .trim()
    .regex(/^\d+\.\d+$/, "must be the app's Client ID, digits.digits (Basic Information → App Credentials)")
    .optional(),
  SLACK_CLIENT_SECRET: z.string().trim().min(16, "must be the app's Client Secret (Basic Information → App Credentials)").optional(),
  SLACK_STATE_SECRET: z.string().trim().min(32, 'must be at least 32 characters (e.g. `openssl rand -base64 32`)').optional(),
  DEFAULT_WORKSPACE_ID: z
    .string()
    .trim()
    .default('default')
    .pipe(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit')),
  INSTALL_DISCLAIMER: z.string().trim().max(4_000, 'must be at most 4,000 characters').optional(),
  PUBLIC_URL: z
    .string()
    .trim()
    .pipe(z.url({ protocol: /^https?$/, message: "must be an http(s) URL where admins' browsers reach the connector" }))
    .transform((v) => v.replace(/\/+$/, ''))
    .optional(),
  SLACK_RECEIVER: z
    .string()
    .trim()
    .toLowerCase()
    .default('socket')
    .pipe(z.enum(SLACK_RECEIVERS, { message: 'must be socket (Socket Mode, the default) or http (HTTPS Request URLs with request signing)' })),
  // Required in Socket Mode only: see crossSettingProblems.
  SLACK_APP_TOKEN: z
    .string()
    .trim()
    .refine((v) => v.startsWith('xapp-'), {
      message: 'must be an app-level token starting with "xapp-" (is it the bot token? that one goes in SLACK_BOT_TOKEN)',
    })
    .optional(),
  // Required with SLACK_RECEIVER=http only: see crossSettingProblems.
  SLACK_SIGNING_SECRET: z.string().trim().min(16, "must be the app's Signing Secret (Basic Information → App Credentials)").optional(),
  SLACK_API_URL: z
    .string()
    .trim()
    .default('https://slack.com/api/')
    .pipe(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL such as https://slack.com/api/' }))
    // The SDK joins method names onto the base, so it must end with a slash.
    .transform((v) => (v.endsWith('/') ? v : `${v}/`)),
  MONGODB_URI: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v === '' ? undefined : v))
    .refine((v) => v === undefined || /^mongodb(\+srv)?:\/\//.test(v), {
      message: 'must start with mongodb:// or mongodb+srv://',
    }),
  MONGODB_DB: z
    .string()
    .trim()
    .default('pigment_slack')
    .refine((v) => /^[A-Za-z0-9_-]{1,63}$/.test(v), {
      message: 'must be 1-63 letters, digits, "_" or "-"',
    }),
  DATA_DIR: z.string().trim().min(1, 'must not be empty').default('./data'),
  HTTP_HOST: z.string().trim().min(1, 'must not be empty').default('127.0.0.1'),
  HTTP_PORT: port.default(3000),
  API_TOKEN: z.string({ message: 'is required (the bearer token for /api/*)' }).min(32, 'must be at least 32 characters'),
  PIGMENT_BASE_URL: z
    .string()
    .trim()
    .pipe(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }))
    .transform((v) => v.replace(/\/+$/, ''))
    .optional(),
  ENCRYPTION_KEY: z
    .string({ message: 'is required (32 random bytes, base64: `openssl rand -base64 32`)' })
    .trim()
    .refine((v) => /^[A-Za-z0-9+/]+={0,2}$/.test(v) && Buffer.from(v, 'base64').length === 32, {
      message: 'must be 32 bytes encoded in base64 (`openssl rand -base64 32`)',
    }),
  MAPPING_CRON: cron('0 * * * *'),
  PROVISIONING_CRON: cron('0 3 * * *'),
  IMPORT_CRON: cron('30 * * * *'),
  ASHBY_API_URL: z
    .string()
    .trim()
    .default('https://api.ashbyhq.com')
    .pipe(z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }))
    .transform((v) => v.replace(/\/+$/, '')),
  NOTIFICATION_WAIT_HOURS: z.coerce
    .number({ message: 'must be a number of hours' })
    .positive('must be more than 0')
    .max(720, 'must be at most 720 (30 days)')
    .default(24),
  NOTIFICATION_RETENTION_DAYS: z.coerce
    .number({ message: 'must be a number of days' })
    .int('must be a whole number of days')
    .min(1, 'must be at least 1')
    .max(3650, 'must be at most 3650')
    .default(30),
  DELIVERY_MAX_ATTEMPTS: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be between 1 and 20')
    .max(20, 'must be between 1 and 20')
    .default(5),
  DELIVERY_CONCURRENCY: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be between 1 and 64')
    .max(64, 'must be between 1 and 64')
    .default(8),
  LOG_LEVEL: z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
});

type Settings = z.infer<typeof settingsSchema>;

const OAUTH_SETTINGS = ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET'] as const;

/**
 * Rules across settings: how Slack is reached (a bot token, OAuth, or both; Socket Mode or
 * HTTP) and what each needs. Read from what is present, so they are reported with every other
 * problem at once.
 */
function crossSettingProblems(present: (name: SettingName) => boolean, value: (name: SettingName) => string | undefined): string[] {
  const problems: string[] = [];
  // A malformed SLACK_RECEIVER is reported by the schema; nothing is asked of it here.
  const receiver = value('SLACK_RECEIVER')?.trim().toLowerCase() ?? 'socket';
  if (receiver === 'socket' && !present('SLACK_APP_TOKEN')) {
    problems.push('SLACK_APP_TOKEN is required in Socket Mode (the app-level token, xapp-…), unless SLACK_RECEIVER=http receives over HTTPS');
  }
  if (receiver === 'http' && !present('SLACK_SIGNING_SECRET')) {
    problems.push("SLACK_SIGNING_SECRET is required with SLACK_RECEIVER=http (the app's Signing Secret, Basic Information → App Credentials)");
  }
  const oauthGiven = OAUTH_SETTINGS.filter(present);
  if (oauthGiven.length > 0 && oauthGiven.length < OAUTH_SETTINGS.length) {
    for (const name of OAUTH_SETTINGS.filter((n) => !present(n))) {
      problems.push(`${name} is required with ${oauthGiven.join(' and ')} (OAuth installs need all three)`);
    }
  }
  if (!present('SLACK_BOT_TOKEN') && oauthGiven.length === 0) {
    problems.push(
      'SLACK_BOT_TOKEN is required (the bot token, xoxb-…) unless SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET are set for OAuth installs',
    );
  }
  if (present('SLACK_BOT_TOKEN') && !present('PIGMENT_BASE_URL')) {
    problems.push('PIGMENT_BASE_URL is required with SLACK_BOT_TOKEN (the platform base URL, e.g. https://acme.pigment.app)');
  }
  return problems;
}

/** Socket Mode with its app-level token, or HTTPS Request URLs with the app's signing secret. */
export type SlackReceiverSettings = { readonly kind: 'socket'; readonly appToken: string } | { readonly kind: 'http'; readonly signingSecret: string };

/** The connector's typed, frozen configuration. */
export interface Config {
  readonly slack: {
    /** The single-workspace installation (of `defaultWorkspaceId`), when set. */
    readonly botToken: string | undefined;
    /** How events and interactions arrive, with the secret that receiver needs. */
    readonly receiver: SlackReceiverSettings;
    readonly apiUrl: string;
    /** OAuth installs into any number of Slack workspaces, when set. */
    readonly oauth: { readonly clientId: string; readonly clientSecret: string; readonly stateSecret: string } | undefined;
  };
  /** Where admins' browsers reach the install pages and the OAuth redirect. */
  readonly publicUrl: string;
  /** The install page's disclaimer, one paragraph per blank-line-separated block; the default when unset. */
  readonly installDisclaimer: readonly string[] | undefined;
  /** The platform workspace the SLACK_BOT_TOKEN installation and migrated single-workspace data belong to. */
  readonly defaultWorkspaceId: string;
  readonly mongo: { readonly uri: string | undefined; readonly dbName: string };
  readonly dataDir: string;
  readonly http: { readonly host: string; readonly port: number; readonly apiToken: string };
  /** The default workspace's platform base URL (each tenant has its own `baseUrl`). */
  readonly pigmentBaseUrl: string | undefined;
  readonly encryptionKey: Buffer;
  readonly schedules: { readonly mapping: string; readonly provisioning: string; readonly imports: string };
  readonly ashbyApiUrl: string;
  readonly notifications: {
    /** How long a notification waits for its member to be mapped before it is skipped. */
    readonly mappingWaitHours: number;
    /** Delivered and skipped notifications are removed this many days after they finished. */
    readonly retentionDays: number;
    /** Transient Slack failures of one notification before it is `failed`. */
    readonly maxAttempts: number;
    /** Notifications one process delivers at a time. */
    readonly concurrency: number;
  };
  readonly logLevel: (typeof LOG_LEVELS)[number];
}

/** Thrown when settings are invalid; `problems` holds one line per variable. */
export class ConfigError extends Error {
  readonly code = 'config_invalid';
  constructor(readonly problems: string[]) {
    super(`Invalid settings:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses settings from an environment object (`process.env` by default).
 * Throws `ConfigError` listing every problem; messages never contain the values.
 */
export function parseConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return toConfig(checked(settingsSchema, env, crossSettingProblems));
}

/** Parses `env` with `schema`, or throws `ConfigError` with one line per problem (never a value). */
function checked<T>(
  schema: z.ZodType<T>,
  env: NodeJS.ProcessEnv,
  across?: (present: (name: SettingName) => boolean, value: (name: SettingName) => string | undefined) => string[],
): T {
  // Empty strings in .env mean "not set", so defaults and "is required" apply.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  const problems = result.success ? [] : result.error.issues.map((issue) => `${String(issue.path[0] ?? 'settings')} ${issue.message}`);
  if (across) {
    const value = (name: SettingName) => (typeof cleaned[name] === 'string' && cleaned[name].trim() !== '' ? cleaned[name] : undefined);
    problems.push(...across((name) => value(name) !== undefined, value));
  }
  if (problems.length > 0 || !result.success) throw new ConfigError([...new Set(problems)]);
  return result.data;
}

/** A setting's name, as written in .env or the environment. */
export type SettingName = keyof Settings;

/**
 * Parses only `names` (defaults applied): what a command-line tool that needs a few settings
 * validates, so it never asks for a token it does not use. Same messages as `parseConfig`.
 */
export function parseSettings<K extends SettingName>(names: readonly K[], env: NodeJS.ProcessEnv = process.env): Pick<Settings, K> {
  // The pick is by runtime names; the result's type is the same Pick of Settings.
  const mask = Object.fromEntries(names.map((name) => [name, true])) as Record<SettingName, true>;
  return checked(settingsSchema.pick(mask), env) as unknown as Pick<Settings, K>;
}

/** Loads `.env` (without overriding the real environment) and parses only `names`. */
export function loadSettings<K extends SettingName>(names: readonly K[], envFile = '.env'): Pick<Settings, K> {
  readEnvFile(envFile);
  return parseSettings(names, process.env);
}

/** The password inside a MongoDB URI, for the log scrubber; undefined when there is none. */
export function mongoPasswordOf(uri: string | undefined): string | undefined {
  if (!uri) return undefined;
  try {
    return decodeURIComponent(new URL(uri).password) || undefined;
  } catch {
    // mongodb+srv or unusual URIs: the scrubber still removes the tokens.
    return undefined;
  }
}

function toConfig(s: Settings): Config {
  return Object.freeze({
    slack: Object.freeze({
      botToken: s.SLACK_BOT_TOKEN,
      receiver: Object.freeze(
        s.SLACK_RECEIVER === 'http'
          ? { kind: 'http' as const, signingSecret: s.SLACK_SIGNING_SECRET! }
          : { kind: 'socket' as const, appToken: s.SLACK_APP_TOKEN! },
      ),
      apiUrl: s.SLACK_API_URL,
      oauth:
        s.SLACK_CLIENT_ID && s.SLACK_CLIENT_SECRET && s.SLACK_STATE_SECRET
          ? Object.freeze({ clientId: s.SLACK_CLIENT_ID, clientSecret: s.SLACK_CLIENT_SECRET, stateSecret: s.SLACK_STATE_SECRET })
          : undefined,
    }),
    publicUrl: s.PUBLIC_URL ?? `http://${s.HTTP_HOST.includes(':') ? `[${s.HTTP_HOST}]` : s.HTTP_HOST}:${s.HTTP_PORT}`,
    defaultWorkspaceId: s.DEFAULT_WORKSPACE_ID,
    installDisclaimer: s.INSTALL_DISCLAIMER
      ? Object.freeze(
          s.INSTALL_DISCLAIMER.split(/\n\s*\n|\\n\\n/)
            .map((p) => p.trim())
            .filter(Boolean),
        )
      : undefined,
    mongo: Object.freeze({ uri: s.MONGODB_URI, dbName: s.MONGODB_DB }),
    dataDir: path.resolve(s.DATA_DIR),
    http: Object.freeze({ host: s.HTTP_HOST, port: s.HTTP_PORT, apiToken: s.API_TOKEN }),
    pigmentBaseUrl: s.PIGMENT_BASE_URL,
    encryptionKey: Buffer.from(s.ENCRYPTION_KEY, 'base64'),
    schedules: Object.freeze({ mapping: s.MAPPING_CRON, provisioning: s.PROVISIONING_CRON, imports: s.IMPORT_CRON }),
    ashbyApiUrl: s.ASHBY_API_URL,
    notifications: Object.freeze({
      mappingWaitHours: s.NOTIFICATION_WAIT_HOURS,
      retentionDays: s.NOTIFICATION_RETENTION_DAYS,
      maxAttempts: s.DELIVERY_MAX_ATTEMPTS,
      concurrency: s.DELIVERY_CONCURRENCY,
    }),
    logLevel: s.LOG_LEVEL,
  });
}

/**
 * Every secret value in the configuration, in each spelling it may take, for the logger's
 * scrubber: tokens, the signing secret, the API token, the encryption key (as written and as re-encoded) and the
 * password of MONGODB_URI.
 */
export function secretsOf(config: Config, env: NodeJS.ProcessEnv = process.env): string[] {
  const { receiver } = config.slack;
  const secrets = [receiver.kind === 'socket' ? receiver.appToken : receiver.signingSecret, config.http.apiToken, config.encryptionKey.toString('base64')];
  if (config.slack.botToken) secrets.push(config.slack.botToken);
  if (config.slack.oauth) secrets.push(config.slack.oauth.clientSecret, config.slack.oauth.stateSecret);
  const rawKey = env.ENCRYPTION_KEY?.trim();
  if (rawKey) secrets.push(rawKey);
  const password = mongoPasswordOf(config.mongo.uri);
  if (password) secrets.push(password);
  return secrets;
}

/** Loads `.env` (without overriding the real environment) and parses it. */
export function loadConfig(envFile = '.env'): Config {
  readEnvFile(envFile);
  return parseConfig(process.env);
}

/**
 * Whether `npm start` should run the local sandbox (scripts/sandbox) instead of the
 * connector: only outside production and only when no Slack setting at all is given. Any
 * SLACK_* variable, even a wrong one, means Slack was meant, and is validated as usual; in
 * production missing settings stop the process, so a sandbox never starts by accident.
 */
export function sandboxWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NODE_ENV?.trim().toLowerCase() === 'production') return false;
  return !Object.entries(env).some(([name, value]) => name.startsWith('SLACK_') && value !== undefined && value.trim() !== '');
}

/** Loads `.env` into process.env without overriding what the environment already sets. */
export function readEnvFile(envFile = '.env'): void {
  // dotenv is imported lazily so tests that call parseConfig never read a developer's .env.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dotenv = require('dotenv') as typeof import('dotenv');
  dotenv.config({ path: envFile, quiet: true });
}
