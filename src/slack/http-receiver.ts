/**
 * The HTTP receiver (`SLACK_RECEIVER=http`): Slack POSTs events, interactions, options and
 * slash commands to one Request URL, `POST /slack/events`, on the connector's own HTTP server.
 *
 * Bolt's `HTTPReceiver` does the Slack side: the v0 signature over the raw body with the
 * signing secret (401 when it is missing or wrong, or when `X-Slack-Request-Timestamp` is more
 * than 5 minutes old), `url_verification` challenges and `ssl_check`, form-encoded `payload=`
 * bodies, `X-Slack-Retry-Num` / `X-Slack-Retry-Reason` as `context.retryNum` / `retryReason`,
 * and the answer at `ack()` (HTTP 200, with the ack's body, e.g. a view_submission's
 * `response_action`). We mount its request listener on a raw route instead of letting it open
 * a second server, and wrap it so that it takes requests only between start and stop.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HTTPReceiver, type App, type Receiver } from '@slack/bolt';
import type { Logger } from '../platform/logger';
import type { Router } from '../platform/http/router';
import { toSlackLogger } from './bolt-logger';
import { createHttpProcessEventErrorHandler } from './error-handler';
import type { SlackReceiver } from './slack-receiver';

/** The one Request URL path for Event Subscriptions, Interactivity (and options) and slash commands. */
export const SLACK_EVENTS_PATH = '/slack/events';

/** Slack's replay window: a request signed more than 5 minutes from now, either way, is refused. */
export const SIGNATURE_MAX_AGE_SECONDS = 5 * 60;

/**
 * Bolt's HTTPReceiver without a server of its own: `handle` serves the connector's route, and
 * Bolt's start/stop open and close the door (503 outside, which Slack retries for events).
 */
class RoutedHttpReceiver implements Receiver {
  private accepting = false;

  constructor(
    private readonly inner: HTTPReceiver,
    private readonly logger: Logger,
  ) {}

  init(app: App): void {
    this.inner.init(app);
  }

  async start(): Promise<void> {
    this.accepting = true;
  }

  async stop(): Promise<void> {
    this.accepting = false;
  }

  get isAccepting(): boolean {
    return this.accepting;
  }

  /** Answers one request; resolves once the response is sent (at the ack) or the client left. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.accepting) return refuse(res, 503);
    // Bolt checks only that the timestamp is not too old; one far in the future is refused too.
    const timestamp = Number(req.headers['x-slack-request-timestamp']);
    if (Number.isFinite(timestamp) && Math.abs(Date.now() / 1000 - timestamp) > SIGNATURE_MAX_AGE_SECONDS) {
      this.logger.warn(
        { skewSeconds: Math.round(timestamp - Date.now() / 1000) },
        'Slack request refused: its timestamp is more than 5 minutes from this clock',
      );
      return refuse(res, 401);
    }
    const answered = new Promise<void>((resolve) => res.once('close', resolve));
    try {
      this.inner.requestListener(req, res);
    } catch {
      // Bolt throws for a path it does not serve (e.g. `/slack/events/`).
      return refuse(res, 404);
    }
    return answered;
  }
}

function refuse(res: ServerResponse, status: number): Promise<void> {
  res.writeHead(status);
  res.end();
  return Promise.resolve();
}

export function createHttpReceiver(options: { signingSecret: string }, logger: Logger): SlackReceiver {
  const receiver = new RoutedHttpReceiver(
    new HTTPReceiver({
      signingSecret: options.signingSecret,
      endpoints: SLACK_EVENTS_PATH,
      logger: toSlackLogger(logger, 'http-receiver'),
      // Ack first, then the listener goes on (as in Socket Mode): Slack's 3 s run from its send.
      processBeforeResponse: false,
      processEventErrorHandler: createHttpProcessEventErrorHandler(logger.child({ component: 'bolt' })),
    }),
    logger.child({ component: 'http-receiver' }),
  );
  return {
    kind: 'http',
    bolt: receiver,
    socket: undefined,
    registerRoutes(router: Router) {
      router.addRaw('POST', SLACK_EVENTS_PATH, (req, res) => receiver.handle(req, res));
    },
    explainStartError: (error) => error,
    started: () => undefined,
    stop: () => receiver.stop(),
    readiness: () => ({ ready: receiver.isAccepting, checks: { slackReceiver: 'http' } }),
  };
}
