/**
 * The whole DM's size (issue 12): for any notification the hand-off accepts, biased towards
 * the longest and most expanding inputs (every `&`, `<` and `>` escapes to 4-5 characters,
 * mentions and links are all brackets), the blocks hold at most MESSAGE_TEXT_BUDGET by the
 * emulator's own count, so Slack never answers `msg_blocks_too_long`; only the body is cut, and
 * the title, the link and the id are whole.
 */
import fc from 'fast-check';
import { MAX_MESSAGE_BLOCKS_TEXT, messageBlocksTextLength, validateBlocks } from '../../../../scripts/slack-emulator/block-kit';
import { buildNotificationMessage } from '../../../../src/features/notifications/messages';
import { NOTIFICATION_LIMITS, NOTIFICATION_SUBTYPES, NOTIFICATION_TYPES } from '../../../../src/features/notifications/notification.types';
import { blocksTextLength, MESSAGE_TEXT_BUDGET } from '../../../../src/slack/message-size';

const BASE = 'https://acme.pigment.test';

/** Text units that grow the most once escaped, and a few that do not. */
const unit = fc.constantFrom('&', '<', '>', '&amp;', '<@U123>', '<!channel>', '<https://evil.test|x>', 'a', ' ', '\n', '😀', 'ש');
/** Only what escapes to 4-5 characters: `&` alone is the worst (five times its length). */
const expanding = fc.constantFrom('&', '&', '<', '>', '&\n', '<< ');
/** Up to `max` code points, often exactly `max`: mixed text, or only the most expanding. */
const text = (max: number, min = 0) =>
  fc
    .tuple(fc.oneof(fc.constant(max), fc.integer({ min, max })), fc.boolean())
    .chain(([length, worst]) => fc.array(worst ? expanding : unit, { minLength: length, maxLength: length }))
    .map((units) => Array.from(units.join('')).slice(0, max).join(''))
    .filter((s) => s.trim().length >= min);

const notification = fc
  .record({
    type: fc.constantFrom(...NOTIFICATION_TYPES),
    pick: fc.nat(),
    id: fc.integer({ min: 1, max: NOTIFICATION_LIMITS.id }).map((n) => 'i'.repeat(n)),
    title: text(NOTIFICATION_LIMITS.title, 1),
    body: text(NOTIFICATION_LIMITS.body),
    actor: fc.option(text(NOTIFICATION_LIMITS.actorName, 1), { nil: undefined }),
    pathLength: fc.oneof(fc.constant(NOTIFICATION_LIMITS.url - BASE.length - 1), fc.nat({ max: NOTIFICATION_LIMITS.url - BASE.length - 1 })),
  })
  .map(({ type, pick, id, title, body, actor, pathLength }) => {
    const subtypes = NOTIFICATION_SUBTYPES[type];
    return {
      id,
      type,
      subtype: subtypes[pick % subtypes.length]!,
      title: title.replace(/\s+/g, ' ').trim(),
      body,
      url: `${BASE}/${'p'.repeat(pathLength)}`,
      ...(actor ? { actor: { name: actor.trim() } } : {}),
      createdAt: new Date('2026-11-22T10:00:00Z'),
    };
  });

const escaped = (body: string) =>
  body
    .replace(/&(?!(?:amp|lt|gt);)/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
const bodyOf = (blocks: unknown[]) =>
  blocks
    .filter((b): b is { type: 'section'; text: { text: string } } => (b as { type?: string }).type === 'section')
    .map((b) => b.text.text)
    .join('');

describe('notification DM size, property-based', () => {
  it('stays within the budget by the emulator’s count; only the body is cut, with an ellipsis', () => {
    expect(MESSAGE_TEXT_BUDGET).toBeLessThan(MAX_MESSAGE_BLOCKS_TEXT);
    fc.assert(
      fc.property(notification, (n) => {
        const message = buildNotificationMessage(n, { pigmentBaseUrl: BASE });
        expect(validateBlocks(message.blocks, 'message')).toEqual([]);
        const total = messageBlocksTextLength(message.blocks);
        expect(total).toBeLessThanOrEqual(MESSAGE_TEXT_BUDGET);
        // The app measures as the emulator does, so its budget means what the emulator checks.
        expect(blocksTextLength(message.blocks)).toBe(total);

        const json = JSON.stringify(message.blocks);
        expect(json).toContain(JSON.stringify({ type: 'plain_text', text: n.title, emoji: true }));
        expect(json).toContain(JSON.stringify(n.url));
        expect(json).toContain(JSON.stringify(n.id));

        // The body is whole, or it was cut (ending with "…") and the cut kept its start.
        const shown = bodyOf(message.blocks).replace(/\s/g, '');
        const full = escaped(n.body.trim()).replace(/\s/g, '');
        if (shown !== full) {
          expect(shown.endsWith('…')).toBe(true);
          expect(full.startsWith(shown.slice(0, -1))).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('cuts the body only when the whole one would not fit', () => {
    fc.assert(
      fc.property(notification, (n) => {
        const message = buildNotificationMessage(n, { pigmentBaseUrl: BASE });
        const shown = bodyOf(message.blocks);
        const cut = shown.endsWith('…') && !n.body.trim().endsWith('…');
        const withoutBody = messageBlocksTextLength(message.blocks) - Array.from(shown).length;
        const wholeBody = Array.from(escaped(n.body.trim())).length;
        expect(cut).toBe(withoutBody + wholeBody > MESSAGE_TEXT_BUDGET);
      }),
      { numRuns: 300 },
    );
  });
});
