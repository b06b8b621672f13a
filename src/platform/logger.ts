/**
 * pino, created once in the composition root. JSON lines in production, pretty when a TTY is
 * attached. Secrets are removed twice: by key (`redact` paths, for structured fields such as
 * headers) and by value on every serialized line (for secrets that end up inside messages,
 * error texts or URLs). Secrets learnt at runtime (third-party API keys) are added with
 * `addSecret`.
 */
import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';
import pinoPretty from 'pino-pretty';

export type Logger = PinoLogger;

/** Field names whose values are never logged, at any depth pino's redaction reaches. */
const REDACTED_KEYS = [
  'authorization',
  'Authorization',
  'token',
  'botToken',
  'appToken',
  'apiToken',
  'apiKey',
  'api_key',
  'encryptionKey',
  'password',
  'secret',
  'client_secret',
  'signingSecret',
];

const REDACT_PATHS = [
  ...REDACTED_KEYS,
  ...REDACTED_KEYS.map((k) => `*.${k}`),
  ...REDACTED_KEYS.map((k) => `*.*.${k}`),
  'req.headers.authorization',
  'headers.authorization',
  'config.headers.Authorization',
];

/** Slack tokens of every kind (bot, user, app-level, refresh, config) wherever they appear. */
const SLACK_TOKEN_PATTERN = /\bx(?:ox[abeprs]|app)-[A-Za-z0-9-]+/g;
const REPLACEMENT = '[Redacted]';

export interface LoggerOptions {
  level: string;
  /** Exact values to scrub from every line (API token, encryption key, …). */
  secrets?: readonly string[];
  /** Where lines go; stdout by default (pretty when it is a TTY). */
  destination?: DestinationStream;
  /** Forces pretty output on or off; by default pretty only when stdout is a TTY. */
  pretty?: boolean;
}

/** A pino logger plus the runtime secret list its line scrubber uses. */
export interface LoggerHandle {
  logger: Logger;
  /** Registers a value that must never appear in a log line (min. 8 characters). */
  addSecret(value: string): void;
}

/** Builds the root logger. */
export function createLogger(options: LoggerOptions): LoggerHandle {
  const secrets = new Set<string>();
  const addSecret = (value: string): void => {
    // Very short values would scrub innocent text and protect nothing.
    if (value.length >= 8) {
      secrets.add(value);
      // JSON and URLs escape some characters, so also remove those spellings.
      secrets.add(JSON.stringify(value).slice(1, -1));
      secrets.add(encodeURIComponent(value));
    }
  };
  for (const secret of options.secrets ?? []) addSecret(secret);

  const scrub = (line: string): string => {
    let out = line.replace(SLACK_TOKEN_PATTERN, REPLACEMENT);
    for (const secret of secrets) {
      if (out.includes(secret)) out = out.split(secret).join(REPLACEMENT);
    }
    return out;
  };

  const pretty = options.pretty ?? (options.destination === undefined && process.stdout.isTTY === true);
  const destination = options.destination ?? (pretty ? pinoPretty({ colorize: true, sync: true }) : pino.destination({ dest: 1, sync: false }));

  const logger = pino(
    {
      level: options.level,
      redact: { paths: REDACT_PATHS, censor: REPLACEMENT },
      hooks: { streamWrite: scrub },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
      base: { pid: process.pid },
    },
    destination,
  );
  return { logger, addSecret };
}
