/**
 * Text for Block Kit, shared by every view: cut to Slack's limits with an ellipsis (by code
 * point, so an emoji is never split), mrkdwn control characters escaped, and the text objects
 * views build from user data.
 */
import type { MrkdwnElement, PlainTextElement } from '@slack/types';

/** Cuts `text` to at most `max` characters, ending with "…" when cut. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** User text for plain_text: on one line, trimmed, cut to `max`. */
export function plainText(text: string, max: number): string {
  return truncate(text.replace(/\s+/g, ' ').trim(), max);
}

/**
 * User text for mrkdwn: on one line and escaped, at most `max` characters AFTER escaping (an
 * `&` becomes five), cut with an ellipsis that never splits an entity such as `&amp;`.
 */
export function mrkdwnText(text: string, max: number): string {
  return cutEscaped(escapeMrkdwn(text.replace(/\s+/g, ' ').trim()), max);
}

/** Cuts already-escaped mrkdwn to `max` characters without leaving half an entity behind. */
export function cutEscaped(escaped: string, max: number): string {
  const chars = Array.from(escaped);
  if (chars.length <= max) return escaped;
  const kept = chars.slice(0, Math.max(0, max - 1)).join('');
  return `${kept.replace(/&[a-z]{0,3}$/, '')}…`;
}

/** A plain_text object; Slack refuses empty text, so empty becomes one space. */
export function plain(text: string, max: number): PlainTextElement {
  return { type: 'plain_text', text: truncate(text === '' ? ' ' : text, max), emoji: true };
}

/** A mrkdwn object of already-formatted text, cut to `max` (3000, a section's limit). */
export function mrkdwn(text: string, max = 3000): MrkdwnElement {
  return { type: 'mrkdwn', text: truncate(text === '' ? ' ' : text, max) };
}
