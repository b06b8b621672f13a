import { cutEscaped, escapeBody, linkUnder, splitEscaped } from '../../../../src/features/notifications/messages/message-text';

describe('escapeBody', () => {
  it('escapes <, > and bare &, and keeps the three entities Slack decodes', () => {
    expect(escapeBody('<!channel> a & b &amp; &lt; &gt; &quot; &#60;')).toBe('&lt;!channel&gt; a &amp; b &amp; &lt; &gt; &amp;quot; &amp;#60;');
  });

  it('leaves mrkdwn formatting alone', () => {
    expect(escapeBody('*bold* _italic_ ~strike~ `code`\n```block```')).toBe('*bold* _italic_ ~strike~ `code`\n```block```');
  });
});

describe('cutEscaped', () => {
  it('returns text that fits unchanged', () => {
    expect(cutEscaped('&amp;&amp;', 10)).toBe('&amp;&amp;');
  });

  it.each([
    [6, '&amp;…'],
    [7, '&amp;…'],
    [9, '&amp;…'],
    [10, '&amp;…'],
    [11, '&amp;&amp;…'],
    [14, '&amp;&amp;…'],
    [15, '&amp;&amp;&amp;'],
  ])('cuts to %i characters without splitting an entity', (max, expected) => {
    expect(cutEscaped('&amp;&amp;&amp;', max)).toBe(expected);
    expect(Array.from(cutEscaped('&amp;&amp;&amp;', max)).length).toBeLessThanOrEqual(max);
  });

  it('counts code points, so an emoji is never split', () => {
    expect(cutEscaped('😀😀😀', 2)).toBe('😀…');
  });
});

describe('splitEscaped', () => {
  it('prefers a line break, then a space, in the second half of a part', () => {
    expect(splitEscaped('aaaa\nbbb cc', 8, 5)).toEqual(['aaaa', 'bbb cc']);
    expect(splitEscaped('aaaa bbbbbb', 8, 5)).toEqual(['aaaa', 'bbbbbb']);
    // A break in the first half would leave a part too small: cut hard instead.
    expect(splitEscaped('a\nbbbbbbbbbbb', 8, 5)).toEqual(['a\nbbbbbb', 'bbbbb']);
  });

  it('never splits an entity on a hard cut', () => {
    expect(splitEscaped('&amp;&lt;&gt;', 7, 5)).toEqual(['&amp;', '&lt;', '&gt;']);
  });

  it('ends the last allowed part with an ellipsis when the text does not fit', () => {
    expect(splitEscaped('aaaa bbbb cccc dddd', 5, 2)).toEqual(['aaaa', 'bbbb…']);
  });

  it('drops blank parts', () => {
    expect(splitEscaped('', 5, 2)).toEqual([]);
    expect(splitEscaped('aaaa\n\n\n\n\nb', 5, 5)).toEqual(['aaaa', 'b']);
  });
});

describe('linkUnder', () => {
  it('accepts the base itself and paths below it, with or without a trailing slash on the base', () => {
    expect(linkUnder('https://p.test/t/a', 'https://p.test/t/a/')).toBe('https://p.test/t/a');
    expect(linkUnder('https://p.test/t/a/b', 'https://p.test/t/a')).toBe('https://p.test/t/a/b');
    expect(linkUnder('https://P.TEST/x', 'https://p.test')).toBe('https://P.TEST/x');
    expect(linkUnder('http://p.test/x', 'https://p.test')).toBe('https://p.test');
  });
});
