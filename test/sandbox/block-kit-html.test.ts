/**
 * The sandbox page's Block Kit renderer: every block and element the connector uses is drawn,
 * mrkdwn is formatted and always escaped, and anything unknown is a labelled box.
 */
import { renderBlocks } from '../../scripts/sandbox/page/block-kit-html';
import { mrkdwnToHtml } from '../../scripts/sandbox/page/mrkdwn';

const plain = (text: string) => ({ type: 'plain_text', text });
const md = (text: string) => ({ type: 'mrkdwn', text });
const option = (text: string, value: string) => ({ text: plain(text), value });

describe('mrkdwn', () => {
  it('formats bold, italic, strike and code', () => {
    expect(mrkdwnToHtml('*bold* _italic_ ~gone~ `x < y`')).toBe('<b>bold</b> <i>italic</i> <s>gone</s> <code class="mk-code">x &lt; y</code>');
  });

  it('shows Slack escapes as the characters they stand for, HTML-escaped', () => {
    expect(mrkdwnToHtml('R&amp;D &lt;b&gt;not bold&lt;/b&gt;')).toBe('R&amp;D &lt;b&gt;not bold&lt;/b&gt;');
  });

  it('never lets markup through, even unescaped', () => {
    const html = mrkdwnToHtml('<script>alert(1)</script> "quoted" \'single\'');
    expect(html).not.toContain('<script');
    expect(html).toContain('&quot;quoted&quot;');
  });

  it('draws links, with their text or their address', () => {
    expect(mrkdwnToHtml('<https://acme.pigment.app/x?a=1&amp;b=2|Open *it*>')).toBe(
      '<a class="mk-link" href="https://acme.pigment.app/x?a=1&amp;b=2" target="_blank" rel="noopener">Open *it*</a>',
    );
    expect(mrkdwnToHtml('<https://example.com>')).toContain('>https://example.com</a>');
  });

  it('refuses a javascript: link', () => {
    expect(mrkdwnToHtml('<javascript:alert(1)|click>')).toContain('href="#"');
  });

  it('names users and channels', () => {
    expect(mrkdwnToHtml('<@U0ADMIN001> in <#C0GENERAL|general>', { userName: (id) => (id === 'U0ADMIN001' ? 'alice' : undefined) })).toBe(
      '<span class="mk-mention" data-user="U0ADMIN001">@alice</span> in <span class="mk-mention">#general</span>',
    );
    expect(mrkdwnToHtml('<@U0UNKNOWN>')).toContain('@U0UNKNOWN');
  });

  it('shows dates in UTC and emoji as characters', () => {
    expect(mrkdwnToHtml('<!date^0^{date_short}|Jan 1> :white_check_mark:')).toBe('<time class="mk-date">1970-01-01 00:00 UTC</time> ✅');
  });

  it('keeps newlines and quotes', () => {
    expect(mrkdwnToHtml('one\n&gt; two')).toBe('one<br><span class="mk-quote">two</span>');
  });
});

describe('renderBlocks', () => {
  it('draws header, section with text, fields and a button accessory, context, divider and image', () => {
    const html = renderBlocks([
      { type: 'header', text: plain('Pigment for Slack') },
      {
        type: 'section',
        block_id: 's1',
        text: md('*Members*'),
        fields: [md('*Connected*\n3'), md('*Not connected*\n1')],
        accessory: { type: 'button', action_id: 'open', text: plain('Open'), value: 'v1', style: 'primary' },
      },
      { type: 'context', elements: [md('_as of now_'), { type: 'image', image_url: 'https://example.com/a.png', alt_text: 'a' }] },
      { type: 'divider' },
      { type: 'image', image_url: 'https://example.com/chart.png', alt_text: 'chart', title: plain('Chart') },
    ]);
    expect(html).toContain('<div class="bk-block bk-header">Pigment for Slack</div>');
    expect(html).toContain('<b>Members</b>');
    expect(html).toContain('<div class="bk-field"><b>Connected</b><br>3</div>');
    expect(html).toMatch(
      /<button data-kind="button" data-action-id="open" data-block-id="s1" data-dispatch="true" type="button" class="bk-el bk-button bk-button-primary" data-value="v1">Open<\/button>/,
    );
    expect(html).toContain('<i>as of now</i>');
    expect(html).toContain('<hr>');
    expect(html).toContain('src="https://example.com/chart.png" alt="chart"');
  });

  it('draws actions with buttons, overflow, static and external selects, checkboxes, radio buttons and a date picker', () => {
    const html = renderBlocks([
      {
        type: 'actions',
        block_id: 'a1',
        elements: [
          { type: 'button', action_id: 'del', text: plain('Remove'), style: 'danger', confirm: { title: plain('Sure?'), text: plain('It goes.') } },
          { type: 'overflow', action_id: 'more', options: [option('Edit', 'edit'), option('Docs', 'docs')] },
          { type: 'static_select', action_id: 'pick', options: [option('One', '1'), option('Two', '2')], initial_option: option('Two', '2') },
          { type: 'external_select', action_id: 'find', placeholder: plain('Find a user') },
          { type: 'checkboxes', action_id: 'types', options: [option('Comments', 'c'), option('Tasks', 't')], initial_options: [option('Tasks', 't')] },
          { type: 'radio_buttons', action_id: 'scope', options: [option('All', 'all'), option('Groups', 'groups')] },
          { type: 'datepicker', action_id: 'day', initial_date: '2026-12-04' },
        ],
      },
    ]);
    expect(html).toContain('bk-button-danger');
    expect(html).toContain('data-confirm="Sure?\n\nIt goes."');
    expect(html).toContain('class="bk-el bk-overflow"');
    expect(html).toContain('<option value="2" selected>Two</option>');
    expect(html).toContain('data-kind="external_select"');
    expect(html).toContain('data-external="true"');
    expect(html).toMatch(/type="checkbox" name="a1\/types" value="t" checked/);
    expect(html).toMatch(/type="radio" name="a1\/scope" value="all">/);
    expect(html).toContain('type="date" value="2026-12-04"');
  });

  it('draws input blocks with plain text, number and file inputs, and inline errors from response_action errors', () => {
    const html = renderBlocks(
      [
        { type: 'input', block_id: 'name', label: plain('Name'), element: { type: 'plain_text_input', action_id: 'v', initial_value: 'Ada' } },
        {
          type: 'input',
          block_id: 'n',
          label: plain('How many'),
          optional: true,
          element: { type: 'number_input', action_id: 'v', is_decimal_allowed: false },
        },
        { type: 'input', block_id: 'f', label: plain('CSV'), element: { type: 'file_input', action_id: 'v', filetypes: ['csv'], max_files: 1 } },
        { type: 'input', block_id: 'notes', label: plain('Notes'), element: { type: 'plain_text_input', action_id: 'v', multiline: true } },
      ],
      { errors: { name: 'Must not be <empty>' } },
    );
    expect(html).toContain('value="Ada"');
    expect(html).toContain('type="number"');
    expect(html).toContain('(optional)');
    expect(html).toContain('type="file" accept=".csv"');
    expect(html).toContain('<textarea');
    expect(html).toContain('<div class="bk-error" role="alert">Must not be &lt;empty&gt;</div>');
    expect(html).toContain('bk-has-error');
    // In input blocks a change sends nothing by itself: it goes with the submission.
    expect(html).not.toContain('data-dispatch');
  });

  it('draws what it does not know as a labelled box with its JSON, escaped', () => {
    const html = renderBlocks([
      { type: 'video', title: plain('<b>clip</b>') },
      { type: 'actions', elements: [{ type: 'workflow_button' }] },
    ]);
    expect(html).toContain('Not drawn by the sandbox: video block');
    expect(html).toContain('Not drawn by the sandbox: workflow_button element');
    expect(html).toContain('&lt;b&gt;clip&lt;/b&gt;');
    expect(html).not.toContain('<b>clip</b>');
  });

  it('escapes plain_text', () => {
    expect(renderBlocks([{ type: 'header', text: plain('<img src=x onerror=alert(1)>') }])).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});
