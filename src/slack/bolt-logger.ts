/**
 * Adapts pino to the `Logger` interface of @slack/logger, which Bolt, the Web API client and
 * the Socket Mode client take, so their lines go through the same redaction.
 */
import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from '../platform/logger';

const TO_PINO: Record<LogLevel, string> = {
  [LogLevel.DEBUG]: 'debug',
  [LogLevel.INFO]: 'info',
  [LogLevel.WARN]: 'warn',
  [LogLevel.ERROR]: 'error',
};

function toSlackLevel(level: string): LogLevel {
  switch (level) {
    case 'trace':
    case 'debug':
      return LogLevel.DEBUG;
    case 'info':
      return LogLevel.INFO;
    case 'warn':
      return LogLevel.WARN;
    default:
      return LogLevel.ERROR;
  }
}

/**
 * Bolt messages that are expected in this app and would only be noise at their level.
 * Our receiver-level error handler acks every envelope whose listener failed (so nothing
 * hangs); when the listener had already acked, Bolt warns about the second ack.
 */
const EXPECTED_NOISE = [/^ack\(\) has already been called/];

/**
 * The Socket Mode client logs every incoming envelope whole at debug level. A modal's
 * `view.state` holds what people typed, third-party API keys included (Ashby connections),
 * which no log line may hold and no scrubber knows in advance: it is cut out of that line.
 */
const INCOMING_ENVELOPE = /^(Received a message on the WebSocket: |Unable to parse an incoming WebSocket message \(will ignore\): .*?, )([\s\S]*)$/;

function withoutViewState(text: string): string {
  const match = INCOMING_ENVELOPE.exec(text);
  if (!match || !match[2]!.includes('"state"')) return text;
  try {
    const envelope = JSON.parse(match[2]!) as { payload?: { view?: { state?: unknown } } };
    if (envelope.payload?.view?.state !== undefined) envelope.payload.view.state = '[Redacted]';
    return `${match[1]}${JSON.stringify(envelope)}`;
  } catch {
    // Not JSON, so nothing can be cut out of it safely: keep only that something arrived.
    return `${match[1]}[unparsed envelope redacted]`;
  }
}

/** Bolt calls its logger with loose arguments; errors keep their stack under `err`. */
function write(logger: Logger, requested: 'debug' | 'info' | 'warn' | 'error', args: unknown[]): void {
  const level = typeof args[0] === 'string' && EXPECTED_NOISE.some((p) => p.test(args[0] as string)) ? 'debug' : requested;
  const error = args.find((a): a is Error => a instanceof Error);
  const text = withoutViewState(
    args
      .filter((a) => a !== error)
      .map((a) => (typeof a === 'string' ? a : safeStringify(a)))
      .join(' '),
  );
  if (error) logger[level]({ err: error }, text || error.message);
  else logger[level](text);
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** A @slack/logger-compatible view of a pino logger. */
export function toSlackLogger(base: Logger, name = 'slack'): SlackLogger {
  let logger = base.child({ component: name });
  return {
    debug: (...args: unknown[]) => write(logger, 'debug', args),
    info: (...args: unknown[]) => write(logger, 'info', args),
    warn: (...args: unknown[]) => write(logger, 'warn', args),
    error: (...args: unknown[]) => write(logger, 'error', args),
    setLevel: (level: LogLevel) => {
      logger.level = TO_PINO[level];
    },
    getLevel: () => toSlackLevel(logger.level),
    setName: (newName: string) => {
      logger = base.child({ component: newName });
    },
  };
}
