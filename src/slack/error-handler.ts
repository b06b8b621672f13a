/**
 * One place where every listener error ends up.
 *
 * Bolt hands a listener's error to `app.error()`; if that handler resolves, Bolt neither acks
 * nor tells the receiver, and an interaction that failed before `ack()` would leave Slack
 * waiting. So the app-level handler logs with context and rethrows, and the receiver-level
 * handler acknowledges every envelope that ended in an error. Nothing ever hangs, and each
 * error is logged exactly once.
 */
import {
  HTTPModuleFunctions,
  type App,
  type BufferedIncomingMessage,
  type CodedError,
  type ReceiverProcessEventErrorHandlerArgs,
  type SocketModeReceiverProcessEventErrorHandlerArgs,
} from '@slack/bolt';
import type { Logger } from '../platform/logger';
import type { Metrics } from '../platform/metrics';

/** Marks an error that the app-level handler has already logged. */
const LOGGED = Symbol('logged');

interface ErrorWithBody {
  error: CodedError;
  body?: Record<string, unknown>;
  context?: Record<string, unknown>;
}

/** Installs the app-level handler: log once with the payload's identifying fields, rethrow. */
export function registerErrorHandler(app: App, logger: Logger, metrics: Metrics): void {
  app.error(async (args: unknown) => {
    const { error, body } = args as ErrorWithBody;
    metrics.listenerErrors.inc({ code: error.code ?? 'unknown' });
    logger.error({ err: error.original ?? error, code: error.code, ...describePayload(body) }, 'listener failed');
    (error as unknown as Record<symbol, boolean>)[LOGGED] = true;
    throw error;
  });
}

/** The receiver-level handler: always acknowledge, so Slack never waits on a failed listener. */
export function createProcessEventErrorHandler(logger: Logger) {
  return async ({ error, event }: SocketModeReceiverProcessEventErrorHandlerArgs): Promise<boolean> => {
    if (!(error as unknown as Record<symbol, boolean>)[LOGGED]) {
      logger.error({ err: error, ...describePayload(event.body) }, 'event processing failed');
    }
    return true;
  };
}

/**
 * The same for the HTTP receiver: the envelope's ack is the HTTP answer, so an empty 200 is
 * written here unless an ack already answered (Bolt's own handler would answer 500 or 401, and
 * Slack would retry the event or show the user an error).
 */
export function createHttpProcessEventErrorHandler(logger: Logger) {
  return async ({ error, request, response }: ReceiverProcessEventErrorHandlerArgs): Promise<boolean> => {
    if (!(error as unknown as Record<symbol, boolean>)[LOGGED]) {
      logger.error({ err: error, ...describePayload(bodyOf(request)) }, 'event processing failed');
    }
    if (!response.headersSent) {
      response.writeHead(200);
      response.end();
    }
    return true;
  };
}

/** The parsed body of a request the HTTP receiver has read (it keeps the raw bytes on it). */
function bodyOf(request: ReceiverProcessEventErrorHandlerArgs['request']): Record<string, unknown> | undefined {
  try {
    return HTTPModuleFunctions.parseHTTPRequestBody(request as BufferedIncomingMessage) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** What identifies a payload in a log line, without its content (which may hold personal data). */
export function describePayload(body: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!body) return {};
  const event = body.event as Record<string, unknown> | undefined;
  const view = body.view as Record<string, unknown> | undefined;
  const actions = body.actions as Array<Record<string, unknown>> | undefined;
  return {
    payloadType: body.type,
    eventType: event?.type,
    callbackId: view?.callback_id,
    actionId: actions?.[0]?.action_id,
    command: body.command,
    userId: (body.user as Record<string, unknown> | undefined)?.id ?? body.user_id ?? event?.user,
  };
}
