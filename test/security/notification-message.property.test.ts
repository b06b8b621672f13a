/**
 * Property-based test of the DM builders (issue 7): any notification the HTTP API accepts —
 * titles, bodies and names of emoji, right-to-left text, mrkdwn control characters, mentions,
 * links and words as long as the limits allow — gives a message within Slack's limits (as the
 * emulator checks them) in which the user's text cannot mention anyone or fake a link.
 */
import fc from 'fast-check';
import { validateBlocks } from '../../scripts/slack-emulator/block-kit';
import { buildNotificationMessage } from '../../src/features/notifications/messages';
import { NOTIFICATION_LIMITS, NOTIFICATION_SUBTYPES, NOTIFICATION_TYPES } from '../../src/features/notifications/notification.types';

const BASE = 'https://acme.pigment.test';

/** Pieces strange text is made of. */
const piece = fc.oneof(
  fc.constantFrom(
    '<!channel>',
    '<!here>',
    '<@U123>',
    '<#C1>',
    '<http://evil.test|Pigment>',
    '<!subteam^S1>',
    '&',
    '&lt;',
    '*',
    '_',
    '~',
    '`',
    '```',
    '>',
    '\n',
    ':skull:',
    '\u202E',
    '\u200F',
    'مرحبا',
    'שלום',
    '👩🏽‍💻',
    '🇫🇷',
    'é',
  ),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.nat({ max: 3_000 }).map((n) => 'w'.repeat(n)),
);
const text = (max: number, min = 0) =>
  fc
    .array(piece, { maxLength: 30 })
    .map((parts) => Array.from(parts.join('')).slice(0, max).join(''))
    .filter((s) => s.trim().length >= min);

const notification = fc
  .record({
    type: fc.constantFrom(...NOTIFICATION_TYPES),
    pick: fc.nat(),
    title: text(NOTIFICATION_LIMITS.title, 1),
    body: text(NOTIFICATION_LIMITS.body),
    actor: fc.option(text(NOTIFICATION_LIMITS.actorName, 1), { nil: undefined }),
    path: fc.oneof(
      fc.constant('/apps/a-1'),
      fc.nat({ max: 2_900 }).map((n) => `/${'p'.repeat(n)}`),
    ),
  })
  .map(({ type, pick, title, body, actor, path }) => {
    const subtypes = NOTIFICATION_SUBTYPES[type];
    return {
      id: 'n-prop',
      type,
      subtype: subtypes[pick % subtypes.length]!,
      title: title.trim(),
      body,
      url: `${BASE}${path}`,
      ...(actor ? { actor: { name: actor.trim() } } : {}),
      createdAt: new Date('2026-11-22T10:00:00Z'),
    };
  });

/** Every mrkdwn text of a message and its fallback text, without the builder's own date tokens. */
function userVisibleMrkdwn(m: { text: string; blocks: unknown }): string[] {
  const texts: string[] = [m.text];
  JSON.stringify(m.blocks, (_key, value: unknown) => {
    if (value && typeof value === 'object' && (value as { type?: string }).type === 'mrkdwn') texts.push((value as { text: string }).text);
    return value;
  });
  return texts.map((t) => t.replace(/<!date\^\d+\^[^|>]*\|[^>]*>/g, ''));
}

describe('notification messages, property-based', () => {
  it('stay within Slack limits and let no user text mention, link or break out', () => {
    fc.assert(
      fc.property(notification, (n) => {
        const message = buildNotificationMessage(n, { pigmentBaseUrl: BASE });
        expect(validateBlocks(message.blocks, 'message')).toEqual([]);
        expect(message.text.length).toBeGreaterThan(0);
        // `<` opens every Slack mention and link; user text must reach Slack only escaped.
        for (const shown of userVisibleMrkdwn(message)) expect(shown).not.toContain('<');
        const button = JSON.stringify(message.blocks).includes(JSON.stringify(n.url));
        expect(button).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
