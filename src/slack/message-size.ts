/**
 * The size of a message's blocks taken together. Beside each block's own limits, Slack refuses
 * a message whose blocks hold too much text altogether (`msg_blocks_too_long`, seen from about
 * 11,000 characters: bolt-js#2509, #2867). Slack documents neither the number nor what it
 * counts, so DMs keep well below it by the broadest count. Pure.
 */

/**
 * Most text a DM's blocks may hold, by {@link blocksTextLength}: 1,000 below the 11,000 the
 * emulator refuses, itself below the smallest total Slack was seen to refuse (11,341), so a
 * small change in how Slack counts does not turn DMs into failures.
 */
export const MESSAGE_TEXT_BUDGET = 10_000;

/** Strings that are structure (which block, which element, ids, a button's colour), not text. */
const STRUCTURAL_KEYS: ReadonlySet<string> = new Set(['type', 'block_id', 'action_id', 'style']);

/**
 * Every string in `blocks` except {@link STRUCTURAL_KEYS}'s, as sent (escaped `&amp;` is five
 * characters, a `<!date…>` token all of its characters), in code points: text objects, rich
 * text, alt texts, urls, button values and labels. The emulator counts the same way.
 */
export function blocksTextLength(blocks: unknown): number {
  let total = 0;
  const visit = (value: unknown, key: string | undefined): void => {
    if (typeof value === 'string') {
      if (key === undefined || !STRUCTURAL_KEYS.has(key)) total += Array.from(value).length;
    } else if (Array.isArray(value)) {
      for (const item of value) visit(item, undefined);
    } else if (typeof value === 'object' && value !== null) {
      for (const [childKey, child] of Object.entries(value)) visit(child, childKey);
    }
  };
  visit(blocks, undefined);
  return total;
}
