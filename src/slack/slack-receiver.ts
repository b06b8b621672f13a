/**
 * How Slack's events and interactions reach the Bolt app: Socket Mode (the default) or HTTPS
 * requests that Slack signs (`SLACK_RECEIVER=http`, what the Slack Marketplace requires).
 *
 * Both hand every payload to the same `App.processEvent`, so authorize, middleware, listeners,
 * the ack of unhandled payloads, in-flight tracking and the ack deadline behave the same; only
 * the transport's own life differs (a socket to open, watch and close; a route to serve).
 */
import type { Receiver } from '@slack/bolt';
import type { SlackReceiverSettings } from '../config';
import type { Router } from '../platform/http/router';
import type { SocketStatus } from './socket-status';

/** What `/readyz` shows of the receiver, and whether it lets the process be ready. */
export interface ReceiverReadiness {
  ready: boolean;
  checks: Record<string, string>;
}

export interface SlackReceiver {
  readonly kind: SlackReceiverSettings['kind'];
  /** The receiver given to Bolt's `App`. */
  readonly bolt: Receiver;
  /** Socket Mode's connection state; undefined over HTTP, where there is no connection to hold. */
  readonly socket: SocketStatus | undefined;
  /** Serves the receiver's HTTP routes on the connector's server (none in Socket Mode). */
  registerRoutes(router: Router): void;
  /** Turns a failure of the first start into an error naming the setting to fix; others unchanged. */
  explainStartError(error: unknown): unknown;
  /** Called once the first start succeeded: later failures are the receiver's to log and retry. */
  started(): void;
  /** Stops taking new payloads and waits until none can arrive; listeners already running go on. */
  stop(): Promise<void>;
  readiness(): ReceiverReadiness;
}
