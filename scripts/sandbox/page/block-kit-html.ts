/**
 * Block Kit as HTML, for the sandbox page (a pure function: blocks → HTML).
 *
 * Draws every block and element the connector uses, close enough to Slack to judge a screen:
 * header, section (text, fields, accessory), context, divider, image, actions, input (with
 * the field error the app answered), and buttons, overflow menus, static / external / user
 * selects (single and multi), checkboxes, radio buttons, date pickers, plain text, email,
 * number and file inputs. Anything else is a labelled box naming its type, never dropped.
 *
 * Interactive elements carry `data-*` attributes (action id, block id, kind, value) that the
 * page's script reads to send the block_actions Slack would send, and, in views, the state it
 * would send with a submission.
 */
import { attrs, escapeHtml } from './html';
import { mrkdwnToHtml, plainToHtml, type MentionNames } from './mrkdwn';

export interface RenderContext extends MentionNames {
  /** Field errors by block_id, from a `response_action: "errors"` answer. */
  errors?: Readonly<Record<string, string>>;
  /** The users a users_select offers: id and name. */
  users?: ReadonlyArray<{ id: string; name: string }>;
}

type Json = Record<string, unknown>;

export function renderBlocks(blocks: unknown, context: RenderContext = {}): string {
  if (!Array.isArray(blocks)) return unknownBox('blocks', blocks);
  return blocks.map((block) => renderBlock(block, context)).join('');
}

/** A text object (plain_text or mrkdwn) as HTML; '' for none. */
export function renderText(text: unknown, context: MentionNames = {}): string {
  if (!isJson(text) || typeof text.text !== 'string') return '';
  return text.type === 'mrkdwn' ? mrkdwnToHtml(text.text, context) : plainToHtml(text.text);
}

function renderBlock(block: unknown, context: RenderContext): string {
  if (!isJson(block)) return unknownBox('block', block);
  const blockId = str(block.block_id);
  const wrap = (kind: string, inner: string) => `<div${attrs({ class: `bk-block bk-${kind}`, 'data-block-id': blockId })}>${inner}</div>`;
  switch (block.type) {
    case 'header':
      return wrap('header', renderText(block.text, context));
    case 'divider':
      return wrap('divider', '<hr>');
    case 'section': {
      const text = block.text ? `<div class="bk-section-text">${renderText(block.text, context)}</div>` : '';
      const fields = Array.isArray(block.fields)
        ? `<div class="bk-fields">${block.fields.map((field) => `<div class="bk-field">${renderText(field, context)}</div>`).join('')}</div>`
        : '';
      const accessory = block.accessory === undefined ? '' : `<div class="bk-accessory">${renderElement(block.accessory, blockId, context)}</div>`;
      return wrap('section', `<div class="bk-section-body">${text}${fields}</div>${accessory}`);
    }
    case 'context': {
      const elements = Array.isArray(block.elements) ? block.elements : [];
      return wrap(
        'context',
        elements
          .map((element) =>
            isJson(element) && element.type === 'image' ? imageTag(element, 'bk-context-image') : `<span>${renderText(element, context)}</span>`,
          )
          .join(''),
      );
    }
    case 'image': {
      const title = block.title ? `<div class="bk-image-title">${renderText(block.title, context)}</div>` : '';
      return wrap('image', `${title}${imageTag(block, 'bk-image-img')}`);
    }
    case 'actions': {
      const elements = Array.isArray(block.elements) ? block.elements : [];
      return wrap('actions', elements.map((element) => renderElement(element, blockId, context)).join(''));
    }
    case 'input': {
      const error = blockId === undefined ? undefined : context.errors?.[blockId];
      const optional = block.optional === true ? ' <span class="bk-optional">(optional)</span>' : '';
      const hint = block.hint ? `<div class="bk-hint">${renderText(block.hint, context)}</div>` : '';
      const errorHtml = error === undefined ? '' : `<div class="bk-error" role="alert">${escapeHtml(error)}</div>`;
      return `<div${attrs({ class: `bk-block bk-input${error === undefined ? '' : ' bk-has-error'}`, 'data-block-id': blockId })}><label class="bk-label">${renderText(block.label, context)}${optional}</label>${renderElement(block.element, blockId, context, { inInput: true, dispatch: block.dispatch_action === true })}${hint}${errorHtml}</div>`;
    }
    default:
      return unknownBox(`${String(block.type)} block`, block);
  }
}

interface ElementPlace {
  /** In an input block: its value goes into the view's state and it sends nothing on change (unless dispatch_action). */
  inInput?: boolean;
  dispatch?: boolean;
}

function renderElement(element: unknown, blockId: string | undefined, context: RenderContext, place: ElementPlace = {}): string {
  if (!isJson(element)) return unknownBox('element', element);
  const kind = str(element.type) ?? 'unknown';
  const base = {
    'data-kind': kind,
    'data-action-id': str(element.action_id),
    'data-block-id': blockId,
    // Changes send block_actions right away outside input blocks, as in Slack.
    'data-dispatch': place.inInput ? (place.dispatch ? 'true' : undefined) : 'true',
    'data-confirm': isJson(element.confirm) ? confirmText(element.confirm) : undefined,
  };
  switch (kind) {
    case 'button': {
      const style = element.style === 'primary' || element.style === 'danger' ? ` bk-button-${element.style}` : '';
      return `<button${attrs({ ...base, type: 'button', class: `bk-el bk-button${style}`, 'data-value': str(element.value), 'data-url': str(element.url) })}>${renderText(element.text, context)}</button>`;
    }
    case 'overflow': {
      const options = Array.isArray(element.options) ? element.options : [];
      return `<select${attrs({ ...base, class: 'bk-el bk-overflow', 'aria-label': 'More actions' })}><option value="" selected>⋯</option>${options.map((o) => optionTag(o)).join('')}</select>`;
    }
    case 'static_select':
    case 'multi_static_select': {
      const multi = kind.startsWith('multi_');
      const chosen = selectedValues(element);
      const groups = Array.isArray(element.option_groups)
        ? element.option_groups
            .map((group) =>
              isJson(group)
                ? `<optgroup label="${escapeHtml(textOf(group.label))}">${arr(group.options)
                    .map((o) => optionTag(o, chosen))
                    .join('')}</optgroup>`
                : '',
            )
            .join('')
        : arr(element.options)
            .map((o) => optionTag(o, chosen))
            .join('');
      return selectTag(base, element, multi, groups, chosen.size === 0);
    }
    case 'external_select':
    case 'multi_external_select': {
      const multi = kind.startsWith('multi_');
      const initial = [...arr(element.initial_options), ...(element.initial_option ? [element.initial_option] : [])];
      const chosen = new Set(initial.flatMap((o) => (isJson(o) && typeof o.value === 'string' ? [o.value] : [])));
      return selectTag({ ...base, 'data-external': 'true' }, element, multi, initial.map((o) => optionTag(o, chosen)).join(''), chosen.size === 0);
    }
    case 'users_select':
    case 'multi_users_select': {
      const multi = kind.startsWith('multi_');
      const chosen = new Set(
        [...arr(element.initial_users), ...(element.initial_user ? [element.initial_user] : [])].filter((v): v is string => typeof v === 'string'),
      );
      const options = (context.users ?? [])
        .map((user) => `<option value="${escapeHtml(user.id)}"${chosen.has(user.id) ? ' selected' : ''}>${escapeHtml(user.name)}</option>`)
        .join('');
      return selectTag(base, element, multi, options, chosen.size === 0);
    }
    case 'checkboxes':
    case 'radio_buttons': {
      const chosen = selectedValues(element);
      const type = kind === 'checkboxes' ? 'checkbox' : 'radio';
      const name = `${blockId ?? ''}/${str(element.action_id) ?? ''}`;
      const items = arr(element.options).map((option) => {
        if (!isJson(option)) return '';
        const value = str(option.value) ?? '';
        const description = option.description ? `<span class="bk-option-description">${renderText(option.description, context)}</span>` : '';
        return `<label class="bk-choice"><input${attrs({ type, name, value, checked: chosen.has(value) })}> <span>${renderText(option.text, context)}</span>${description}</label>`;
      });
      return `<div${attrs({ ...base, class: `bk-el bk-${kind}` })}>${items.join('')}</div>`;
    }
    case 'datepicker':
      return `<input${attrs({ ...base, class: 'bk-el bk-datepicker', type: 'date', value: str(element.initial_date) })}>`;
    case 'timepicker':
      return `<input${attrs({ ...base, class: 'bk-el bk-timepicker', type: 'time', value: str(element.initial_time) })}>`;
    case 'plain_text_input': {
      const common = { ...base, class: 'bk-el bk-text-input', placeholder: textOf(element.placeholder) || undefined, maxlength: num(element.max_length) };
      return element.multiline === true
        ? `<textarea${attrs({ ...common, rows: 4 })}>${escapeHtml(str(element.initial_value) ?? '')}</textarea>`
        : `<input${attrs({ ...common, type: 'text', value: str(element.initial_value) })}>`;
    }
    case 'email_text_input':
    case 'url_text_input':
      return `<input${attrs({ ...base, class: 'bk-el bk-text-input', type: kind === 'email_text_input' ? 'email' : 'url', value: str(element.initial_value), placeholder: textOf(element.placeholder) || undefined })}>`;
    case 'number_input':
      return `<input${attrs({
        ...base,
        class: 'bk-el bk-number-input',
        type: 'number',
        'data-decimal': element.is_decimal_allowed === true ? 'true' : undefined,
        step: element.is_decimal_allowed === true ? 'any' : '1',
        min: str(element.min_value),
        max: str(element.max_value),
        value: str(element.initial_value),
      })}>`;
    case 'file_input': {
      const types = arr(element.filetypes).filter((t): t is string => typeof t === 'string');
      return `<input${attrs({ ...base, class: 'bk-el bk-file-input', type: 'file', accept: types.length > 0 ? types.map((t) => `.${t}`).join(',') : undefined, 'data-max-files': num(element.max_files) })}>`;
    }
    case 'image':
      return imageTag(element, 'bk-accessory-image');
    default:
      return unknownBox(`${kind} element`, element);
  }
}

function selectTag(base: Record<string, string | undefined>, element: Json, multi: boolean, options: string, placeholderSelected: boolean): string {
  const placeholder = textOf(element.placeholder) || 'Select an item';
  const first = multi ? '' : `<option value=""${placeholderSelected ? ' selected' : ''} disabled>${escapeHtml(placeholder)}</option>`;
  return `<select${attrs({ ...base, class: `bk-el bk-select${multi ? ' bk-multi' : ''}`, multiple: multi, 'aria-label': placeholder })}>${first}${options}</select>`;
}

function optionTag(option: unknown, chosen: ReadonlySet<string> = new Set()): string {
  if (!isJson(option)) return '';
  const value = str(option.value) ?? '';
  return `<option${attrs({ value, selected: chosen.has(value), 'data-url': str(option.url) })}>${escapeHtml(textOf(option.text))}</option>`;
}

function selectedValues(element: Json): Set<string> {
  const options = [...arr(element.initial_options), ...(element.initial_option ? [element.initial_option] : [])];
  return new Set(options.flatMap((o) => (isJson(o) && typeof o.value === 'string' ? [o.value] : [])));
}

function imageTag(image: Json, className: string): string {
  const url = str(image.image_url) ?? '';
  const safe = /^https?:/i.test(url) ? url : '';
  return `<img${attrs({ class: className, src: safe || undefined, alt: str(image.alt_text) ?? '', loading: 'lazy' })}>`;
}

function confirmText(confirm: Json): string {
  return [textOf(confirm.title), textOf(confirm.text)].filter(Boolean).join('\n\n');
}

/** What the page cannot draw: a labelled box with the JSON, so nothing is silently dropped. */
function unknownBox(what: string, value: unknown): string {
  return `<div class="bk-unknown"><div class="bk-unknown-label">Not drawn by the sandbox: ${escapeHtml(what)}</div><pre>${escapeHtml(JSON.stringify(value, null, 2) ?? String(value))}</pre></div>`;
}

function textOf(text: unknown): string {
  return isJson(text) && typeof text.text === 'string' ? text.text : '';
}

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
