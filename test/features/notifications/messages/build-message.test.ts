import type { ActionsBlock, Button, ContextBlock, HeaderBlock, KnownBlock, SectionBlock } from '@slack/types';
import { MAX_MESSAGE_BLOCKS_TEXT, messageBlocksTextLength, validateBlocks } from '../../../../scripts/slack-emulator/block-kit';
import { buildNotificationMessage, type NotificationForMessage, type NotificationMessage } from '../../../../src/features/notifications/messages';
import { MESSAGE_TEXT_BUDGET } from '../../../../src/slack/message-size';

const BASE = 'https://acme.pigment.test';
const OPTIONS = { pigmentBaseUrl: BASE };
const CREATED = new Date('2024-03-05T14:03:27Z');
const DATE_TOKEN = '<!date^1709647407^{date_short_pretty} at {time}|2024-03-05 14:03 UTC>';

function notification(fields: Partial<NotificationForMessage> = {}): NotificationForMessage {
  return {
    id: 'n-1',
    type: 'conversation',
    subtype: 'comment',
    title: 'Q3 forecast: revenue assumptions',
    body: 'Can you *check* the _growth_ rate?',
    url: `${BASE}/apps/a-1/boards/b-2?comment=c-3`,
    actor: { name: 'Ada Lovelace' },
    createdAt: CREATED,
    ...fields,
  };
}

const chars = (text: string) => Array.from(text).length;
const escapedBody = (body: string) => body.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const ofType = <T extends KnownBlock['type']>(blocks: KnownBlock[], type: T) =>
  blocks.filter((b) => b.type === type) as Array<Extract<KnownBlock, { type: T }>>;
const header = (m: NotificationMessage) => (m.blocks.find((b) => b.type === 'header') as HeaderBlock).text.text;
const sections = (m: NotificationMessage) => ofType(m.blocks, 'section').map((b: SectionBlock) => b.text!.text);
const contexts = (m: NotificationMessage) => ofType(m.blocks, 'context').map((b: ContextBlock) => b.elements.map((e) => ('text' in e ? e.text : '')).join(' '));
const button = (m: NotificationMessage) => (ofType(m.blocks, 'actions')[0] as ActionsBlock).elements[0] as Button;
/** Every mrkdwn text of the message, and the fallback text (Slack parses it as mrkdwn too). */
function mrkdwnTexts(m: NotificationMessage): string[] {
  const texts: string[] = [m.text];
  JSON.stringify(m.blocks, (_key, value: unknown) => {
    if (value && typeof value === 'object' && (value as { type?: string }).type === 'mrkdwn') texts.push((value as { text: string }).text);
    return value;
  });
  return texts;
}

describe('buildNotificationMessage, per type and subtype', () => {
  const cases: Array<[NotificationForMessage['type'], string, string, string]> = [
    ['conversation', 'comment', ':speech_balloon: *New comment*', '*Ada Lovelace* commented'],
    ['conversation', 'reply', ':leftwards_arrow_with_hook: *New reply*', '*Ada Lovelace* replied'],
    ['conversation', 'mention', ':wave: *You were mentioned*', '*Ada Lovelace* mentioned you'],
    ['conversation', 'reaction', ':speech_balloon: *Conversation update*', 'By *Ada Lovelace*'],
    ['automation', 'completed', ':robot_face: *Automation completed*', 'Set up by *Ada Lovelace*'],
    ['automation', 'failed', ':warning: *Automation failed*', 'Set up by *Ada Lovelace*'],
    ['automation', 'other', ':robot_face: *Automation*', 'Set up by *Ada Lovelace*'],
    ['scheduled_import', 'completed', ':white_check_mark: *Import completed*', 'Scheduled by *Ada Lovelace*'],
    ['scheduled_import', 'failed', ':x: *Import failed*', 'Scheduled by *Ada Lovelace*'],
    ['scheduled_import', 'paused', ':inbox_tray: *Scheduled import*', 'Scheduled by *Ada Lovelace*'],
    ['async_task', 'snapshot', ':camera_with_flash: *Snapshot ready*', 'Started by *Ada Lovelace*'],
    ['async_task', 'duplication', ':card_index_dividers: *Duplication finished*', 'Started by *Ada Lovelace*'],
    ['async_task', 'other', ':gear: *Task finished*', 'Started by *Ada Lovelace*'],
  ];

  it.each(cases)('%s/%s: label, title, body, who and when, button, metadata, fallback', (type, subtype, label, byline) => {
    const n = notification({ type, subtype });
    const m = buildNotificationMessage(n, OPTIONS);

    expect(m.blocks.map((b) => b.type)).toEqual(['context', 'header', 'section', 'context', 'actions']);
    expect(contexts(m)[0]).toBe(label);
    expect(header(m)).toBe('Q3 forecast: revenue assumptions');
    expect(sections(m)).toEqual(['Can you *check* the _growth_ rate?']);
    expect(contexts(m)[1]).toBe(`${byline} · ${DATE_TOKEN}`);
    expect(button(m)).toEqual({
      type: 'button',
      action_id: 'notifications.open_in_pigment',
      text: { type: 'plain_text', text: 'Open in Pigment', emoji: true },
      url: n.url,
      value: 'n-1',
      style: 'primary',
      accessibility_label: 'Open in Pigment: Q3 forecast: revenue assumptions',
    });
    expect(m.metadata).toEqual({ event_type: 'pigment_notification', event_payload: { notification_id: 'n-1' } });
    const plainLabel = label.replace(/^:[a-z_]+: \*(.*)\*$/, '$1');
    expect(m.text).toBe(`${plainLabel}: Q3 forecast: revenue assumptions — Ada Lovelace: Can you *check* the _growth_ rate?`);
    expect(validateBlocks(m.blocks, 'message')).toEqual([]);
  });

  it('leaves out the actor when there is none, and the body section when the body is blank', () => {
    const m = buildNotificationMessage(notification({ type: 'automation', subtype: 'other', actor: undefined, body: '  \n ' }), OPTIONS);
    expect(m.blocks.map((b) => b.type)).toEqual(['context', 'header', 'context', 'actions']);
    expect(contexts(m)[1]).toBe(DATE_TOKEN);
    expect(m.text).toBe('Automation: Q3 forecast: revenue assumptions');
    expect(validateBlocks(m.blocks, 'message')).toEqual([]);
  });

  it('shows the label as the header when the title is blank, and ignores a blank actor name', () => {
    const m = buildNotificationMessage(notification({ title: ' \t', actor: { name: '   ' } }), OPTIONS);
    expect(header(m)).toBe('New comment');
    expect(contexts(m)[1]).toBe(DATE_TOKEN);
    expect(validateBlocks(m.blocks, 'message')).toEqual([]);
  });

  it('keeps the body on several lines and puts the title on one', () => {
    const m = buildNotificationMessage(notification({ title: 'Line one\nline two', body: 'First line\n\n• second\n> quoted' }), OPTIONS);
    expect(header(m)).toBe('Line one line two');
    expect(sections(m)).toEqual(['First line\n\n• second\n&gt; quoted']);
    expect(m.text).toContain('First line • second &gt; quoted');
  });
});

describe('the date', () => {
  it("is a Slack date token in the reader's time zone with a UTC fallback", () => {
    const m = buildNotificationMessage(notification({ createdAt: new Date('2023-12-31T23:59:59.999Z') }), OPTIONS);
    expect(contexts(m)[1]).toContain('<!date^1704067199^{date_short_pretty} at {time}|2023-12-31 23:59 UTC>');
  });

  it('shows a date from the future (platform clock ahead) as now', () => {
    const now = new Date('2024-03-05T14:00:00Z');
    const m = buildNotificationMessage(notification(), { ...OPTIONS, now });
    expect(contexts(m)[1]).toContain('<!date^1709647200^{date_short_pretty} at {time}|2024-03-05 14:00 UTC>');
    // A past date is shown as given.
    expect(contexts(buildNotificationMessage(notification(), { ...OPTIONS, now: new Date('2025-01-01T00:00:00Z') }))[1]).toContain(DATE_TOKEN);
  });

  it('is left out when invalid', () => {
    const m = buildNotificationMessage(notification({ createdAt: new Date(Number.NaN) }), OPTIONS);
    expect(contexts(m)[1]).toBe('*Ada Lovelace* commented');
  });
});

describe('escaping', () => {
  const hostile = '<!channel> <!here|here> <@U123> <#C123> <http://evil.test|Pigment> & <!subteam^S1>';

  it('lets no mention or link through the title, body or actor name', () => {
    const m = buildNotificationMessage(notification({ title: hostile, body: hostile, actor: { name: hostile } }), OPTIONS);
    for (const text of mrkdwnTexts(m)) {
      const withoutDate = text.split(DATE_TOKEN).join('');
      expect(withoutDate).not.toMatch(/[<>]/);
    }
    const escaped = '&lt;!channel&gt; &lt;!here|here&gt; &lt;@U123&gt; &lt;#C123&gt; &lt;http://evil.test|Pigment&gt; &amp; &lt;!subteam^S1&gt;';
    expect(sections(m)).toEqual([escaped]);
    expect(contexts(m)[1]).toBe(`*${escaped}* commented · ${DATE_TOKEN}`);
    expect(m.text).toBe(`New comment: ${escaped} — ${escaped}: ${escaped}`);
    // The header is plain_text, which Slack never parses: the title shows as typed.
    expect(header(m)).toBe(hostile);
    expect(validateBlocks(m.blocks, 'message')).toEqual([]);
  });

  it('marks mrkdwn carrying user text verbatim, so bare @channel is not parsed either', () => {
    const m = buildNotificationMessage(notification({ body: 'ping @channel', actor: { name: '@here' } }), OPTIONS);
    const sectionText = (ofType(m.blocks, 'section')[0] as SectionBlock).text;
    expect(sectionText).toEqual({ type: 'mrkdwn', text: 'ping @channel', verbatim: true });
    const who = (ofType(m.blocks, 'context')[1] as ContextBlock).elements[0];
    expect(who).toMatchObject({ type: 'mrkdwn', verbatim: true });
  });

  it('keeps entities the platform already escaped in the body readable, and escapes bare ampersands', () => {
    const m = buildNotificationMessage(notification({ body: 'R&amp;D &lt;draft&gt; & P&L &amp &copy;' }), OPTIONS);
    expect(sections(m)).toEqual(['R&amp;D &lt;draft&gt; &amp; P&amp;L &amp;amp &amp;copy;']);
  });

  it('escapes ampersands in the title and actor name as typed (they are plain text, not mrkdwn)', () => {
    const m = buildNotificationMessage(notification({ title: 'R&amp;D', actor: { name: 'Tom & Jerry' } }), OPTIONS);
    expect(m.text).toMatch(/^New comment: R&amp;amp;D — Tom &amp; Jerry: /);
    expect(contexts(m)[1]).toContain('*Tom &amp; Jerry* commented');
  });
});

describe('the link', () => {
  it('keeps a link under the base URL, with its query and fragment', () => {
    const url = `${BASE}/apps/a?x=1&y=2#c`;
    expect(button(buildNotificationMessage(notification({ url }), OPTIONS)).url).toBe(url);
    expect(
      button(buildNotificationMessage(notification({ url: 'https://pigment.test/t/acme/x' }), { pigmentBaseUrl: 'https://pigment.test/t/acme' })).url,
    ).toBe('https://pigment.test/t/acme/x');
  });

  it.each([
    ['another host', 'https://evil.test/apps'],
    ['a host that only starts like the base', 'https://acme.pigment.test.evil.test/apps'],
    ['credentials in front of another host', 'https://acme.pigment.test@evil.test/apps'],
    ['another scheme', 'javascript:alert(1)'],
    ['not a URL', 'apps/a-1'],
    ['a URL above 3,000 characters', `${BASE}/${'a'.repeat(3000)}`],
  ])('replaces %s by the base URL', (_what, url) => {
    expect(button(buildNotificationMessage(notification({ url }), OPTIONS)).url).toBe(BASE);
  });

  it('keeps a link of exactly 3,000 characters', () => {
    const url = `${BASE}/${'x'.repeat(3000 - BASE.length - 1)}`;
    expect(url).toHaveLength(3000);
    expect(button(buildNotificationMessage(notification({ url }), OPTIONS)).url).toBe(url);
  });

  it('replaces a path outside the base path by the base URL', () => {
    const options = { pigmentBaseUrl: 'https://pigment.test/t/acme' };
    expect(button(buildNotificationMessage(notification({ url: 'https://pigment.test/t/acme-evil/x' }), options)).url).toBe('https://pigment.test/t/acme');
  });
});

describe('Slack limits with the longest allowed inputs', () => {
  const emojiTitle = Array.from('👩‍👩‍👧‍👦'.repeat(30)).slice(0, 150).join('');
  const longInputs: Array<[string, Partial<NotificationForMessage>]> = [
    ['an emoji title of 150 code points', { title: Array.from('👩‍👩‍👧‍👦🚀'.repeat(40)).slice(0, 150).join('') }],
    ['an RTL title of 150 characters', { title: 'مرحبا بالعالم '.repeat(11).slice(0, 150) }],
    ['a title of 150 ampersands', { title: '&'.repeat(150) }],
    ['a body of 2,000 &<>', { body: '&<>'.repeat(667).slice(0, 2000) }],
    ['a body of 2,000 ampersands on short lines', { body: '&&&&&&&&&\n'.repeat(200) }],
    ['a body of 2,000 < with spaces', { body: '<<<< '.repeat(400) }],
    ['a body of 2,000 emoji and RTL', { body: Array.from('😀שלום '.repeat(400)).slice(0, 2000).join('') }],
    ['a URL of 3,000 characters', { url: `${BASE}/${'x'.repeat(3000 - BASE.length - 1)}` }],
    ['an actor name of 200 <&>', { actor: { name: '<&>'.repeat(67).slice(0, 200) } }],
    ['an actor name far beyond the contract', { actor: { name: '<&>'.repeat(3000) } }],
    ['an id of 200 characters', { id: 'i'.repeat(200) }],
  ];
  const types: Array<[NotificationForMessage['type'], string]> = [
    ['conversation', 'comment'],
    ['conversation', 'reply'],
    ['conversation', 'mention'],
    ['automation', 'completed'],
    ['automation', 'failed'],
    ['automation', 'other'],
    ['scheduled_import', 'completed'],
    ['scheduled_import', 'failed'],
    ['async_task', 'snapshot'],
    ['async_task', 'duplication'],
    ['async_task', 'other'],
  ];

  it.each(longInputs)("%s: every type passes Slack's checks and shows the whole body", (_what, fields) => {
    for (const [type, subtype] of types) {
      const n = notification({ type, subtype, ...fields });
      const m = buildNotificationMessage(n, OPTIONS);
      expect(validateBlocks(m.blocks, 'message')).toEqual([]);
      expect(m.blocks.length).toBeLessThanOrEqual(50);
      expect(chars(m.text)).toBeLessThanOrEqual(4000);
      expect(button(m).value).toBe(n.id);
      expect(chars(button(m).url!)).toBeLessThanOrEqual(3000);
      // The whole body is shown: no section was cut, and every character is there.
      const shown = sections(m).join('');
      expect(shown).not.toContain('…');
      const countOf = (text: string, what: string) => text.split(what).length - 1;
      expect(countOf(shown, '&lt;')).toBe(countOf(n.body, '<'));
      expect(countOf(shown, '&gt;')).toBe(countOf(n.body, '>'));
      expect(countOf(shown, '&amp;')).toBe(countOf(n.body, '&'));
      const escaped = n.body.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
      expect(shown.replace(/\s/g, '')).toBe(escaped.replace(/\s/g, ''));
    }
  });

  it('cuts a 150-code-point emoji title at the header limit without splitting a surrogate pair', () => {
    const title = '🚀'.repeat(151);
    const m = buildNotificationMessage(notification({ title }), OPTIONS);
    expect(header(m)).toBe(`${'🚀'.repeat(149)}…`);
    expect(header(buildNotificationMessage(notification({ title: '🚀'.repeat(150) }), OPTIONS))).toBe('🚀'.repeat(150));
    expect(validateBlocks(m.blocks, 'message')).toEqual([]);
  });

  it('shows an actor name of 200 characters (the hand-off limit) whole', () => {
    const name = '<&>'.repeat(67).slice(0, 200);
    const m = buildNotificationMessage(notification({ actor: { name } }), OPTIONS);
    expect(contexts(m)[1]).toBe(`*${'&lt;&amp;&gt;'.repeat(67).slice(0, -'&gt;'.length)}* commented · ${DATE_TOKEN}`);
  });

  it('cuts the fallback text and the actor name with an ellipsis, never inside an entity', () => {
    const m = buildNotificationMessage(notification({ body: '&'.repeat(2000), actor: { name: '&'.repeat(2000) } }), OPTIONS);
    expect(m.text).toMatch(/(&amp;)+…$/);
    expect(contexts(m)[1]).toMatch(/^\*(&amp;){199}…\* commented/);
  });

  it('cuts a body far beyond the contract with an ellipsis instead of being refused', () => {
    const m = buildNotificationMessage(notification({ body: '&<>'.repeat(10_000) }), OPTIONS);
    expect(validateBlocks(m.blocks, 'message')).toEqual([]);
    expect(messageBlocksTextLength(m.blocks)).toBeLessThanOrEqual(MESSAGE_TEXT_BUDGET);
    const parts = sections(m);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.length).toBeLessThanOrEqual(8);
    expect(parts.at(-1)).toMatch(/;…$/);
  });

  // Issue 12: each block within its limit, yet together past what Slack takes (msg_blocks_too_long).
  it('everything at once (title, body that escapes, actor, link, id): the body is cut, the rest is whole, and the total stays in budget', () => {
    const url = `${BASE}/${'x'.repeat(3000 - BASE.length - 1)}`;
    const body = '&<>'.repeat(667).slice(0, 2000);
    for (const [type, subtype] of types) {
      const n = notification({ type, subtype, id: 'i'.repeat(200), title: emojiTitle, body, url, actor: { name: '&'.repeat(200) } });
      const m = buildNotificationMessage(n, OPTIONS);
      expect(validateBlocks(m.blocks, 'message')).toEqual([]);
      expect(messageBlocksTextLength(m.blocks)).toBeLessThanOrEqual(MESSAGE_TEXT_BUDGET);
      expect(MESSAGE_TEXT_BUDGET).toBeLessThan(MAX_MESSAGE_BLOCKS_TEXT);
      expect(header(m)).toBe(emojiTitle);
      expect(button(m).url).toBe(url);
      expect(contexts(m)[1]).toContain(`*${'&amp;'.repeat(200)}*`);
      const shown = sections(m).join('');
      expect(shown).toMatch(/;…$/);
      expect(escapedBody(body).startsWith(shown.slice(0, -1).replace(/\s/g, ''))).toBe(true);
    }
  });
});
