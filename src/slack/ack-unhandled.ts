/**
 * Acknowledges the payloads no listener acknowledged. Slack shows the user an error when an
 * interaction gets no ack within 3 seconds, and Bolt sends none for a payload no listener
 * matched: a button on an App Home that an older version published, an action id this version
 * dropped, or a payload missing the fields a listener matches on.
 *
 * Bolt offers no hook for "nothing matched", and global middleware gets a copy of `ack`, so
 * we wrap `App.processEvent`, the receiver's single entry point: once the listeners finished
 * without an error and without acking, the payload is acked empty. A listener that throws is
 * left to the error handler (an empty ack would close a modal and lose what the user typed).
 */
import type { App } from '@slack/bolt';
import type { Logger } from '../platform/logger';

export function ackUnhandledPayloads(app: App, logger: Logger): void {
  const processEvent = app.processEvent.bind(app);
  app.processEvent = async (event) => {
    let acked = false;
    const ack = event.ack;
    await processEvent({
      ...event,
      ack: async (response) => {
        acked = true;
        await ack(response);
      },
    });
    if (acked) return;
    const body = event.body as { type?: unknown; actions?: Array<{ action_id?: unknown }>; view?: { callback_id?: unknown } };
    logger.info(
      { payloadType: typeof body.type === 'string' ? body.type : undefined, actionId: body.actions?.[0]?.action_id, callbackId: body.view?.callback_id },
      'no listener handled this Slack payload; acknowledged it so the user sees no error',
    );
    await ack();
  };
}
