/**
 * The notifications part of the App Home end to end: the real connector (Bolt, SDK, store)
 * driven through the Slack emulator. A member sees their settings as stored, unticks a type
 * and finds it stored and shown; people without settings forge the same payload and change
 * nothing; the recent list shows the member's last notifications, newest first, with status.
 */
import type { SlackView } from '../../../../scripts/slack-emulator/state';
import type { AccountType, MemberStatus } from '../../../../src/features/members/member.types';
import { NOTIFICATIONS_HOME_IDS } from '../../../../src/features/notifications/home/ids';
import {
  createNotificationRepos,
  type OutboxRepository,
  type PreferencesRepository,
  PreferencesService,
  type NotificationType,
} from '../../../../src/features/notifications';
import { eventually, startTestConnector, type TestConnector } from '../../../support/connector';
import { storeRepos } from '../../../support/store-repos';

const TEAM = { id: 'T0ACME0001', name: 'Acme', domain: 'acme' };
const MIA = 'U0MIA00001';
const NOBODY = 'U0NOBODY01';
const GONE = 'U0GONE0001';
const PAT = 'U0PAT00001';
const USERS = [
  { id: MIA, name: 'mia', profile: { email: 'mia@acme.test' } },
  { id: NOBODY, name: 'nora', profile: { email: 'nora@elsewhere.test' } },
  { id: GONE, name: 'gus', profile: { email: 'gus@acme.test' } },
  { id: PAT, name: 'pat', profile: { email: 'pat@acme.test' } },
];

type Block = Record<string, any>;
interface CheckboxOption {
  text: { type: string; text: string };
  value: string;
  description?: unknown;
}

describe('notifications in the App Home', () => {
  let t: TestConnector;
  let preferences: PreferencesRepository;
  let outbox: OutboxRepository;

  beforeEach(async () => {
    t = await startTestConnector({ emulator: { seed: { team: TEAM, users: USERS } }, label: 'notif-home' });
    ({ preferences, outbox } = createNotificationRepos(t.connector.deps));
    await member('m-mia', 'mia@acme.test');
    await member('m-gone', 'gus@acme.test', 'standard_member', 'deactivated');
    // Pat is in the directory (found by email) but not connected.
    await member('m-pat', 'pat@acme.test');
    await member('m-other', 'other@acme.test');
    await mapping('m-mia', MIA, 'mia@acme.test');
    await mapping('m-gone', GONE, 'gus@acme.test');
  });
  afterEach(() => t?.stop());

  async function member(id: string, email: string, accountType: AccountType = 'standard_member', status: MemberStatus = 'activated'): Promise<void> {
    const saved = await storeRepos(t.connector.store.db).members.save(
      { id, name: id, email, emailKey: email, accountType, status, groups: [], source: 'api' },
      new Date(),
    );
    if (!saved.ok) throw new Error(`seed ${id} failed`);
  }

  async function mapping(memberId: string, slackUserId: string, slackEmail: string): Promise<void> {
    const saved = await storeRepos(t.connector.store.db).mappings.save({ memberId, slackUserId, source: 'auto', slackEmail, active: true }, new Date());
    if (!saved.ok) throw new Error(`mapping ${memberId} failed`);
  }

  const publishesTo = (user: string) => t.emulator.callsOf('views.publish').filter((c) => c.args.user_id === user && c.response.ok === true).length;

  /** Waits for a Home published to `user` after `before` publishes, and returns it. */
  async function nextHome(user: string, before: number): Promise<SlackView> {
    await eventually(() => (publishesTo(user) > before ? true : undefined), 10_000, `a Home published to ${user}`);
    return t.emulator.homeViewOf(user)!;
  }

  async function openHome(user: string): Promise<SlackView> {
    const before = publishesTo(user);
    await t.emulator.socket.sendEvent({ type: 'app_home_opened', user, tab: 'home', channel: 'D0HOME0001', event_ts: '1' });
    return nextHome(user, before);
  }

  function settingsOf(view: SlackView): { blockId: string; options: CheckboxOption[]; initial: CheckboxOption[] } | undefined {
    const block = (view.blocks as Block[]).find((b) => b.type === 'actions' && b.elements?.[0]?.action_id === NOTIFICATIONS_HOME_IDS.settings);
    if (!block) return undefined;
    return { blockId: block.block_id, options: block.elements[0].options, initial: block.elements[0].initial_options ?? [] };
  }

  /** What Slack sends when `user` ticks or unticks a box: every option ticked at that moment. */
  function changeSettings(user: string, view: SlackView | undefined, selected: CheckboxOption[], blockId = 'notifications.settings_block.1111') {
    return t.emulator.socket.sendInteractive(
      t.emulator.interactionPayload(user, {
        type: 'block_actions',
        container: { type: 'view', view_id: view?.id ?? 'V0HOME0001' },
        ...(view ? { view } : {}),
        actions: [{ type: 'checkboxes', action_id: NOTIFICATIONS_HOME_IDS.settings, block_id: blockId, selected_options: selected, action_ts: '1' }],
      }),
    );
  }

  const option = (value: NotificationType, text: string): CheckboxOption => ({ text: { type: 'plain_text', text }, value });
  const settled = () => eventually(() => (t.connector.slack.inFlight.size === 0 ? true : undefined), 10_000, 'listeners to finish');
  const storedPreferences = () => t.connector.store.db.collection('member_preferences').find({}).sort({ _id: 1 }).toArray();

  it('shows every member one checkbox per type, ticked as stored', async () => {
    await preferences.set('m-mia', { automation: false }, new Date());
    const settings = settingsOf(await openHome(MIA));
    expect(settings?.options.map((o) => o.text.text)).toEqual(['Conversations', 'Automations', 'Scheduled imports', 'Asynchronous tasks']);
    expect(settings?.initial.map((o) => o.value)).toEqual(['conversation', 'scheduled_import', 'async_task']);
  });

  it('explains instead of showing checkboxes to people who have no settings', async () => {
    for (const [user, expected] of [
      [NOBODY, 'not connected to a Pigment member'],
      [GONE, 'Your Pigment account is deactivated'],
      [PAT, 'not connected to Pigment yet'],
    ] as const) {
      const home = await openHome(user);
      expect(settingsOf(home)).toBeUndefined();
      expect(JSON.stringify(home.blocks)).toContain(expected);
    }
  });

  it('stores an untick through the preferences service and publishes the Home with the stored state', async () => {
    const home = await openHome(MIA);
    const settings = settingsOf(home)!;
    expect(settings.initial.map((o) => o.value)).toEqual(['conversation', 'automation', 'scheduled_import', 'async_task']);
    const service = new PreferencesService({ preferences, members: storeRepos(t.connector.store.db).members, clock: { now: () => new Date() } });

    const before = publishesTo(MIA);
    const ack = await changeSettings(
      MIA,
      home,
      settings.initial.filter((o) => o.value !== 'conversation'),
      settings.blockId,
    );
    expect(ack.envelope_id).toBeDefined();
    const stored = await eventually(
      async () => {
        const result = await service.getForMember('m-mia');
        return result.ok && !result.preferences.slack.conversation ? result.preferences : undefined;
      },
      10_000,
      'conversation stored as off',
    );
    expect(stored.slack).toEqual({ conversation: false, automation: true, scheduled_import: true, async_task: true });

    const republished = settingsOf(await nextHome(MIA, before))!;
    expect(republished.initial.map((o) => o.value)).toEqual(['automation', 'scheduled_import', 'async_task']);
    // A new block for the new state, so Slack shows what is stored.
    expect(republished.blockId).not.toBe(settings.blockId);
    expect(JSON.stringify(t.emulator.homeViewOf(MIA)!.blocks)).toContain(':white_check_mark: Saved <!date^');

    // Ticking it again turns it back on.
    const again = publishesTo(MIA);
    await changeSettings(MIA, t.emulator.homeViewOf(MIA), [...republished.initial, settings.options[0]!], republished.blockId);
    expect(settingsOf(await nextHome(MIA, again))!.initial.map((o) => o.value)).toEqual(['conversation', 'automation', 'scheduled_import', 'async_task']);
    expect((await preferences.get('m-mia')).slack.conversation).toBe(true);
  });

  it('changes nothing for a forged change by a Slack user who is no member, or a deactivated member', async () => {
    await preferences.set('m-gone', { automation: false }, new Date());
    const storeBefore = await storedPreferences();
    for (const user of [NOBODY, GONE]) {
      const before = publishesTo(user);
      await changeSettings(user, undefined, [option('automation', 'Automations')]);
      await settled();
      // Refused: their Home is published again and says why they have no settings.
      const home = await nextHome(user, before);
      expect(settingsOf(home)).toBeUndefined();
    }
    expect(await storedPreferences()).toEqual(storeBefore);
    expect((await preferences.get('m-gone')).slack).toEqual({ conversation: true, automation: false, scheduled_import: true, async_task: true });
    expect(t.logs.filter((line) => line.includes('notification settings change refused'))).toHaveLength(2);
  });

  it('ignores a payload it did not build (another element, an unknown type) and stores nothing', async () => {
    await changeSettings(MIA, undefined, [{ text: { type: 'plain_text', text: 'Everything' }, value: 'everything' }]);
    await t.emulator.socket.sendInteractive(
      t.emulator.interactionPayload(MIA, {
        type: 'block_actions',
        actions: [{ type: 'button', action_id: NOTIFICATIONS_HOME_IDS.settings, block_id: 'b', value: 'm-mia', action_ts: '1' }],
      }),
    );
    await settled();
    expect(await storedPreferences()).toEqual([]);
    expect(t.logs.filter((line) => line.includes('notification settings change ignored'))).toHaveLength(2);
  });

  it("lists the member's last ten notifications, newest first, with their status", async () => {
    // Dated ahead of the connector's clock: a delivery worker running in the connector never
    // finds them due, so each outcome below is the one this test sets.
    const base = Date.now() + 365 * 24 * 3_600_000;
    const at = (minute: number) => new Date(base + minute * 60_000);
    const enqueue = async (id: string, minute: number, type: NotificationType, title: string, memberId = 'm-mia') => {
      const result = await outbox.enqueue(
        { id, type, subtype: 'other', recipient: { memberId }, title, body: '', url: 'https://acme.pigment.test/x' },
        `fingerprint-${id}`,
        at(minute),
      );
      expect(result.outcome).toBe('created');
    };
    const ids: string[] = [];
    for (let i = 0; i < 8; i += 1) {
      ids.push(`n-old-${i}`);
      await enqueue(`n-old-${i}`, i, 'automation', `Old ${i}`);
    }
    await enqueue('n-delivered', 10, 'conversation', 'Ada commented <!channel>');
    await enqueue('n-skipped', 11, 'scheduled_import', 'Import finished');
    await enqueue('n-failed', 12, 'async_task', 'Snapshot ready');
    await enqueue('n-queued', 13, 'conversation', 'Newest mention');
    ids.push('n-delivered', 'n-skipped', 'n-failed', 'n-queued');

    // Mia's notifications are claimed oldest first, one at a time.
    const claim = async (id: string) => {
      const claimed = await outbox.claimNext('test-holder', 60_000, at(100));
      expect(claimed?.id).toBe(id);
    };
    for (const id of ids.filter((i) => i.startsWith('n-old-') || i === 'n-delivered')) {
      await claim(id);
      expect(await outbox.markDelivered(id, 'test-holder', { channel: 'D0MIA00001', ts: '1.000001' }, at(100))).toBe(true);
    }
    await claim('n-skipped');
    expect(await outbox.markSkipped('n-skipped', 'test-holder', 'disabled_by_member', at(100))).toBe(true);
    await claim('n-failed');
    expect(await outbox.markFailed('n-failed', 'test-holder', 'channel_not_found', at(100))).toBe(true);
    // Someone else's, which Mia's list must not show.
    await enqueue('n-someone-else', 14, 'conversation', 'Not for Mia', 'm-other');

    const home = await openHome(MIA);
    const blocks = home.blocks as Block[];
    const heading = blocks.findIndex((b) => b.block_id === NOTIFICATIONS_HOME_IDS.recentBlock);
    expect(heading).toBeGreaterThan(-1);
    const lines = blocks.slice(heading + 1, heading + 11).map((b) => String(b.text?.text));
    expect(lines).toHaveLength(10);
    expect(lines.slice(0, 5)).toEqual([
      expect.stringMatching(/^\*Conversations\* · Newest mention\n<!date\^\d+\^.*> · :hourglass_flowing_sand: Waiting to be sent$/),
      expect.stringMatching(/^\*Asynchronous tasks\* · Snapshot ready\n.* · :x: Failed \(Slack error: channel_not_found\)$/),
      expect.stringMatching(/^\*Scheduled imports\* · Import finished\n.* · :no_entry_sign: Not sent: you had turned this type off$/),
      expect.stringMatching(/^\*Conversations\* · Ada commented &lt;!channel&gt;\n.* · :white_check_mark: Delivered$/),
      expect.stringMatching(/^\*Automations\* · Old 7\n/),
    ]);
    expect(lines[0]).toContain(`<!date^${Math.floor(at(13).getTime() / 1000)}^`);
    expect(lines[9]).toContain('Old 2');
    const text = JSON.stringify(blocks);
    expect(text).not.toContain('Old 1');
    expect(text).not.toContain('Not for Mia');
  });

  it('shows the empty state to a member with no notifications', async () => {
    expect(JSON.stringify((await openHome(MIA)).blocks)).toContain('No notifications for you yet');
  });
});
