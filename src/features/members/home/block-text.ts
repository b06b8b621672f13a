/**
 * Small pure helpers for the member screens' Block Kit: text cut to Slack's limits with an
 * ellipsis, mrkdwn escaping, and the text objects every view uses.
 */
import type { MrkdwnElement, PlainTextElement } from '@slack/types';

/** Cuts `text` to at most `max` characters (code points, as Slack counts), ending with "…" when cut. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** User text for mrkdwn: on one line, escaped, then cut (the escape never splits: cut first). */
export function userText(text: string, max: number): string {
  return escapeMrkdwn(truncate(text.replace(/[\r\n\t]+/g, ' '), max));
}

export function plain(text: string, max: number): PlainTextElement {
  return { type: 'plain_text', text: truncate(text === '' ? ' ' : text, max), emoji: true };
}

export function mrkdwn(text: string, max = 3000): MrkdwnElement {
  return { type: 'mrkdwn', text: truncate(text === '' ? ' ' : text, max) };
}

/** A count with its noun, "1 member" / "3 members". */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? singular : pluralForm}`;
}
