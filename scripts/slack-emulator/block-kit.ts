/**
 * Block Kit validation as Slack applies it to `chat.postMessage` / `chat.update` blocks and to
 * `views.open` / `update` / `push` / `publish` views.
 *
 * Pure functions: no I/O, no state between calls. The emulator turns the problems into Slack's
 * `invalid_blocks` / `invalid_arguments` answer with `formatProblems`.
 *
 * Limits come from Slack's Block Kit reference (docs.slack.dev/reference/block-kit) and
 * shared/SLACK-REFERENCE.md. Messages reuse the sentences Slack itself answers with
 * (`must be less than 3001 characters`, `no more than 50 items allowed`,
 * `unsupported type: foo`, `` `action_id` "x" already exists ``) so that code which logs or
 * matches Slack's errors behaves the same against the emulator.
 *
 * Unlike Slack, the validator does not add the generic `failed to match all allowed schemas`
 * entries Slack emits next to the precise ones: they carry no information of their own.
 */
import type { BlockKitProblem, BlockSurface } from './types';

/** Largest view Slack accepts (bytes of its JSON); above it `views.*` answer `view_too_large`. */
export const MAX_VIEW_BYTES = 250_000;

/** Blocks allowed per surface. */
const MAX_BLOCKS: Readonly<Record<BlockSurface, number>> = { message: 50, modal: 100, home: 100 };

// ---------------------------------------------------------------------------------------------
// Element families. Which elements a block accepts differs per block, as in Slack's reference.
// ---------------------------------------------------------------------------------------------

const SELECTS = ['static_select', 'external_select', 'users_select', 'conversations_select', 'channels_select'] as const;
const MULTI_SELECTS = ['multi_static_select', 'multi_external_select', 'multi_users_select', 'multi_conversations_select', 'multi_channels_select'] as const;

/** Elements a section block takes as `accessory`. */
const SECTION_ACCESSORIES: ReadonlySet<string> = new Set([
  'button',
  'checkboxes',
  'datepicker',
  'image',
  'overflow',
  'radio_buttons',
  'timepicker',
  'workflow_button',
  ...SELECTS,
  ...MULTI_SELECTS,
]);

/**
 * Elements an actions block takes. plain_text_input and rich_text_input are included because
 * Slack accepts them there (with `dispatch_action`); rejecting them would be a false alarm.
 */
const ACTION_ELEMENTS: ReadonlySet<string> = new Set([
  'button',
  'checkboxes',
  'datepicker',
  'datetimepicker',
  'overflow',
  'plain_text_input',
  'radio_buttons',
  'rich_text_input',
  'timepicker',
  'workflow_button',
  ...SELECTS,
  ...MULTI_SELECTS,
]);

/** Elements an input block takes as `element` (datetimepicker and channel selects included: Slack accepts them). */
const INPUT_ELEMENTS: ReadonlySet<string> = new Set([
  'checkboxes',
  'datepicker',
  'datetimepicker',
  'email_text_input',
  'file_input',
  'number_input',
  'plain_text_input',
  'radio_buttons',
  'rich_text_input',
  'timepicker',
  'url_text_input',
  ...SELECTS,
  ...MULTI_SELECTS,
]);

type JsonObject = Record<string, unknown>;

/** Accumulates problems and the ids seen so far, for one payload (message or view). */
interface Ctx {
  readonly surface: BlockSurface;
  readonly problems: BlockKitProblem[];
  /** block_id values seen; Slack wants block ids unique within the payload. */
  readonly blockIds: Set<string>;
  /** action_id values seen; Slack rejects a repeated one anywhere in the message or view. */
  readonly actionIds: Set<string>;
}

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/**
 * Problems Slack would report for `blocks` shown on `surface`; `[]` when valid.
 *
 * @param blocks the `blocks` argument as received (anything: it is checked, never trusted).
 * @param surface where the blocks are shown; decides the block limit and whether `file_input` is allowed.
 * @param basePointer JSON pointer of `blocks` itself; `/blocks` for messages, `/view/blocks` for views.
 */
export function validateBlocks(blocks: unknown, surface: BlockSurface, basePointer = '/blocks'): BlockKitProblem[] {
  const ctx = newCtx(surface);
  checkBlockList(ctx, blocks, basePointer);
  return ctx.problems;
}

/**
 * Problems for a whole view as passed to `views.open` / `update` / `push` / `publish`
 * (`type` `modal` or `home`); `[]` when valid. Pointers are rooted at `/view`, as Slack's are.
 * A view whose JSON exceeds {@link MAX_VIEW_BYTES} gives one problem with message `view_too_large`.
 */
export function validateView(view: unknown): BlockKitProblem[] {
  if (!isRecord(view)) return [{ pointer: '/view', message: 'must provide an object' }];

  const size = jsonByteLength(view);
  // Only reachable when called with a non-JSON value (BigInt); Slack only ever sees JSON.
  if (size === undefined) return [{ pointer: '/view', message: 'must be valid JSON' }];
  // Slack refuses an oversized view outright (error `view_too_large`), before looking inside it.
  if (size > MAX_VIEW_BYTES) return [{ pointer: '/view', message: 'view_too_large' }];

  const type = view['type'];
  if (type === undefined) return [{ pointer: '/view', message: "must provide a value for 'type'" }];
  if (type !== 'modal' && type !== 'home') return [{ pointer: '/view/type', message: 'must be a valid enum value' }];

  const ctx = newCtx(type);
  if (type === 'modal') checkModalChrome(ctx, view);
  checkString(ctx, view, 'callback_id', '/view', { max: 255 });
  checkString(ctx, view, 'private_metadata', '/view', { max: 3000 });
  checkString(ctx, view, 'external_id', '/view', { max: 255 });
  for (const key of ['clear_on_close', 'notify_on_close', 'submit_disabled']) checkBoolean(ctx, view, key, '/view');

  if (view['blocks'] === undefined) report(ctx, '/view', "must provide a value for 'blocks'");
  else checkBlockList(ctx, view['blocks'], '/view/blocks');
  return ctx.problems;
}

/**
 * Most text a message's blocks may hold altogether; above it `chat.postMessage` and
 * `chat.update` answer `msg_blocks_too_long`, however valid each block is.
 *
 * Slack documents no number for this. What is known (bolt-js#2509, #2867): a Slack engineer
 * gave "12,000 text characters with a buffer for block containers", and a message whose
 * `.text` strings summed to 11,341 was refused. 11,000 is below every refusal reported, so the
 * emulator refuses at least everything Slack does.
 */
export const MAX_MESSAGE_BLOCKS_TEXT = 11_000;

/**
 * Keys whose strings are structure, not content: which block or element it is, the ids the app
 * reads back, a button's colour. Nobody reported them counting, and they are short and fixed.
 */
const STRUCTURAL_KEYS: ReadonlySet<string> = new Set(['type', 'block_id', 'action_id', 'style']);

/**
 * The text of `blocks` as the emulator counts it against {@link MAX_MESSAGE_BLOCKS_TEXT}:
 * every string anywhere in the tree except those under {@link STRUCTURAL_KEYS}. That is every
 * text object (section text and fields, headers, context elements, button texts, confirm
 * dialogs, options), rich text leaves, and also `alt_text`, `url`, `image_url`, button `value`
 * and `accessibility_label`. Slack's own count is unknown beyond `.text` strings plus an
 * allowance per block; counting more than it could is the stricter reading. Strings are counted
 * as sent (an escaped `&amp;` is five characters, `<@U123>` seven), in code points as Slack's
 * per-field limits are (see `charCount`).
 */
export function messageBlocksTextLength(blocks: unknown): number {
  let total = 0;
  const visit = (value: unknown, key: string | undefined): void => {
    if (typeof value === 'string') {
      if (key === undefined || !STRUCTURAL_KEYS.has(key)) total += charCount(value);
    } else if (Array.isArray(value)) {
      for (const item of value) visit(item, undefined);
    } else if (isRecord(value)) {
      for (const [childKey, child] of Object.entries(value)) visit(child, childKey);
    }
  };
  visit(blocks, undefined);
  return total;
}

/**
 * Slack's wording of the problems, one line each, as found in `response_metadata.messages`:
 * `[ERROR] <message> [json-pointer:<pointer>]`.
 */
export function formatProblems(problems: BlockKitProblem[]): string[] {
  return problems.map((p) => `[ERROR] ${p.message} [json-pointer:${p.pointer}]`);
}

// ---------------------------------------------------------------------------------------------
// Views
// ---------------------------------------------------------------------------------------------

/** Modal-only fields: title (required), submit, close; submit becomes required with inputs. */
function checkModalChrome(ctx: Ctx, view: JsonObject): void {
  checkText(ctx, view, 'title', '/view', { required: true, plainOnly: true, max: 24 });
  checkText(ctx, view, 'submit', '/view', { plainOnly: true, max: 24 });
  checkText(ctx, view, 'close', '/view', { plainOnly: true, max: 24 });
  // Slack cannot submit a modal without a submit button, so inputs need one.
  const blocks = view['blocks'];
  const hasInput = Array.isArray(blocks) && blocks.some((b) => isRecord(b) && b['type'] === 'input');
  if (hasInput && view['submit'] === undefined) report(ctx, '/view', "must provide a value for 'submit'");
}

// ---------------------------------------------------------------------------------------------
// Blocks
// ---------------------------------------------------------------------------------------------

type BlockCheck = (ctx: Ctx, block: JsonObject, pointer: string) => void;

const BLOCK_CHECKS: Readonly<Record<string, BlockCheck>> = {
  section: checkSection,
  header: checkHeader,
  divider: () => undefined,
  context: checkContext,
  actions: checkActions,
  input: checkInput,
  image: checkImage,
  rich_text: checkRichText,
  // Video blocks carry many optional fields; the emulator only needs to know it is a block.
  video: () => undefined,
};

function checkBlockList(ctx: Ctx, blocks: unknown, pointer: string): void {
  if (!Array.isArray(blocks)) {
    report(ctx, pointer, 'must provide an array');
    return;
  }
  const max = MAX_BLOCKS[ctx.surface];
  if (blocks.length > max) report(ctx, pointer, `no more than ${max} items allowed`);
  blocks.forEach((block, i) => checkBlock(ctx, block, `${pointer}/${i}`));
}

function checkBlock(ctx: Ctx, block: unknown, pointer: string): void {
  if (!isRecord(block)) {
    report(ctx, pointer, 'must provide an object');
    return;
  }
  const type = checkString(ctx, block, 'type', pointer, { required: true });
  if (type === undefined) return;
  const check = Object.hasOwn(BLOCK_CHECKS, type) ? BLOCK_CHECKS[type] : undefined;
  if (check === undefined) {
    report(ctx, `${pointer}/type`, `unsupported type: ${type}`);
    return;
  }
  checkBlockId(ctx, block, pointer);
  check(ctx, block, pointer);
}

function checkBlockId(ctx: Ctx, block: JsonObject, pointer: string): void {
  const id = checkString(ctx, block, 'block_id', pointer, { min: 1, max: 255 });
  if (id === undefined) return;
  if (ctx.blockIds.has(id)) report(ctx, `${pointer}/block_id`, `\`block_id\` "${id}" already exists`);
  ctx.blockIds.add(id);
}

function checkSection(ctx: Ctx, block: JsonObject, pointer: string): void {
  if (block['text'] === undefined && block['fields'] === undefined) {
    report(ctx, pointer, 'must define either `text` or `fields`');
  }
  checkText(ctx, block, 'text', pointer, { max: 3000 });
  const fields = checkArray(ctx, block, 'fields', pointer, { min: 1, max: 10 });
  fields?.forEach((field, i) => checkTextObject(ctx, field, `${pointer}/fields/${i}`, { max: 2000 }));
  if (block['accessory'] !== undefined) checkElement(ctx, block['accessory'], `${pointer}/accessory`, SECTION_ACCESSORIES);
  checkBoolean(ctx, block, 'expand', pointer);
}

function checkHeader(ctx: Ctx, block: JsonObject, pointer: string): void {
  checkText(ctx, block, 'text', pointer, { required: true, plainOnly: true, max: 150 });
}

function checkContext(ctx: Ctx, block: JsonObject, pointer: string): void {
  const elements = checkArray(ctx, block, 'elements', pointer, { required: true, min: 1, max: 10 });
  elements?.forEach((element, i) => {
    const at = `${pointer}/elements/${i}`;
    // A context element is either a text object or an image element, told apart by `type`.
    if (isRecord(element) && element['type'] === 'image') checkImageElement(ctx, element, at);
    else checkTextObject(ctx, element, at, { max: 3000 });
  });
}

function checkActions(ctx: Ctx, block: JsonObject, pointer: string): void {
  const elements = checkArray(ctx, block, 'elements', pointer, { required: true, min: 1, max: 25 });
  elements?.forEach((element, i) => checkElement(ctx, element, `${pointer}/elements/${i}`, ACTION_ELEMENTS));
}

function checkInput(ctx: Ctx, block: JsonObject, pointer: string): void {
  checkText(ctx, block, 'label', pointer, { required: true, plainOnly: true, max: 2000 });
  checkText(ctx, block, 'hint', pointer, { plainOnly: true, max: 2000 });
  checkBoolean(ctx, block, 'optional', pointer);
  checkBoolean(ctx, block, 'dispatch_action', pointer);
  if (block['element'] === undefined) report(ctx, pointer, "must provide a value for 'element'");
  else checkElement(ctx, block['element'], `${pointer}/element`, INPUT_ELEMENTS);
}

function checkImage(ctx: Ctx, block: JsonObject, pointer: string): void {
  checkImageSource(ctx, block, pointer);
  checkString(ctx, block, 'alt_text', pointer, { required: true, max: 2000 });
  checkText(ctx, block, 'title', pointer, { plainOnly: true, max: 2000 });
}

/** Rich text is accepted as long as it has its `elements` array; its inner tree is not checked. */
function checkRichText(ctx: Ctx, block: JsonObject, pointer: string): void {
  checkArray(ctx, block, 'elements', pointer, { required: true });
}

// ---------------------------------------------------------------------------------------------
// Elements
// ---------------------------------------------------------------------------------------------

type ElementCheck = (ctx: Ctx, element: JsonObject, pointer: string) => void;

const ELEMENT_CHECKS: Readonly<Record<string, ElementCheck>> = {
  button: checkButton,
  checkboxes: (ctx, el, at) => checkChoiceList(ctx, el, at),
  radio_buttons: (ctx, el, at) => checkChoiceList(ctx, el, at),
  overflow: checkOverflow,
  datepicker: checkPlaceholder,
  timepicker: checkPlaceholder,
  datetimepicker: () => undefined,
  plain_text_input: checkPlainTextInput,
  email_text_input: checkPlaceholder,
  url_text_input: checkPlaceholder,
  rich_text_input: checkPlaceholder,
  number_input: checkNumberInput,
  file_input: checkFileInput,
  image: checkImageElement,
  workflow_button: checkWorkflowButton,
  static_select: checkStaticSelect,
  multi_static_select: checkStaticSelect,
  ...Object.fromEntries(
    [...SELECTS, ...MULTI_SELECTS].filter((t) => t !== 'static_select' && t !== 'multi_static_select').map((t): [string, ElementCheck] => [t, checkSelect]),
  ),
};

/** Checks one element against the family the enclosing block accepts (`allowed`). */
function checkElement(ctx: Ctx, element: unknown, pointer: string, allowed: ReadonlySet<string>): void {
  if (!isRecord(element)) {
    report(ctx, pointer, 'must provide an object');
    return;
  }
  const type = checkString(ctx, element, 'type', pointer, { required: true });
  if (type === undefined) return;
  const check = Object.hasOwn(ELEMENT_CHECKS, type) ? ELEMENT_CHECKS[type] : undefined;
  // Slack words an element a block does not take exactly like an unknown one.
  // file_input only exists in modals: messages and Home tabs have no way to upload.
  if (check === undefined || !allowed.has(type) || (type === 'file_input' && ctx.surface !== 'modal')) {
    report(ctx, `${pointer}/type`, `unsupported type: ${type}`);
    return;
  }
  // Images are the one element without an action_id.
  if (type !== 'image') checkActionId(ctx, element, pointer);
  check(ctx, element, pointer);
}

function checkActionId(ctx: Ctx, element: JsonObject, pointer: string): void {
  const id = checkString(ctx, element, 'action_id', pointer, { min: 1, max: 255 });
  if (id === undefined) return;
  if (ctx.actionIds.has(id)) report(ctx, `${pointer}/action_id`, `\`action_id\` "${id}" already exists`);
  ctx.actionIds.add(id);
}

function checkButton(ctx: Ctx, el: JsonObject, pointer: string): void {
  checkText(ctx, el, 'text', pointer, { required: true, plainOnly: true, max: 75 });
  checkString(ctx, el, 'url', pointer, { max: 3000 });
  checkString(ctx, el, 'value', pointer, { max: 2000 });
  checkStyle(ctx, el, pointer);
  checkConfirm(ctx, el, pointer);
  checkString(ctx, el, 'accessibility_label', pointer, { max: 75 });
}

function checkWorkflowButton(ctx: Ctx, el: JsonObject, pointer: string): void {
  checkText(ctx, el, 'text', pointer, { required: true, plainOnly: true, max: 75 });
  if (el['workflow'] === undefined) report(ctx, pointer, "must provide a value for 'workflow'");
  else if (!isRecord(el['workflow'])) report(ctx, `${pointer}/workflow`, 'must provide an object');
  checkStyle(ctx, el, pointer);
}

function checkPlaceholder(ctx: Ctx, el: JsonObject, pointer: string): void {
  checkText(ctx, el, 'placeholder', pointer, { plainOnly: true, max: 150 });
}

function checkPlainTextInput(ctx: Ctx, el: JsonObject, pointer: string): void {
  checkPlaceholder(ctx, el, pointer);
  checkString(ctx, el, 'initial_value', pointer);
  checkBoolean(ctx, el, 'multiline', pointer);
  checkInteger(ctx, el, 'min_length', pointer, { min: 0, max: 3000 });
  checkInteger(ctx, el, 'max_length', pointer, { min: 1, max: 3000 });
}

function checkNumberInput(ctx: Ctx, el: JsonObject, pointer: string): void {
  checkPlaceholder(ctx, el, pointer);
  if (el['is_decimal_allowed'] === undefined) report(ctx, pointer, "must provide a value for 'is_decimal_allowed'");
  else checkBoolean(ctx, el, 'is_decimal_allowed', pointer);
}

function checkFileInput(ctx: Ctx, el: JsonObject, pointer: string): void {
  checkInteger(ctx, el, 'max_files', pointer, { min: 1, max: 10 });
  const filetypes = checkArray(ctx, el, 'filetypes', pointer, {});
  filetypes?.forEach((t, i) => {
    if (typeof t !== 'string') report(ctx, `${pointer}/filetypes/${i}`, 'must provide a string');
  });
}

/** Selects whose options come from Slack or the app's options handler: placeholder, confirm, limits. */
function checkSelect(ctx: Ctx, el: JsonObject, pointer: string): void {
  checkPlaceholder(ctx, el, pointer);
  checkConfirm(ctx, el, pointer);
  checkInteger(ctx, el, 'max_selected_items', pointer, { min: 1 });
  checkInteger(ctx, el, 'min_query_length', pointer, { min: 0 });
}

/** static_select / multi_static_select: `options` or `option_groups` (not both), 100 at most. */
function checkStaticSelect(ctx: Ctx, el: JsonObject, pointer: string): void {
  checkSelect(ctx, el, pointer);
  const hasOptions = el['options'] !== undefined;
  const hasGroups = el['option_groups'] !== undefined;
  if (!hasOptions && !hasGroups) report(ctx, pointer, 'must provide either `options` or `option_groups`');
  if (hasOptions && hasGroups) report(ctx, pointer, 'must provide only one of `options` or `option_groups`');
  const options = checkArray(ctx, el, 'options', pointer, { min: 1, max: 100 });
  options?.forEach((o, i) => checkOption(ctx, o, `${pointer}/options/${i}`, { mrkdwn: false, url: false }));
  const groups = checkArray(ctx, el, 'option_groups', pointer, { min: 1, max: 100 });
  groups?.forEach((g, i) => checkOptionGroup(ctx, g, `${pointer}/option_groups/${i}`));
}

function checkOverflow(ctx: Ctx, el: JsonObject, pointer: string): void {
  const options = checkArray(ctx, el, 'options', pointer, { required: true, min: 1, max: 5 });
  // Overflow options are the only ones that may carry a `url`.
  options?.forEach((o, i) => checkOption(ctx, o, `${pointer}/options/${i}`, { mrkdwn: false, url: true }));
  checkConfirm(ctx, el, pointer);
}

/** checkboxes and radio_buttons: 1-10 options whose text may be mrkdwn. */
function checkChoiceList(ctx: Ctx, el: JsonObject, pointer: string): void {
  const options = checkArray(ctx, el, 'options', pointer, { required: true, min: 1, max: 10 });
  options?.forEach((o, i) => checkOption(ctx, o, `${pointer}/options/${i}`, { mrkdwn: true, url: false }));
  checkConfirm(ctx, el, pointer);
}

function checkImageElement(ctx: Ctx, el: JsonObject, pointer: string): void {
  checkImageSource(ctx, el, pointer);
  checkString(ctx, el, 'alt_text', pointer, { required: true, max: 2000 });
}

/** Image blocks and elements need an `image_url` (≤ 3000) or a `slack_file` object. */
function checkImageSource(ctx: Ctx, obj: JsonObject, pointer: string): void {
  if (obj['image_url'] === undefined && obj['slack_file'] === undefined) {
    report(ctx, pointer, "must provide a value for 'image_url' or 'slack_file'");
  }
  checkString(ctx, obj, 'image_url', pointer, { max: 3000 });
  if (obj['slack_file'] !== undefined && !isRecord(obj['slack_file'])) {
    report(ctx, `${pointer}/slack_file`, 'must provide an object');
  }
}

// ---------------------------------------------------------------------------------------------
// Composition objects
// ---------------------------------------------------------------------------------------------

function checkStyle(ctx: Ctx, el: JsonObject, pointer: string): void {
  const style = checkString(ctx, el, 'style', pointer);
  if (style !== undefined && style !== 'primary' && style !== 'danger') {
    report(ctx, `${pointer}/style`, 'must be a valid enum value');
  }
}

/**
 * Confirmation dialog: title ≤ 100, text ≤ 300, confirm and deny ≤ 30, all required.
 * `text` also accepts mrkdwn: older Slack references call it "a text object" and Slack takes it.
 */
function checkConfirm(ctx: Ctx, el: JsonObject, pointer: string): void {
  const confirm = el['confirm'];
  if (confirm === undefined) return;
  const at = `${pointer}/confirm`;
  if (!isRecord(confirm)) {
    report(ctx, at, 'must provide an object');
    return;
  }
  checkText(ctx, confirm, 'title', at, { required: true, plainOnly: true, max: 100 });
  checkText(ctx, confirm, 'text', at, { required: true, max: 300 });
  checkText(ctx, confirm, 'confirm', at, { required: true, plainOnly: true, max: 30 });
  checkText(ctx, confirm, 'deny', at, { required: true, plainOnly: true, max: 30 });
  checkStyle(ctx, confirm, at);
}

interface OptionRules {
  /** checkboxes and radio buttons take mrkdwn text and descriptions; menus take plain_text only. */
  mrkdwn: boolean;
  /** Only overflow options may link somewhere. */
  url: boolean;
}

/** Option object: text ≤ 75, value ≤ 150, description ≤ 75, url ≤ 3000 (overflow only). */
function checkOption(ctx: Ctx, option: unknown, pointer: string, rules: OptionRules): void {
  if (!isRecord(option)) {
    report(ctx, pointer, 'must provide an object');
    return;
  }
  const plainOnly = !rules.mrkdwn;
  checkText(ctx, option, 'text', pointer, { required: true, plainOnly, max: 75 });
  checkString(ctx, option, 'value', pointer, { required: true, max: 150 });
  checkText(ctx, option, 'description', pointer, { plainOnly, max: 75 });
  if (rules.url) checkString(ctx, option, 'url', pointer, { max: 3000 });
  else if (option['url'] !== undefined) report(ctx, pointer, 'invalid additional property: url');
}

/** Option group: label ≤ 75 (plain_text) and 1-100 options. */
function checkOptionGroup(ctx: Ctx, group: unknown, pointer: string): void {
  if (!isRecord(group)) {
    report(ctx, pointer, 'must provide an object');
    return;
  }
  checkText(ctx, group, 'label', pointer, { required: true, plainOnly: true, max: 75 });
  const options = checkArray(ctx, group, 'options', pointer, { required: true, min: 1, max: 100 });
  options?.forEach((o, i) => checkOption(ctx, o, `${pointer}/options/${i}`, { mrkdwn: false, url: false }));
}

interface TextRules {
  required?: boolean;
  /** Field takes plain_text only (labels, titles, buttons, placeholders…). */
  plainOnly?: boolean;
  /** Most characters allowed in `text`. */
  max: number;
}

/** Checks the text object at `obj[key]`, if present (or reports it missing when required). */
function checkText(ctx: Ctx, obj: JsonObject, key: string, pointer: string, rules: TextRules): void {
  const value = obj[key];
  if (value === undefined) {
    if (rules.required) report(ctx, pointer, `must provide a value for '${key}'`);
    return;
  }
  checkTextObject(ctx, value, `${pointer}/${key}`, rules);
}

/** A text object `{type: 'plain_text'|'mrkdwn', text}`; text of 1..max characters. */
function checkTextObject(ctx: Ctx, value: unknown, pointer: string, rules: TextRules): void {
  if (!isRecord(value)) {
    report(ctx, pointer, 'must provide an object');
    return;
  }
  const type = checkString(ctx, value, 'type', pointer, { required: true });
  const isText = type === 'plain_text' || type === 'mrkdwn';
  if (type !== undefined && (!isText || (type === 'mrkdwn' && rules.plainOnly))) {
    report(ctx, `${pointer}/type`, 'must be a valid enum value');
  }
  // Not a text object at all (say, a button where text was expected): its fields mean nothing here.
  if (type !== undefined && !isText) return;
  checkString(ctx, value, 'text', pointer, { required: true, min: 1, max: rules.max });
  // `emoji` belongs to plain_text and `verbatim` to mrkdwn; Slack refuses either on the other.
  if (type === 'mrkdwn' && value['emoji'] !== undefined) report(ctx, pointer, 'invalid additional property: emoji');
  if (type === 'plain_text' && value['verbatim'] !== undefined) {
    report(ctx, pointer, 'invalid additional property: verbatim');
  }
  checkBoolean(ctx, value, type === 'mrkdwn' ? 'verbatim' : 'emoji', pointer);
}

// ---------------------------------------------------------------------------------------------
// Primitive checks. Each reads `obj[key]`, reports against `${pointer}/${key}` (or `pointer`
// when a required key is missing, naming the key as Slack does) and returns the value if usable.
// ---------------------------------------------------------------------------------------------

interface StringRules {
  required?: boolean;
  min?: number;
  max?: number;
}

function checkString(ctx: Ctx, obj: JsonObject, key: string, pointer: string, rules: StringRules = {}): string | undefined {
  const value = obj[key];
  if (value === undefined) {
    if (rules.required) report(ctx, pointer, `must provide a value for '${key}'`);
    return undefined;
  }
  const at = `${pointer}/${key}`;
  if (typeof value !== 'string') {
    report(ctx, at, 'must provide a string');
    return undefined;
  }
  const length = charCount(value);
  if (rules.min !== undefined && length < rules.min) report(ctx, at, `must be more than ${rules.min - 1} characters`);
  if (rules.max !== undefined && length > rules.max) report(ctx, at, `must be less than ${rules.max + 1} characters`);
  return value;
}

function checkBoolean(ctx: Ctx, obj: JsonObject, key: string, pointer: string): void {
  const value = obj[key];
  if (value !== undefined && typeof value !== 'boolean') report(ctx, `${pointer}/${key}`, 'must provide a boolean');
}

function checkInteger(ctx: Ctx, obj: JsonObject, key: string, pointer: string, rules: { min?: number; max?: number }): void {
  const value = obj[key];
  if (value === undefined) return;
  const at = `${pointer}/${key}`;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    report(ctx, at, 'must provide an integer');
    return;
  }
  if (rules.min !== undefined && value < rules.min) report(ctx, at, `must be greater than or equal to ${rules.min}`);
  if (rules.max !== undefined && value > rules.max) report(ctx, at, `must be less than or equal to ${rules.max}`);
}

interface ArrayRules {
  required?: boolean;
  min?: number;
  max?: number;
}

function checkArray(ctx: Ctx, obj: JsonObject, key: string, pointer: string, rules: ArrayRules): unknown[] | undefined {
  const value = obj[key];
  if (value === undefined) {
    if (rules.required) report(ctx, pointer, `must provide a value for '${key}'`);
    return undefined;
  }
  const at = `${pointer}/${key}`;
  if (!Array.isArray(value)) {
    report(ctx, at, 'must provide an array');
    return undefined;
  }
  if (rules.min !== undefined && value.length < rules.min) report(ctx, at, `no less than ${rules.min} items allowed`);
  if (rules.max !== undefined && value.length > rules.max) report(ctx, at, `no more than ${rules.max} items allowed`);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function newCtx(surface: BlockSurface): Ctx {
  return { surface, problems: [], blockIds: new Set(), actionIds: new Set() };
}

function report(ctx: Ctx, pointer: string, message: string): void {
  ctx.problems.push({ pointer, message });
}

function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Characters as Slack counts them: code points, so an emoji written as a surrogate pair
 * counts once (JavaScript's `length` would count it twice and reject valid text early).
 */
function charCount(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** UTF-8 size of `value` as JSON, or undefined when it cannot be serialised (never from parsed JSON). */
function jsonByteLength(value: unknown): number | undefined {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    return undefined;
  }
  if (json === undefined) return undefined;
  let bytes = 0;
  for (const ch of json) {
    const code = ch.codePointAt(0) ?? 0;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}
