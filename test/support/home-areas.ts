/**
 * Opening an area of the App Home as a person does: pressing its button in the row. The
 * choice is remembered, so a test presses once and every later publish shows that area.
 */
import type { HomeArea } from '../../src/features/home';
import { HOME_IDS } from '../../src/features/home/ids';
import { eventually, type TestConnector } from './connector';

/** Presses the area's button in `user`'s Home and waits for the Home published in answer. */
export async function openHomeArea(t: Pick<TestConnector, 'emulator'>, user: string, area: HomeArea): Promise<void> {
  const published = t.emulator.callsOf('views.publish').length;
  await t.emulator.socket.sendInteractive(
    t.emulator.interactionPayload(user, {
      type: 'block_actions',
      actions: [{ type: 'button', action_id: HOME_IDS.area(area), block_id: 'home.areas', value: area, action_ts: '1' }],
    }),
  );
  await eventually(() => (t.emulator.callsOf('views.publish').length > published ? true : undefined), 8_000, `the Home on ${area}`);
}
