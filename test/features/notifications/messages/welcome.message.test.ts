import type { ActionsBlock, Button, KnownBlock, SectionBlock } from '@slack/types';
import { formatProblems, messageBlocksTextLength, validateBlocks } from '../../../../scripts/slack-emulator/block-kit';
import { MESSAGE_TEXT_BUDGET } from '../../../../src/slack/message-size';
import {
  buildWelcomeMessage,
  NOTIFICATION_EVENT_TYPE,
  WELCOME_MESSAGE_IDS as WELCOME_IDS,
  type NotificationMessage as WelcomeMessage,
} from '../../../../src/features/notifications/messages';

const BASE = 'https://acme.pigment.test';
const build = (name: string, pigmentBaseUrl = BASE): WelcomeMessage => buildWelcomeMessage({ id: 'welcome:m-1', recipientName: name }, { pigmentBaseUrl });

const sections = (m: WelcomeMessage) => m.blocks.filter((b): b is SectionBlock => b.type === 'section');
const button = (m: WelcomeMessage) => (m.blocks.find((b): b is ActionsBlock => b.type === 'actions') as ActionsBlock).elements[0] as Button;
/** Every mrkdwn string Slack parses: section texts and the fallback. */
const mrkdwnTexts = (m: WelcomeMessage) => [...sections(m).map((s) => s.text?.text ?? ''), m.text];
const expectValid = (blocks: KnownBlock[]) => expect(formatProblems(validateBlocks(blocks, 'message'))).toEqual(formatProblems([]));

describe('buildWelcomeMessage', () => {
  it('greets the member by name, says what the app does and links to Pigment', () => {
    const m = build('Ada Lovelace');
    expectValid(m.blocks);
    const [greeting, about] = sections(m).map((s) => s.text?.text);
    expect(greeting).toBe('Hi *Ada Lovelace*, welcome to Pigment! :wave:');
    expect(about).toMatch(/direct messages/);
    expect(about).toMatch(/\*Home\* tab/);
    expect(button(m)).toMatchObject({ type: 'button', action_id: WELCOME_IDS.openPigment, url: BASE, text: { type: 'plain_text', text: 'Open Pigment' } });
    // What the delivery worker looks for in the DM's history when a send was not recorded.
    expect(m.metadata).toEqual({ event_type: NOTIFICATION_EVENT_TYPE, event_payload: { notification_id: 'welcome:m-1' } });
  });

  it('has a plain-text fallback with the name and the link', () => {
    const m = build('Ada Lovelace');
    expect(m.text).toContain('Hi Ada Lovelace, welcome to Pigment!');
    expect(m.text).toContain(`Open Pigment: ${BASE}`);
    expect(m.text).not.toMatch(/[*_]Ada/);
  });

  it('greets without a name when there is none', () => {
    const m = build('   ');
    expectValid(m.blocks);
    expect(sections(m)[0]?.text?.text).toBe('Hi, welcome to Pigment! :wave:');
    expect(m.text.startsWith('Hi, welcome to Pigment!')).toBe(true);
  });

  it.each([
    ['a mention of everyone', '<!channel> Eve'],
    ['a link with a label', '<https://evil.example|Reset your password>'],
    ['a user mention', '<@U0ADMIN001>'],
    ['entities', 'Tom &amp; Jerry &lt;b&gt;'],
  ])('escapes %s in the name', (_label, name) => {
    const m = build(name);
    expectValid(m.blocks);
    for (const text of mrkdwnTexts(m)) {
      // No control character of the name survives: every < and > Slack sees was escaped.
      expect(text).not.toMatch(/[<>]/);
      expect(text.replace(/&(amp|lt|gt);/g, '')).not.toContain('&');
    }
    expect(sections(m)[0]?.text?.text).toContain(name.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
    // verbatim: Slack does not auto-link or auto-mention words such as @here in the name.
    for (const s of sections(m)) expect(s.text).toMatchObject({ type: 'mrkdwn', verbatim: true });
  });

  it('keeps Slack limits with the longest names, cutting with an ellipsis that never splits an entity', () => {
    for (const name of ['A'.repeat(10_000), '&'.repeat(5_000), '<'.repeat(3_000), '👩‍💻'.repeat(2_000), 'line\none\ttwo '.repeat(500)]) {
      const m = build(name);
      expectValid(m.blocks);
      const greeting = sections(m)[0]?.text?.text ?? '';
      expect(Array.from(greeting).length).toBeLessThan(300);
      expect(greeting).toMatch(/…\*, welcome/);
      expect(greeting).not.toMatch(/&[a-z]{0,3}…/);
      expect(greeting).not.toMatch(/\n|\t/);
      expect(m.text.length).toBeLessThan(4_000);
      // The whole message, far below what Slack takes altogether (msg_blocks_too_long).
      expect(messageBlocksTextLength(m.blocks)).toBeLessThan(MESSAGE_TEXT_BUDGET / 10);
    }
  });

  it('stays valid with a long base url (a button url holds 3,000)', () => {
    const url = `${BASE}/${'x'.repeat(2_000)}?a=1&b=2`;
    const m = build('Ada', url);
    expectValid(m.blocks);
    expect(button(m).url).toBe(url);
    expect(m.text).toContain('?a=1&amp;b=2');
    // A link as long as a button takes (3,000) and the longest name still leave the total in budget.
    const longest = buildWelcomeMessage({ id: 'welcome:m-1', recipientName: '&'.repeat(5_000) }, { pigmentBaseUrl: `${BASE}/${'x'.repeat(2_970)}` });
    expectValid(longest.blocks);
    expect(messageBlocksTextLength(longest.blocks)).toBeLessThanOrEqual(MESSAGE_TEXT_BUDGET);
  });
});
