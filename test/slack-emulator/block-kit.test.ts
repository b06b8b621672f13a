import {
  formatProblems,
  MAX_MESSAGE_BLOCKS_TEXT,
  MAX_VIEW_BYTES,
  messageBlocksTextLength,
  validateBlocks,
  validateView,
} from '../../scripts/slack-emulator/block-kit';
import type { BlockKitProblem } from '../../scripts/slack-emulator/types';

// ---- builders: the smallest valid pieces, overridden field by field in each case ----

type Obj = Record<string, unknown>;

const plain = (text: string): Obj => ({ type: 'plain_text', text });
const mrkdwn = (text: string): Obj => ({ type: 'mrkdwn', text });
const section = (text = 'hello'): Obj => ({ type: 'section', text: mrkdwn(text) });
const divider = (): Obj => ({ type: 'divider' });
const button = (actionId = 'btn', extra: Obj = {}): Obj => ({ type: 'button', action_id: actionId, text: plain('Go'), ...extra });
const actions = (...elements: unknown[]): Obj => ({ type: 'actions', elements });
const option = (value = 'v', text: Obj = plain('Option')): Obj => ({ text, value });
const optionList = (n: number): Obj[] => Array.from({ length: n }, (_, i) => option(`v${i}`));
const staticSelect = (extra: Obj = {}): Obj => ({
  type: 'static_select',
  action_id: 'sel',
  placeholder: plain('Pick one'),
  options: optionList(2),
  ...extra,
});
const input = (element: unknown, extra: Obj = {}): Obj => ({ type: 'input', label: plain('Label'), element, ...extra });
const textInput = (actionId = 'txt'): Obj => ({ type: 'plain_text_input', action_id: actionId });
const confirm = (extra: Obj = {}): Obj => ({
  title: plain('Sure?'),
  text: plain('Really do it?'),
  confirm: plain('Yes'),
  deny: plain('No'),
  ...extra,
});
const modal = (extra: Obj = {}): Obj => ({ type: 'modal', title: plain('Title'), blocks: [section()], ...extra });
const repeat = (n: number, make: (i: number) => unknown): unknown[] => Array.from({ length: n }, (_, i) => make(i));
const chars = (n: number): string => 'a'.repeat(n);

const msg = (blocks: unknown): BlockKitProblem[] => validateBlocks(blocks, 'message');
const only = (pointer: string, message: string): BlockKitProblem[] => [{ pointer, message }];

// ---- length limits: the limit passes, one more character fails at the exact pointer ----

type Run = (text: string) => BlockKitProblem[];
const lengthCases: Array<[string, Run, number, string]> = [
  ['section text', (s) => msg([section(s)]), 3000, '/blocks/0/text/text'],
  ['section field', (s) => msg([{ type: 'section', fields: [mrkdwn('x'), plain(s)] }]), 2000, '/blocks/0/fields/1/text'],
  ['header text', (s) => msg([{ type: 'header', text: plain(s) }]), 150, '/blocks/0/text/text'],
  ['block_id', (s) => msg([divider(), { ...divider(), block_id: s }]), 255, '/blocks/1/block_id'],
  ['action_id', (s) => msg([actions(button(s))]), 255, '/blocks/0/elements/0/action_id'],
  ['input label', (s) => validateBlocks([input(textInput(), { label: plain(s) })], 'modal'), 2000, '/blocks/0/label/text'],
  ['input hint', (s) => validateBlocks([input(textInput(), { hint: plain(s) })], 'modal'), 2000, '/blocks/0/hint/text'],
  ['image block alt_text', (s) => msg([{ type: 'image', image_url: 'https://x/y.png', alt_text: s }]), 2000, '/blocks/0/alt_text'],
  ['image block image_url', (s) => msg([{ type: 'image', image_url: s, alt_text: 'a' }]), 3000, '/blocks/0/image_url'],
  [
    'image element alt_text',
    (s) => msg([{ type: 'context', elements: [{ type: 'image', image_url: 'https://x/y.png', alt_text: s }] }]),
    2000,
    '/blocks/0/elements/0/alt_text',
  ],
  ['button text', (s) => msg([actions(button('b', { text: plain(s) }))]), 75, '/blocks/0/elements/0/text/text'],
  ['button url', (s) => msg([actions(button('b', { url: s }))]), 3000, '/blocks/0/elements/0/url'],
  ['button value', (s) => msg([actions(button('b', { value: s }))]), 2000, '/blocks/0/elements/0/value'],
  ['confirm title', (s) => msg([actions(button('b', { confirm: confirm({ title: plain(s) }) }))]), 100, '/blocks/0/elements/0/confirm/title/text'],
  ['confirm text', (s) => msg([actions(button('b', { confirm: confirm({ text: plain(s) }) }))]), 300, '/blocks/0/elements/0/confirm/text/text'],
  ['confirm confirm', (s) => msg([actions(button('b', { confirm: confirm({ confirm: plain(s) }) }))]), 30, '/blocks/0/elements/0/confirm/confirm/text'],
  ['confirm deny', (s) => msg([actions(button('b', { confirm: confirm({ deny: plain(s) }) }))]), 30, '/blocks/0/elements/0/confirm/deny/text'],
  ['select placeholder', (s) => msg([actions(staticSelect({ placeholder: plain(s) }))]), 150, '/blocks/0/elements/0/placeholder/text'],
  ['text input placeholder', (s) => validateBlocks([input({ ...textInput(), placeholder: plain(s) })], 'modal'), 150, '/blocks/0/element/placeholder/text'],
  ['option text', (s) => msg([actions(staticSelect({ options: [option('v', plain(s))] }))]), 75, '/blocks/0/elements/0/options/0/text/text'],
  ['option value', (s) => msg([actions(staticSelect({ options: [option(s)] }))]), 150, '/blocks/0/elements/0/options/0/value'],
  [
    'option description',
    (s) => msg([actions(staticSelect({ options: [{ ...option(), description: plain(s) }] }))]),
    75,
    '/blocks/0/elements/0/options/0/description/text',
  ],
  [
    'option group label',
    (s) => msg([actions(staticSelect({ options: undefined, option_groups: [{ label: plain(s), options: optionList(1) }] }))]),
    75,
    '/blocks/0/elements/0/option_groups/0/label/text',
  ],
  ['modal title', (s) => validateView(modal({ title: plain(s) })), 24, '/view/title/text'],
  ['modal submit', (s) => validateView(modal({ submit: plain(s) })), 24, '/view/submit/text'],
  ['modal close', (s) => validateView(modal({ close: plain(s) })), 24, '/view/close/text'],
  ['view callback_id', (s) => validateView(modal({ callback_id: s })), 255, '/view/callback_id'],
  ['view private_metadata', (s) => validateView(modal({ private_metadata: s })), 3000, '/view/private_metadata'],
  ['view external_id', (s) => validateView(modal({ external_id: s })), 255, '/view/external_id'],
];

describe.each(lengthCases)('length limit: %s', (_name, run, max, pointer) => {
  it(`accepts exactly ${max} characters`, () => {
    expect(run(chars(max))).toEqual([]);
  });

  it(`rejects ${max + 1} characters at ${pointer}`, () => {
    expect(run(chars(max + 1))).toEqual(only(pointer, `must be less than ${max + 1} characters`));
  });
});

// ---- item-count limits: the limit passes, one more item fails at the array's pointer ----

type RunCount = (n: number) => BlockKitProblem[];
const countCases: Array<[string, RunCount, number, string]> = [
  ['message blocks', (n) => msg(repeat(n, divider)), 50, '/blocks'],
  ['modal blocks', (n) => validateBlocks(repeat(n, divider), 'modal'), 100, '/blocks'],
  ['home blocks', (n) => validateBlocks(repeat(n, divider), 'home'), 100, '/blocks'],
  ['section fields', (n) => msg([{ type: 'section', fields: repeat(n, () => mrkdwn('f')) }]), 10, '/blocks/0/fields'],
  ['context elements', (n) => msg([{ type: 'context', elements: repeat(n, () => mrkdwn('c')) }]), 10, '/blocks/0/elements'],
  ['actions elements', (n) => msg([actions(...repeat(n, (i) => button(`b${i}`)))]), 25, '/blocks/0/elements'],
  ['static_select options', (n) => msg([actions(staticSelect({ options: optionList(n) }))]), 100, '/blocks/0/elements/0/options'],
  [
    'multi_static_select option_groups',
    (n) =>
      msg([
        actions(
          staticSelect({
            type: 'multi_static_select',
            options: undefined,
            option_groups: repeat(n, (i) => ({ label: plain(`g${i}`), options: [option(`v${i}`)] })),
          }),
        ),
      ]),
    100,
    '/blocks/0/elements/0/option_groups',
  ],
  [
    'options in one option group',
    (n) => msg([actions(staticSelect({ options: undefined, option_groups: [{ label: plain('g'), options: optionList(n) }] }))]),
    100,
    '/blocks/0/elements/0/option_groups/0/options',
  ],
  ['overflow options', (n) => msg([actions({ type: 'overflow', action_id: 'o', options: optionList(n) })]), 5, '/blocks/0/elements/0/options'],
  ['checkboxes options', (n) => msg([actions({ type: 'checkboxes', action_id: 'c', options: optionList(n) })]), 10, '/blocks/0/elements/0/options'],
  ['radio_buttons options', (n) => msg([actions({ type: 'radio_buttons', action_id: 'r', options: optionList(n) })]), 10, '/blocks/0/elements/0/options'],
];

describe.each(countCases)('item limit: %s', (_name, run, max, pointer) => {
  it(`accepts exactly ${max} items`, () => {
    expect(run(max)).toEqual([]);
  });

  it(`rejects ${max + 1} items at ${pointer}`, () => {
    expect(run(max + 1)).toEqual(only(pointer, `no more than ${max} items allowed`));
  });
});

describe('minimum item counts', () => {
  it.each([
    ['context', { type: 'context', elements: [] }, '/blocks/0/elements'],
    ['actions', actions(), '/blocks/0/elements'],
    ['overflow', actions({ type: 'overflow', action_id: 'o', options: [] }), '/blocks/0/elements/0/options'],
    ['checkboxes', actions({ type: 'checkboxes', action_id: 'c', options: [] }), '/blocks/0/elements/0/options'],
    ['radio_buttons', actions({ type: 'radio_buttons', action_id: 'r', options: [] }), '/blocks/0/elements/0/options'],
  ])('rejects an empty %s list', (_name, block, pointer) => {
    expect(msg([block])).toEqual(only(pointer, 'no less than 1 items allowed'));
  });

  it('accepts a single overflow option (lower bound 1)', () => {
    expect(msg([actions({ type: 'overflow', action_id: 'o', options: optionList(1) })])).toEqual([]);
  });
});

// ---- the blocks array itself ----

describe('validateBlocks input shape', () => {
  it.each([
    ['an object', {}],
    ['null', null],
    ['undefined', undefined],
    ['a string', '[]'],
    ['a number', 3],
  ])('rejects %s instead of an array', (_name, value) => {
    expect(msg(value)).toEqual(only('/blocks', 'must provide an array'));
  });

  it('roots pointers at basePointer', () => {
    expect(validateBlocks([section('')], 'modal', '/view/blocks')).toEqual(only('/view/blocks/0/text/text', 'must be more than 0 characters'));
    expect(validateBlocks('nope', 'home', '/view/blocks')).toEqual(only('/view/blocks', 'must provide an array'));
  });

  it('accepts an empty list', () => {
    expect(msg([])).toEqual([]);
  });

  it('rejects a block that is not an object', () => {
    expect(msg([section(), null, 'divider', [divider()]])).toEqual([
      { pointer: '/blocks/1', message: 'must provide an object' },
      { pointer: '/blocks/2', message: 'must provide an object' },
      { pointer: '/blocks/3', message: 'must provide an object' },
    ]);
  });

  it('requires a block type, as a string', () => {
    expect(msg([{ text: mrkdwn('x') }, { type: 7 }])).toEqual([
      { pointer: '/blocks/0', message: "must provide a value for 'type'" },
      { pointer: '/blocks/1/type', message: 'must provide a string' },
    ]);
  });

  it("rejects unknown block types with Slack's wording", () => {
    expect(msg([section(), { type: 'sections', text: mrkdwn('x') }])).toEqual(only('/blocks/1/type', 'unsupported type: sections'));
  });

  it('does not treat Object.prototype keys as block types', () => {
    expect(msg([{ type: 'constructor' }, { type: 'toString' }])).toEqual([
      { pointer: '/blocks/0/type', message: 'unsupported type: constructor' },
      { pointer: '/blocks/1/type', message: 'unsupported type: toString' },
    ]);
  });

  it('accepts every known block type in its simplest valid form', () => {
    const blocks = [
      section(),
      { type: 'section', fields: [mrkdwn('*a*'), plain('b')] },
      { type: 'header', text: plain('Header') },
      divider(),
      { type: 'context', elements: [mrkdwn('ctx'), { type: 'image', image_url: 'https://x/y.png', alt_text: 'y' }] },
      actions(button()),
      input(staticSelect({ action_id: 'in-sel' })),
      { type: 'image', image_url: 'https://x/y.png', alt_text: 'y', title: plain('t') },
      { type: 'image', slack_file: { id: 'F123' }, alt_text: 'y' },
      { type: 'rich_text', elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: 'hi' }] }] },
      { type: 'video', title: plain('v'), video_url: 'https://x/v', thumbnail_url: 'https://x/t.png', alt_text: 'v' },
    ];
    expect(msg(blocks)).toEqual([]);
  });

  it('requires rich_text elements to be an array', () => {
    expect(msg([{ type: 'rich_text' }, { type: 'rich_text', elements: 'x' }])).toEqual([
      { pointer: '/blocks/0', message: "must provide a value for 'elements'" },
      { pointer: '/blocks/1/elements', message: 'must provide an array' },
    ]);
  });
});

// ---- ids ----

describe('block_id and action_id', () => {
  it('rejects an empty block_id and a non-string one', () => {
    expect(
      msg([
        { ...divider(), block_id: '' },
        { ...divider(), block_id: 5 },
      ]),
    ).toEqual([
      { pointer: '/blocks/0/block_id', message: 'must be more than 0 characters' },
      { pointer: '/blocks/1/block_id', message: 'must provide a string' },
    ]);
  });

  it('rejects a repeated block_id at the second occurrence', () => {
    const blocks = [
      { ...section(), block_id: 'a' },
      { ...divider(), block_id: 'b' },
      { ...divider(), block_id: 'a' },
    ];
    expect(msg(blocks)).toEqual(only('/blocks/2/block_id', '`block_id` "a" already exists'));
  });

  it('rejects a repeated action_id within one block', () => {
    expect(msg([actions(button('go'), button('go'))])).toEqual(only('/blocks/0/elements/1/action_id', '`action_id` "go" already exists'));
  });

  it('rejects a repeated action_id across blocks (section accessory, then actions, then input)', () => {
    const blocks = [{ ...section(), accessory: button('dup') }, actions(button('other'), staticSelect({ action_id: 'dup' })), input(textInput('dup'))];
    expect(validateBlocks(blocks, 'modal')).toEqual([
      { pointer: '/blocks/1/elements/1/action_id', message: '`action_id` "dup" already exists' },
      { pointer: '/blocks/2/element/action_id', message: '`action_id` "dup" already exists' },
    ]);
  });

  it('allows elements without an action_id (Slack generates one)', () => {
    expect(msg([actions({ type: 'button', text: plain('a') }, { type: 'button', text: plain('b') })])).toEqual([]);
  });

  it('keeps ids separate between calls', () => {
    expect(msg([actions(button('x'))])).toEqual([]);
    expect(msg([actions(button('x'))])).toEqual([]);
  });
});

// ---- text objects ----

describe('text objects', () => {
  it('rejects empty text (minimum 1 character)', () => {
    expect(msg([{ type: 'header', text: plain('') }])).toEqual(only('/blocks/0/text/text', 'must be more than 0 characters'));
  });

  it('accepts a single character', () => {
    expect(msg([section('x')])).toEqual([]);
  });

  it('requires the text key, as a string', () => {
    expect(
      msg([
        { type: 'section', text: { type: 'mrkdwn' } },
        { type: 'section', text: { type: 'mrkdwn', text: 3 } },
      ]),
    ).toEqual([
      { pointer: '/blocks/0/text', message: "must provide a value for 'text'" },
      { pointer: '/blocks/1/text/text', message: 'must provide a string' },
    ]);
  });

  it('rejects an unknown text type and a text that is not an object', () => {
    expect(
      msg([
        { type: 'section', text: { type: 'markdown', text: 'x' } },
        { type: 'section', text: 'plain string' },
      ]),
    ).toEqual([
      { pointer: '/blocks/0/text/type', message: 'must be a valid enum value' },
      { pointer: '/blocks/1/text', message: 'must provide an object' },
    ]);
  });

  it('allows emoji only on plain_text and verbatim only on mrkdwn', () => {
    expect(msg([section(), { type: 'section', text: { ...plain('x'), emoji: true } }])).toEqual([]);
    expect(msg([{ type: 'section', text: { ...mrkdwn('x'), verbatim: true } }])).toEqual([]);
    expect(msg([{ type: 'section', text: { ...mrkdwn('x'), emoji: true } }])).toEqual(only('/blocks/0/text', 'invalid additional property: emoji'));
    expect(msg([{ type: 'section', text: { ...plain('x'), verbatim: false } }])).toEqual(only('/blocks/0/text', 'invalid additional property: verbatim'));
  });

  it('requires emoji to be a boolean', () => {
    expect(msg([{ type: 'section', text: { ...plain('x'), emoji: 'yes' } }])).toEqual(only('/blocks/0/text/emoji', 'must provide a boolean'));
  });

  it('counts characters, not UTF-16 units (3000 emoji fit a section)', () => {
    const emoji = '😀'.repeat(3000);
    expect(emoji.length).toBe(6000);
    expect(msg([section(emoji)])).toEqual([]);
    expect(msg([section(`${emoji}😀`)])).toEqual(only('/blocks/0/text/text', 'must be less than 3001 characters'));
  });
});

// ---- blocks ----

describe('section', () => {
  it('needs text or fields', () => {
    expect(msg([{ type: 'section' }])).toEqual(only('/blocks/0', 'must define either `text` or `fields`'));
  });

  it('accepts fields without text', () => {
    expect(msg([{ type: 'section', fields: [mrkdwn('a')] }])).toEqual([]);
  });

  it('validates its accessory', () => {
    expect(msg([{ ...section(), accessory: button('a', { style: 'primary' }) }])).toEqual([]);
    expect(msg([{ ...section(), accessory: { type: 'image', image_url: 'https://x/y.png', alt_text: 'y' } }])).toEqual([]);
    expect(msg([{ ...section(), accessory: button('a', { text: plain('') }) }])).toEqual(
      only('/blocks/0/accessory/text/text', 'must be more than 0 characters'),
    );
  });

  it('rejects an accessory that a section does not take', () => {
    expect(msg([{ ...section(), accessory: textInput() }])).toEqual(only('/blocks/0/accessory/type', 'unsupported type: plain_text_input'));
    expect(msg([{ ...section(), accessory: { type: 'slider' } }])).toEqual(only('/blocks/0/accessory/type', 'unsupported type: slider'));
  });
});

describe('header', () => {
  it('requires plain_text', () => {
    expect(msg([{ type: 'header', text: mrkdwn('*bold*') }])).toEqual(only('/blocks/0/text/type', 'must be a valid enum value'));
  });

  it('requires text', () => {
    expect(msg([{ type: 'header' }])).toEqual(only('/blocks/0', "must provide a value for 'text'"));
  });
});

describe('context', () => {
  it('requires elements', () => {
    expect(msg([{ type: 'context' }])).toEqual(only('/blocks/0', "must provide a value for 'elements'"));
  });

  it('takes only text objects and images', () => {
    expect(msg([{ type: 'context', elements: [button()] }])).toEqual(only('/blocks/0/elements/0/type', 'must be a valid enum value'));
  });

  it('checks image elements inside it', () => {
    expect(msg([{ type: 'context', elements: [{ type: 'image', image_url: 'https://x/y.png' }] }])).toEqual(
      only('/blocks/0/elements/0', "must provide a value for 'alt_text'"),
    );
  });
});

describe('actions', () => {
  it('rejects elements an actions block does not take', () => {
    expect(msg([actions({ type: 'image', image_url: 'https://x/y.png', alt_text: 'y' })])).toEqual(
      only('/blocks/0/elements/0/type', 'unsupported type: image'),
    );
  });

  it('rejects an element that is not an object', () => {
    expect(msg([actions('button')])).toEqual(only('/blocks/0/elements/0', 'must provide an object'));
  });
});

describe('input', () => {
  it('requires label and element', () => {
    expect(validateBlocks([{ type: 'input' }], 'modal')).toEqual([
      { pointer: '/blocks/0', message: "must provide a value for 'label'" },
      { pointer: '/blocks/0', message: "must provide a value for 'element'" },
    ]);
  });

  it('requires a plain_text label', () => {
    expect(validateBlocks([input(textInput(), { label: mrkdwn('*x*') })], 'modal')).toEqual(only('/blocks/0/label/type', 'must be a valid enum value'));
  });

  it('requires optional to be a boolean', () => {
    expect(validateBlocks([input(textInput(), { optional: true })], 'modal')).toEqual([]);
    expect(validateBlocks([input(textInput(), { optional: 'yes' })], 'modal')).toEqual(only('/blocks/0/optional', 'must provide a boolean'));
  });

  it('accepts every input element', () => {
    const elements: Obj[] = [
      textInput('a'),
      staticSelect({ action_id: 'b' }),
      staticSelect({ type: 'multi_static_select', action_id: 'c' }),
      { type: 'users_select', action_id: 'd' },
      { type: 'multi_users_select', action_id: 'e' },
      { type: 'conversations_select', action_id: 'f' },
      { type: 'multi_conversations_select', action_id: 'g' },
      { type: 'external_select', action_id: 'h', min_query_length: 0 },
      { type: 'multi_external_select', action_id: 'i' },
      { type: 'checkboxes', action_id: 'j', options: [option('x', mrkdwn('*x*'))] },
      { type: 'radio_buttons', action_id: 'k', options: optionList(2) },
      { type: 'datepicker', action_id: 'l', placeholder: plain('When') },
      { type: 'timepicker', action_id: 'm' },
      { type: 'file_input', action_id: 'n', max_files: 3 },
      { type: 'number_input', action_id: 'o', is_decimal_allowed: false },
      { type: 'email_text_input', action_id: 'p' },
      { type: 'url_text_input', action_id: 'q' },
      { type: 'rich_text_input', action_id: 'r' },
    ];
    expect(
      validateBlocks(
        elements.map((el) => input(el)),
        'modal',
      ),
    ).toEqual([]);
  });

  it('rejects a non-input element', () => {
    expect(validateBlocks([input(button())], 'modal')).toEqual(only('/blocks/0/element/type', 'unsupported type: button'));
  });

  it('requires is_decimal_allowed on number_input', () => {
    expect(validateBlocks([input({ type: 'number_input', action_id: 'n' })], 'modal')).toEqual(
      only('/blocks/0/element', "must provide a value for 'is_decimal_allowed'"),
    );
  });
});

describe('file_input', () => {
  const fileInput = (extra: Obj = {}): Obj => input({ type: 'file_input', action_id: 'f', ...extra });

  it('is allowed in modals', () => {
    expect(validateBlocks([fileInput()], 'modal')).toEqual([]);
  });

  it.each(['message', 'home'] as const)('is rejected on %s', (surface) => {
    expect(validateBlocks([fileInput()], surface)).toEqual(only('/blocks/0/element/type', 'unsupported type: file_input'));
  });

  it('accepts max_files 1 and 10, rejects 0 and 11', () => {
    expect(validateBlocks([fileInput({ max_files: 1 })], 'modal')).toEqual([]);
    expect(validateBlocks([fileInput({ max_files: 10 })], 'modal')).toEqual([]);
    expect(validateBlocks([fileInput({ max_files: 0 })], 'modal')).toEqual(only('/blocks/0/element/max_files', 'must be greater than or equal to 1'));
    expect(validateBlocks([fileInput({ max_files: 11 })], 'modal')).toEqual(only('/blocks/0/element/max_files', 'must be less than or equal to 10'));
  });

  it('requires an integer max_files', () => {
    expect(validateBlocks([fileInput({ max_files: 2.5 })], 'modal')).toEqual(only('/blocks/0/element/max_files', 'must provide an integer'));
  });
});

describe('image block', () => {
  it('needs image_url or slack_file', () => {
    expect(msg([{ type: 'image', alt_text: 'y' }])).toEqual(only('/blocks/0', "must provide a value for 'image_url' or 'slack_file'"));
  });

  it('needs alt_text', () => {
    expect(msg([{ type: 'image', image_url: 'https://x/y.png' }])).toEqual(only('/blocks/0', "must provide a value for 'alt_text'"));
  });

  it('requires a plain_text title', () => {
    expect(msg([{ type: 'image', image_url: 'https://x/y.png', alt_text: 'y', title: mrkdwn('t') }])).toEqual(
      only('/blocks/0/title/type', 'must be a valid enum value'),
    );
  });
});

// ---- elements ----

describe('button', () => {
  it.each(['primary', 'danger'])('accepts style %s', (style) => {
    expect(msg([actions(button('b', { style }))])).toEqual([]);
  });

  it('rejects any other style', () => {
    expect(msg([actions(button('b', { style: 'secondary' }))])).toEqual(only('/blocks/0/elements/0/style', 'must be a valid enum value'));
  });

  it('requires plain_text text', () => {
    expect(msg([actions(button('b', { text: mrkdwn('*go*') }))])).toEqual(only('/blocks/0/elements/0/text/type', 'must be a valid enum value'));
    expect(msg([actions({ type: 'button', action_id: 'b' })])).toEqual(only('/blocks/0/elements/0', "must provide a value for 'text'"));
  });
});

describe('confirm dialog', () => {
  it('accepts a complete dialog', () => {
    expect(msg([actions(button('b', { confirm: confirm({ style: 'danger' }) }))])).toEqual([]);
  });

  it('requires title, text, confirm and deny', () => {
    expect(msg([actions(button('b', { confirm: {} }))])).toEqual([
      { pointer: '/blocks/0/elements/0/confirm', message: "must provide a value for 'title'" },
      { pointer: '/blocks/0/elements/0/confirm', message: "must provide a value for 'text'" },
      { pointer: '/blocks/0/elements/0/confirm', message: "must provide a value for 'confirm'" },
      { pointer: '/blocks/0/elements/0/confirm', message: "must provide a value for 'deny'" },
    ]);
  });

  it('requires plain_text for the deny button', () => {
    expect(msg([actions(button('b', { confirm: confirm({ deny: mrkdwn('no') }) }))])).toEqual(
      only('/blocks/0/elements/0/confirm/deny/type', 'must be a valid enum value'),
    );
  });

  it('must be an object', () => {
    expect(msg([actions(staticSelect({ confirm: 'sure?' }))])).toEqual(only('/blocks/0/elements/0/confirm', 'must provide an object'));
  });
});

describe('option objects', () => {
  it('require plain_text text in selects but allow mrkdwn in checkboxes and radio buttons', () => {
    expect(msg([actions(staticSelect({ options: [option('v', mrkdwn('*v*'))] }))])).toEqual(
      only('/blocks/0/elements/0/options/0/text/type', 'must be a valid enum value'),
    );
    const mrkdwnOption = { ...option('v', mrkdwn('*v*')), description: mrkdwn('_d_') };
    expect(msg([actions({ type: 'checkboxes', action_id: 'c', options: [mrkdwnOption] })])).toEqual([]);
    expect(msg([actions({ type: 'radio_buttons', action_id: 'r', options: [mrkdwnOption] })])).toEqual([]);
  });

  it('require text and value', () => {
    expect(msg([actions(staticSelect({ options: [{}] }))])).toEqual([
      { pointer: '/blocks/0/elements/0/options/0', message: "must provide a value for 'text'" },
      { pointer: '/blocks/0/elements/0/options/0', message: "must provide a value for 'value'" },
    ]);
  });

  it('allow url only in overflow menus', () => {
    const linked = { ...option(), url: 'https://example.com' };
    expect(msg([actions({ type: 'overflow', action_id: 'o', options: [linked] })])).toEqual([]);
    expect(msg([actions(staticSelect({ options: [linked] }))])).toEqual(only('/blocks/0/elements/0/options/0', 'invalid additional property: url'));
    expect(msg([actions({ type: 'overflow', action_id: 'o', options: [{ ...option(), url: chars(3001) }] })])).toEqual(
      only('/blocks/0/elements/0/options/0/url', 'must be less than 3001 characters'),
    );
  });
});

describe('static selects', () => {
  it('need options or option_groups', () => {
    expect(msg([actions(staticSelect({ options: undefined }))])).toEqual(only('/blocks/0/elements/0', 'must provide either `options` or `option_groups`'));
  });

  it('take only one of options and option_groups', () => {
    const groups = [{ label: plain('g'), options: optionList(1) }];
    expect(msg([actions(staticSelect({ option_groups: groups }))])).toEqual(
      only('/blocks/0/elements/0', 'must provide only one of `options` or `option_groups`'),
    );
  });

  it('check max_selected_items on multi selects', () => {
    expect(msg([actions(staticSelect({ type: 'multi_static_select', max_selected_items: 0 }))])).toEqual(
      only('/blocks/0/elements/0/max_selected_items', 'must be greater than or equal to 1'),
    );
  });
});

describe('plain_text_input', () => {
  it('accepts max_length 3000 and rejects 3001', () => {
    expect(validateBlocks([input({ ...textInput(), max_length: 3000 })], 'modal')).toEqual([]);
    expect(validateBlocks([input({ ...textInput(), max_length: 3001 })], 'modal')).toEqual(
      only('/blocks/0/element/max_length', 'must be less than or equal to 3000'),
    );
  });
});

// ---- views ----

describe('validateView', () => {
  it('accepts a complete modal', () => {
    const view = modal({
      submit: plain('Save'),
      close: plain('Cancel'),
      callback_id: 'cb',
      private_metadata: '{"a":1}',
      external_id: 'ext-1',
      notify_on_close: true,
      blocks: [section(), input(textInput())],
    });
    expect(validateView(view)).toEqual([]);
  });

  it('accepts a home view without title', () => {
    expect(validateView({ type: 'home', blocks: [section()] })).toEqual([]);
  });

  it.each([null, 'modal', 42, [modal()]])('rejects %p as a view', (view) => {
    expect(validateView(view)).toEqual(only('/view', 'must provide an object'));
  });

  it('requires a known type', () => {
    expect(validateView({ blocks: [] })).toEqual(only('/view', "must provide a value for 'type'"));
    expect(validateView({ type: 'workflow_step', blocks: [] })).toEqual(only('/view/type', 'must be a valid enum value'));
  });

  it('requires a modal title', () => {
    expect(validateView(modal({ title: undefined }))).toEqual(only('/view', "must provide a value for 'title'"));
  });

  it('requires plain_text for the title', () => {
    expect(validateView(modal({ title: mrkdwn('*T*') }))).toEqual(only('/view/title/type', 'must be a valid enum value'));
  });

  it('requires submit when the modal has an input block', () => {
    expect(validateView(modal({ blocks: [input(textInput())] }))).toEqual(only('/view', "must provide a value for 'submit'"));
    expect(validateView(modal({ blocks: [input(textInput())], submit: plain('OK') }))).toEqual([]);
  });

  it('requires blocks', () => {
    expect(validateView({ type: 'home' })).toEqual(only('/view', "must provide a value for 'blocks'"));
  });

  it('roots block problems at /view/blocks', () => {
    expect(validateView(modal({ blocks: [divider(), { type: 'nope' }] }))).toEqual(only('/view/blocks/1/type', 'unsupported type: nope'));
  });

  it('applies the surface: 100 blocks on home, file_input only in modals', () => {
    expect(validateView({ type: 'home', blocks: repeat(100, divider) })).toEqual([]);
    expect(validateView({ type: 'home', blocks: repeat(101, divider) })).toEqual(only('/view/blocks', 'no more than 100 items allowed'));
    const upload = input({ type: 'file_input', action_id: 'f' });
    expect(validateView({ type: 'home', blocks: [upload] })).toEqual(only('/view/blocks/0/element/type', 'unsupported type: file_input'));
    expect(validateView(modal({ blocks: [upload], submit: plain('Upload') }))).toEqual([]);
  });

  describe('size', () => {
    /** A valid home view of 100 sections whose JSON is exactly `bytes` long (ASCII only). */
    function homeViewOfSize(bytes: number): Obj {
      const viewWith = (length: number, extra: number): Obj => ({
        type: 'home',
        blocks: repeat(100, (i) => section(chars(length + (i === 99 ? extra : 0)))),
      });
      const overhead = JSON.stringify(viewWith(0, 0)).length;
      const length = Math.floor((bytes - overhead) / 100);
      // Every text stays under the 3000-character section limit, so size is the only problem.
      return viewWith(length, bytes - overhead - length * 100);
    }

    it(`accepts a view of exactly ${MAX_VIEW_BYTES} bytes`, () => {
      const view = homeViewOfSize(MAX_VIEW_BYTES);
      expect(Buffer.byteLength(JSON.stringify(view))).toBe(MAX_VIEW_BYTES);
      expect(validateView(view)).toEqual([]);
    });

    it(`rejects a view of ${MAX_VIEW_BYTES + 1} bytes as view_too_large`, () => {
      const view = homeViewOfSize(MAX_VIEW_BYTES + 1);
      expect(Buffer.byteLength(JSON.stringify(view))).toBe(MAX_VIEW_BYTES + 1);
      expect(validateView(view)).toEqual(only('/view', 'view_too_large'));
    });

    it('measures bytes, not characters', () => {
      const view = { type: 'home', blocks: repeat(50, () => section('é'.repeat(2600))) };
      const json = JSON.stringify(view);
      expect(json.length).toBeLessThan(MAX_VIEW_BYTES);
      expect(Buffer.byteLength(json)).toBeGreaterThan(MAX_VIEW_BYTES);
      expect(validateView(view)).toEqual(only('/view', 'view_too_large'));
    });
  });
});

// ---- formatting and robustness ----

describe('formatProblems', () => {
  it("renders Slack's response_metadata.messages lines", () => {
    const problems = msg([section(chars(3001)), { type: 'bogus' }]);
    expect(formatProblems(problems)).toEqual([
      '[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]',
      '[ERROR] unsupported type: bogus [json-pointer:/blocks/1/type]',
    ]);
  });

  it('returns an empty list for no problems', () => {
    expect(formatProblems([])).toEqual([]);
  });
});

describe('malformed input never throws', () => {
  const junk: unknown[] = [
    null,
    0,
    'x',
    true,
    [null, 1, 'a', [], {}],
    [{ type: 'section', text: null, fields: 'x', accessory: 3 }],
    [{ type: 'section', fields: [null, 1, { type: 'mrkdwn' }] }],
    [{ type: 'actions', elements: [null, { type: null }, { type: 'static_select', options: [null], option_groups: [1] }] }],
    [{ type: 'actions', elements: [{ type: 'overflow', options: 'x', confirm: { title: 1, text: [], deny: null } }] }],
    [{ type: 'input', label: [], element: [], hint: 5, optional: null }],
    [{ type: 'context', elements: [{ type: 'image', image_url: 5, slack_file: 'x' }] }],
    [{ type: 'image', alt_text: {}, title: 'x' }],
    [{ type: 'header', text: { type: 'plain_text', text: {} } }],
  ];

  it.each(junk.map((value) => [JSON.stringify(value), value]))('validateBlocks(%s) reports problems', (_label, value) => {
    let problems: BlockKitProblem[] = [];
    expect(() => {
      problems = validateBlocks(value, 'modal');
    }).not.toThrow();
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) {
      expect(p.pointer.startsWith('/blocks')).toBe(true);
      expect(p.message.length).toBeGreaterThan(0);
    }
  });

  it.each([{ type: 'modal' }, { type: 'modal', title: 3, submit: [], blocks: {} }, { type: 'home', blocks: [null], callback_id: 7, private_metadata: {} }])(
    'validateView(%p) reports problems',
    (view) => {
      let problems: BlockKitProblem[] = [];
      expect(() => {
        problems = validateView(view);
      }).not.toThrow();
      expect(problems.length).toBeGreaterThan(0);
    },
  );

  it('reports a view that cannot be serialised (BigInt) instead of throwing', () => {
    expect(validateView({ type: 'home', blocks: [], n: BigInt(1) })).toEqual(only('/view', 'must be valid JSON'));
  });
});

describe('messageBlocksTextLength (the total behind msg_blocks_too_long)', () => {
  it('counts every text object, rich text leaf, alt text, url and value, in code points', () => {
    const blocks = [
      { type: 'header', block_id: 'h', text: plain('Title') },
      { type: 'section', text: mrkdwn('a &amp; b'), fields: [mrkdwn('f1'), plain('f2')] },
      { type: 'context', elements: [mrkdwn('ctx'), { type: 'image', image_url: 'https://i.test/a.png', alt_text: 'alt' }] },
      actions(button('open', { url: 'https://x.test/', value: 'n-1', accessibility_label: 'Open it', style: 'primary' })),
      {
        type: 'rich_text',
        elements: [
          {
            type: 'rich_text_section',
            elements: [
              { type: 'text', text: '👩🏽‍💻' },
              { type: 'link', url: 'https://l.test' },
            ],
          },
        ],
      },
    ];
    const expected =
      'Title'.length +
      'a &amp; b'.length +
      'f1f2'.length +
      'ctx'.length +
      'https://i.test/a.png'.length +
      'alt'.length +
      'Go'.length +
      'https://x.test/'.length +
      'n-1'.length +
      'Open it'.length +
      Array.from('👩🏽‍💻').length +
      'https://l.test'.length;
    expect(messageBlocksTextLength(blocks)).toBe(expected);
  });

  it('leaves out types, block and action ids and styles', () => {
    expect(messageBlocksTextLength([{ type: 'divider', block_id: 'a-long-block-id' }, actions(button('a-long-action-id', { style: 'danger' }))])).toBe(
      'Go'.length,
    );
  });

  it('sets the limit below the smallest total Slack was seen to refuse (11,341 in bolt-js#2867)', () => {
    expect(MAX_MESSAGE_BLOCKS_TEXT).toBeLessThan(11_341);
  });
});
