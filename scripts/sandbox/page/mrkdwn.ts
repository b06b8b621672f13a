/**
 * Slack's mrkdwn as HTML (a pure function): *bold*, _italic_, ~strike~, `code`, ```blocks```,
 * > quotes, links `<url|text>`, user `<@U…>` and channel `<#C…|name>` mentions, `<!here>`,
 * and Slack's three escapes (&amp; &lt; &gt;) shown as the characters they stand for. The
 * result is HTML-escaped everywhere: nothing the app writes becomes markup.
 */
import { withEmoji } from './emoji';
import { escapeHtml } from './html';

export interface MentionNames {
  /** A user's display name for `<@U…>`; the id when unknown. */
  userName?(userId: string): string | undefined;
}

// Placeholders that cannot occur in text (control characters are not valid in mrkdwn).
const HOLD = '\u0001';
const held = (index: number) => `${HOLD}${index}${HOLD}`;

/** mrkdwn → HTML. */
export function mrkdwnToHtml(text: string, names: MentionNames = {}): string {
  const pieces: string[] = [];
  const hold = (html: string) => {
    pieces.push(html);
    return held(pieces.length - 1);
  };
  // Code first: nothing inside it is formatted.
  let work = text.replace(/```([\s\S]*?)```/g, (_, code: string) => hold(`<pre class="mk-pre">${escapeHtml(unescapeSlack(code))}</pre>`));
  work = work.replace(/`([^`\n]+)`/g, (_, code: string) => hold(`<code class="mk-code">${escapeHtml(unescapeSlack(code))}</code>`));
  work = work.replace(/<([^<>\n]+)>/g, (_, inner: string) => hold(entityHtml(inner, names)));
  let html = escapeHtml(withEmoji(unescapeSlack(work)));
  html = html
    .replace(/(^|[^\w*])\*(?=\S)([^*\n]*?\S)\*(?!\w)/g, '$1<b>$2</b>')
    .replace(/(^|[^\w_])_(?=\S)([^_\n]*?\S)_(?!\w)/g, '$1<i>$2</i>')
    .replace(/(^|[^\w~])~(?=\S)([^~\n]*?\S)~(?!\w)/g, '$1<s>$2</s>');
  html = html
    .split('\n')
    .map((line) => (line.startsWith('&gt; ') || line === '&gt;' ? `<span class="mk-quote">${line.replace(/^&gt; ?/, '')}</span>` : line))
    .join('<br>');
  return html.replace(new RegExp(`${HOLD}(\\d+)${HOLD}`, 'g'), (_, index: string) => pieces[Number(index)] ?? '');
}

/** plain_text as HTML: escapes kept as written, newlines kept. */
export function plainToHtml(text: string, emoji = true): string {
  return escapeHtml(emoji ? withEmoji(text) : text).replace(/\n/g, '<br>');
}

/** Slack's escapes, undone: the text as a person reads it. */
function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function entityHtml(inner: string, names: MentionNames): string {
  const [target = '', label] = splitOnce(inner, '|');
  if (target.startsWith('@')) {
    const id = target.slice(1);
    const name = label ?? names.userName?.(id) ?? id;
    return `<span class="mk-mention" data-user="${escapeHtml(id)}">@${escapeHtml(unescapeSlack(name))}</span>`;
  }
  if (target.startsWith('#')) {
    return `<span class="mk-mention">#${escapeHtml(unescapeSlack(label ?? target.slice(1)))}</span>`;
  }
  if (target.startsWith('!date^')) {
    // <!date^seconds^{token}|fallback>: Slack formats the time in the reader's zone; the sandbox shows it in UTC.
    const seconds = Number(target.split('^')[1]);
    const shown = Number.isFinite(seconds) ? `${new Date(seconds * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC` : (label ?? '');
    return `<time class="mk-date">${escapeHtml(shown)}</time>`;
  }
  if (target.startsWith('!')) {
    const special = target.slice(1).split('^')[0] ?? '';
    return `<span class="mk-mention">@${escapeHtml(unescapeSlack(label ?? special))}</span>`;
  }
  const url = unescapeSlack(target);
  const safe = /^(https?:|mailto:)/i.test(url) ? url : '#';
  return `<a class="mk-link" href="${escapeHtml(safe)}" target="_blank" rel="noopener">${escapeHtml(unescapeSlack(label ?? target))}</a>`;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}
