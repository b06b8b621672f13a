import { cutEscaped, escapeMrkdwn, mrkdwnText, plainText, truncate } from '../../src/slack/block-text';

describe('block text', () => {
  it('truncates by code point with an ellipsis, never splitting an emoji', () => {
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('abcd', 3)).toBe('ab…');
    expect(truncate('😀😀😀😀', 3)).toBe('😀😀…');
  });

  it('escapes the mrkdwn control characters', () => {
    expect(escapeMrkdwn('<!channel> & <@U1|x>')).toBe('&lt;!channel&gt; &amp; &lt;@U1|x&gt;');
  });

  it('keeps escaped text within the limit, even when escaping makes it grow', () => {
    const out = mrkdwnText('R&D '.repeat(1000), 2000);
    expect(Array.from(out).length).toBeLessThanOrEqual(2000);
    expect(out.endsWith('…')).toBe(true);
    // No half entity before the ellipsis.
    expect(out).not.toMatch(/&[a-z]{0,3}…$/);
  });

  it('cuts right before an entity rather than through it', () => {
    expect(cutEscaped('ab&amp;cd', 5)).toBe('ab…');
    expect(cutEscaped('ab&amp;cd', 8)).toBe('ab&amp;…');
  });

  it('flattens user text to one line', () => {
    expect(plainText('  a\n\tb  ', 10)).toBe('a b');
    expect(mrkdwnText('a\nb', 10)).toBe('a b');
  });
});
