/**
 * The repeated-event middleware on the embedded store, on its own: one run per event id, and a
 * run whose listeners failed does not stop a later copy from being handled.
 */
import pino from 'pino';
import type { Context } from '@slack/bolt';
import { dropRepeatedEvents } from '../../src/slack/repeated-events';
import { systemClock } from '../../src/platform/clock';
import { openTestDatabase, type TestDatabase } from '../support/store';

describe('dropRepeatedEvents', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase('seen-events');
  });
  afterAll(() => t.dispose());

  async function deliver(eventId: string | undefined, listener: () => Promise<void>): Promise<void> {
    const middleware = dropRepeatedEvents(t.db, systemClock, pino({ level: 'silent' }));
    const body = { type: 'event_callback', ...(eventId ? { event_id: eventId } : {}), event: { type: 'user_change' } };
    await middleware({ body, context: {} as Context, next: listener } as never);
  }

  it('runs the listeners once per event id, always for payloads without one', async () => {
    let runs = 0;
    const listener = async () => void (runs += 1);
    await deliver('Ev0ONCE001', listener);
    await deliver('Ev0ONCE001', listener);
    await deliver(undefined, listener);
    await deliver(undefined, listener);
    expect(runs).toBe(3);
  });

  it('lets a later copy through when the listeners of the first one failed', async () => {
    await expect(
      deliver('Ev0FAILS001', async () => {
        throw new Error('store away');
      }),
    ).rejects.toThrow('store away');
    let handled = false;
    await deliver('Ev0FAILS001', async () => void (handled = true));
    expect(handled).toBe(true);
  });
});
