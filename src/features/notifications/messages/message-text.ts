/**
 * Text rules of the notification DMs: escaping the platform's mrkdwn, cutting escaped text
 * without splitting an entity, splitting a long body across sections, Slack's date token and
 * the link check. Pure.
 */
const ELLIPSIS = '…';

/**
 * Escapes the platform's mrkdwn body for Slack: `<` and `>` always, `&` unless it already
 * starts one of the three entities Slack decodes (`&amp;`, `&lt;`, `&gt;`), so a body the
 * platform escaped itself stays readable instead of showing `&amp;amp;`.
 *
 * The result holds no raw `<` or `>`, so no control sequence survives: mentions
 * (`<!channel>`, `<@U123>`) and links (`<https://evil|Pigment>`) are shown as typed, as text.
 * Formatting without angle brackets (`*bold*`, `_italic_`, `~strike~`, `` `code` ``) still
 * works, and so do `>` quote lines (Slack itself stores a typed `>` as `&gt;`). The price: a
 * link the platform writes in Slack's `<url|text>` form shows as text too; the "Open in
 * Pigment" button is the way to the platform.
 */
export function escapeBody(body: string): string {
  return body
    .replace(/&(?!(?:amp|lt|gt);)/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** A cut that ended inside an entity (`&`, `&a`, `&am`, `&amp`, `&l`, `&lt`…) leaves this tail. */
const PARTIAL_ENTITY = /&[a-z]{0,3}$/;

/**
 * Cuts already-escaped text to at most `max` characters (code points), ending with "…" when
 * cut, and never inside an entity: `&amp;` is kept whole or dropped whole.
 */
export function cutEscaped(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  const kept = chars.slice(0, Math.max(0, max - 1)).join('');
  return `${kept.replace(PARTIAL_ENTITY, '')}${ELLIPSIS}`;
}

/**
 * Splits already-escaped text into parts of at most `max` characters, at most `maxParts` of
 * them; the last is cut with "…" if the text does not fit. Cuts prefer a line break, then a
 * space, in the second half of a part (mrkdwn formatting does not span lines, so a cut at a
 * line break keeps *bold* and _italic_ whole), and never split an entity.
 */
export function splitEscaped(text: string, max: number, maxParts: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest !== '') {
    const chars = Array.from(rest);
    if (chars.length <= max) {
      parts.push(rest);
      break;
    }
    if (parts.length === maxParts - 1) {
      parts.push(cutEscaped(rest, max));
      break;
    }
    const window = chars.slice(0, max).join('');
    const { end, next } = cutPoint(window);
    parts.push(window.slice(0, end));
    // The next part starts at its text, not at the blank lines between paragraphs.
    rest = rest.slice(next).replace(/^\n+/, '');
  }
  return parts.filter((part) => part.trim() !== '');
}

/** Where to end a full part (`end`) and where the next one starts (`next`), as string indices. */
function cutPoint(window: string): { end: number; next: number } {
  const half = Math.floor(window.length / 2);
  for (const separator of ['\n', ' ']) {
    const at = window.lastIndexOf(separator);
    if (at >= half) return { end: at, next: at + 1 };
  }
  const partial = PARTIAL_ENTITY.exec(window);
  const end = partial ? partial.index : window.length;
  return { end, next: end };
}

/** User text for the one-line plain-text fallback: on one line, trimmed. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Slack's limit on a button's `url`. */
export const MAX_URL_LENGTH = 3000;

/**
 * The notification's link if it is under `base` (same origin, path inside the base path) and
 * fits in a button, else `base` itself: the hand-off validates links, this is the last guard
 * before a link reaches Slack.
 */
export function linkUnder(url: string, base: string): string {
  if (Array.from(url).length > MAX_URL_LENGTH) return base;
  let link: URL;
  let root: URL;
  try {
    link = new URL(url);
    root = new URL(base);
  } catch {
    return base;
  }
  const rootPath = root.pathname.endsWith('/') ? root.pathname : `${root.pathname}/`;
  const inside = link.origin === root.origin && `${link.pathname}/`.startsWith(rootPath);
  return inside ? url : base;
}
