/**
 * The notifications part of the App Home as pure data: the settings checkboxes with the stored
 * state, the recent list (escaping, truncation, dates, statuses in words), the empty state,
 * the explanations for viewers without settings, and Slack's limits with the longest inputs.
 */
import { validateView } from '../../../../scripts/slack-emulator/block-kit';
import { HOME_BLOCK_LIMIT, renderHome } from '../../../../src/features/home/home.view';
import { NOTIFICATIONS_HOME_IDS } from '../../../../src/features/notifications/home/ids';
import {
  RECENT_NOTIFICATIONS_SHOWN,
  renderNotificationsHome,
  statusText,
  type NotificationsHomeModel,
  type RecentNotification,
} from '../../../../src/features/notifications/home/notifications-home.view';
import { preferencesFromSelection } from '../../../../src/features/notifications/home/settings.listeners';
import {
  NOTIFICATION_LIMITS,
  NOTIFICATION_TYPES,
  defaultSlackPreferences,
  type MemberPreferences,
} from '../../../../src/features/notifications/notification.types';

type Block = Record<string, any> & { type: string };

const AT = new Date('2026-03-05T14:03:27Z');

function prefs(slack: Partial<MemberPreferences['slack']> = {}, updatedAt?: Date): MemberPreferences {
  return { memberId: 'm-1', slack: { ...defaultSlackPreferences(), ...slack }, ...(updatedAt ? { updatedAt } : {}) };
}

function recent(i: number, over: Partial<RecentNotification> = {}): RecentNotification {
  return { id: `n-${i}`, type: 'conversation', title: `Title ${i}`, status: 'delivered', createdAt: new Date(AT.getTime() - i * 60_000), ...over };
}

function member(preferences: MemberPreferences, list: RecentNotification[] = []): NotificationsHomeModel {
  return { viewer: 'member', preferences, recent: list };
}

function checkboxesOf(blocks: Block[]): Record<string, any> {
  const actions = blocks.filter((b) => b.type === 'actions');
  expect(actions).toHaveLength(1);
  const element = actions[0]!.elements[0];
  expect(element).toMatchObject({ type: 'checkboxes', action_id: NOTIFICATIONS_HOME_IDS.settings });
  return element;
}

/** Every section's text in the recent list, after its heading. */
function recentLines(blocks: Block[]): string[] {
  const heading = blocks.findIndex((b) => b.block_id === NOTIFICATIONS_HOME_IDS.recentBlock);
  expect(heading).toBeGreaterThan(-1);
  return blocks.slice(heading + 1).map((b) => b.text.text as string);
}

const valid = (blocks: Block[]) => expect(validateView({ type: 'home', blocks })).toEqual([]);

describe('notification settings in the App Home', () => {
  it('shows one checkbox per type with its label, ticked as stored', () => {
    const blocks = renderNotificationsHome(member(prefs({ automation: false, async_task: false }))) as Block[];
    valid(blocks);
    const checkboxes = checkboxesOf(blocks);
    expect(checkboxes.options.map((o: any) => [o.value, o.text.text])).toEqual([
      ['conversation', 'Conversations'],
      ['automation', 'Automations'],
      ['scheduled_import', 'Scheduled imports'],
      ['async_task', 'Asynchronous tasks'],
    ]);
    expect(checkboxes.initial_options.map((o: any) => o.value)).toEqual(['conversation', 'scheduled_import']);
    // Slack wants each initial option to be exactly one of the options.
    for (const initial of checkboxes.initial_options) expect(checkboxes.options).toContainEqual(initial);
  });

  it('leaves initial_options out when every type is off, and warns', () => {
    const off = Object.fromEntries(NOTIFICATION_TYPES.map((t) => [t, false]));
    const blocks = renderNotificationsHome(member(prefs(off))) as Block[];
    valid(blocks);
    expect(checkboxesOf(blocks)).not.toHaveProperty('initial_options');
    expect(JSON.stringify(blocks)).toContain('Every type is off');
  });

  it('says when the settings were saved, or that every type is on by default', () => {
    const saved = JSON.stringify(renderNotificationsHome(member(prefs({}, AT))));
    expect(saved).toContain(`Saved <!date^${AT.getTime() / 1000}^{date_short_pretty} at {time}|2026-03-05 14:03 UTC>`);
    const defaults = JSON.stringify(renderNotificationsHome(member(prefs())));
    expect(defaults).toContain('Every type is on until you change it');
    expect(defaults).not.toContain('Saved');
  });

  it('gives the settings block a new id when the stored state changes, so Slack shows the stored state', () => {
    const blockId = (p: MemberPreferences) => (renderNotificationsHome(member(p)) as Block[]).find((b) => b.type === 'actions')!.block_id as string;
    expect(blockId(prefs())).toMatch(new RegExp(`^${NOTIFICATIONS_HOME_IDS.settingsBlockPrefix.replace('.', '\\.')}\\.`));
    expect(blockId(prefs({ automation: false }))).not.toBe(blockId(prefs()));
    expect(blockId(prefs({ automation: false }))).toBe(blockId(prefs({ automation: false }, AT)));
  });

  it.each([
    ['not_member', 'not connected to a Pigment member'],
    ['not_allowed', 'deactivated'],
    ['not_connected', 'not connected to Pigment yet'],
  ] as const)('explains instead of showing checkboxes to a viewer who is %s', (viewer, expected) => {
    const blocks = renderNotificationsHome({ viewer }) as Block[];
    valid(blocks);
    const text = JSON.stringify(blocks);
    expect(text).toContain('Notification settings');
    expect(text).toContain(expected);
    expect(text).not.toContain(`${NOTIFICATIONS_HOME_IDS.settings}"`);
    expect(blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(text).not.toContain('Your recent notifications');
  });

  it('turns a selection into the whole state: ticked on, the others off', () => {
    expect(preferencesFromSelection(['automation', 'conversation'])).toEqual({
      conversation: true,
      automation: true,
      scheduled_import: false,
      async_task: false,
    });
    expect(preferencesFromSelection([])).toEqual({ conversation: false, automation: false, scheduled_import: false, async_task: false });
  });
});

describe('recent notifications in the App Home', () => {
  it('has an empty state', () => {
    const blocks = renderNotificationsHome(member(prefs(), [])) as Block[];
    valid(blocks);
    expect(JSON.stringify(blocks)).toContain('Your recent notifications');
    expect(JSON.stringify(blocks)).toContain('No notifications for you yet');
  });

  it('lists type, title, when and status, in the order given, at most ten', () => {
    const list = Array.from({ length: 12 }, (_, i) => recent(i, { type: NOTIFICATION_TYPES[i % 4]! }));
    const blocks = renderNotificationsHome(member(prefs(), list)) as Block[];
    valid(blocks);
    const lines = recentLines(blocks);
    expect(lines).toHaveLength(RECENT_NOTIFICATIONS_SHOWN);
    expect(lines[0]).toBe(
      `*Conversations* · Title 0\n<!date^${AT.getTime() / 1000}^{date_short_pretty} at {time}|2026-03-05 14:03 UTC> · :white_check_mark: Delivered`,
    );
    expect(lines[1]).toContain('*Automations* · Title 1');
    expect(lines[2]).toContain('*Scheduled imports* · Title 2');
    expect(lines[3]).toContain('*Asynchronous tasks* · Title 3');
    expect(lines.join('\n')).not.toContain('Title 10');
  });

  it('escapes titles so nobody can inject mentions or links', () => {
    const lines = recentLines(
      renderNotificationsHome(member(prefs(), [recent(0, { title: 'Hi <!channel> & <@U0BOSS0001> <https://evil.test|click>' })])) as Block[],
    );
    expect(lines[0]).toContain('Hi &lt;!channel&gt; &amp; &lt;@U0BOSS0001&gt; &lt;https://evil.test|click&gt;');
    expect(lines[0]).not.toMatch(/<!channel>|<@U0BOSS0001>|<https/);
  });

  it('stays inside Slack limits with the longest titles and errors, also in the whole Home', () => {
    const title = '&<>'.repeat(NOTIFICATION_LIMITS.title).slice(0, NOTIFICATION_LIMITS.title);
    const list = Array.from({ length: 10 }, (_, i) => recent(i, { title: `${title}\n${'🚀'.repeat(1000)}`, status: 'failed', reason: '<'.repeat(5000) }));
    const blocks = renderNotificationsHome(member(prefs({}, AT), list)) as Block[];
    valid(blocks);
    for (const line of recentLines(blocks)) {
      expect(Array.from(line).length).toBeLessThanOrEqual(3000);
      // Cut with an ellipsis, never in the middle of an entity.
      expect(line).toContain('…');
      expect(line).not.toMatch(/&[a-z]{0,3}…/);
    }
    const home = renderHome({
      workspaceName: 'Acme',
      pigmentBaseUrl: 'https://acme.pigment.test',
      sections: [[{ type: 'section', text: { type: 'mrkdwn', text: 'own status' } }], blocks as any],
    });
    expect(validateView(home)).toEqual([]);
    expect(home.blocks.length).toBeLessThanOrEqual(HOME_BLOCK_LIMIT);
    expect(JSON.stringify(home)).not.toContain('Some panels are hidden');
  });

  it.each([
    [{ status: 'queued' }, 'Waiting to be sent'],
    [{ status: 'delivering' }, 'Being sent'],
    [{ status: 'delivered' }, 'Delivered'],
    [{ status: 'skipped', reason: 'not_connected' }, 'Not sent: your Slack account was not connected to Pigment'],
    [{ status: 'skipped', reason: 'disabled_by_member' }, 'Not sent: you had turned this type off'],
    [{ status: 'skipped', reason: 'member_deactivated' }, 'Not sent: your Pigment account is deactivated'],
    [{ status: 'skipped', reason: 'workspace_disconnected' }, 'Not sent: Pigment was disconnected from this Slack workspace'],
    [{ status: 'skipped', reason: 'something_<new>' }, 'Not sent: something_&lt;new&gt;'],
    [{ status: 'skipped' }, 'Not sent: no reason recorded'],
    [{ status: 'failed', reason: 'channel_not_found' }, 'Failed (Slack error: channel_not_found)'],
    [{ status: 'failed' }, 'Failed'],
  ] as const)('says the status %j in words', (notification, expected) => {
    expect(statusText(notification)).toContain(expected);
  });
});
