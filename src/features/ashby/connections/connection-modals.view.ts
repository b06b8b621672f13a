/**
 * The Ashby connection modals (add, edit, replace key, remove) and the reading of their
 * submissions. Pure. The API key is only ever an empty input: no view shows it, not even to
 * the admin who typed it, only its last four characters.
 */
import type { KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { z } from 'zod';
import { mrkdwn, mrkdwnText, plain, plainText } from '../../../slack/block-text';
import type { Application } from '../../applications';
import { accessListText } from './connections-section.view';
import { API_KEY_MAX_LENGTH, CONNECTION_NAME_MAX_LENGTH, DEFAULT_CONNECTION_NAME, MAX_ACCESS_LIST, type AshbyConnection } from './connection.types';
import type { ConnectionField, ConnectionFieldErrors } from './connection.service';
import { ASHBY_CONNECTION_IDS as IDS } from './ids';
import { renderNoticeModal } from '../../../slack/notice-modal';

/** Options answered to one typeahead request (Slack's limit). */
export const MAX_APPLICATION_OPTIONS = 100;
const TITLE = 'Ashby connection';

/** The option an application appears as in the access list picker (value: its id). */
export function applicationOption(application: Pick<Application, 'id' | 'name'>): PlainTextOption {
  return { text: plain(plainText(application.name, 75), 75), value: application.id };
}

/** Block ids of the form's fields, for `response_action: errors`. */
const FIELD_BLOCKS: Record<ConnectionField, string> = { name: IDS.name, applications: IDS.applications, apiKey: IDS.apiKey };

/** Field errors as Slack's `errors` object (block id → message). */
export function blockErrors(errors: ConnectionFieldErrors): Record<string, string> {
  return Object.fromEntries(Object.entries(errors).map(([field, message]) => [FIELD_BLOCKS[field as ConnectionField], message]));
}

// -------------------------------------------------------------------------------------------
// private_metadata

const ConnectionMetadata = z.object({ connectionId: z.string().min(1).max(200) });
export type ConnectionMetadata = z.infer<typeof ConnectionMetadata>;

export function encodeConnectionMetadata(metadata: ConnectionMetadata): string {
  return JSON.stringify(metadata);
}

/** The connection a modal is about; undefined for anything this file did not write. */
export function decodeConnectionMetadata(text: string | undefined): ConnectionMetadata | undefined {
  try {
    const parsed = ConnectionMetadata.safeParse(JSON.parse(text ?? ''));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

// -------------------------------------------------------------------------------------------
// Blocks

function nameInput(name: string): KnownBlock {
  return {
    type: 'input',
    block_id: IDS.name,
    label: plain('Name', 2000),
    element: {
      type: 'plain_text_input',
      action_id: IDS.name,
      max_length: CONNECTION_NAME_MAX_LENGTH,
      initial_value: plainText(name, CONNECTION_NAME_MAX_LENGTH),
    },
  };
}

function accessListInput(selected: readonly Pick<Application, 'id' | 'name'>[]): KnownBlock {
  const initial = selected.slice(0, MAX_ACCESS_LIST).map(applicationOption);
  return {
    type: 'input',
    block_id: IDS.applications,
    optional: true,
    label: plain('Application access list', 2000),
    hint: plain('The Pigment applications whose imports may use this connection. An application can be on one connection only. Type to search.', 2000),
    element: {
      type: 'multi_external_select',
      action_id: IDS.applications,
      min_query_length: 0,
      max_selected_items: MAX_ACCESS_LIST,
      placeholder: plain('Choose applications', 150),
      ...(initial.length > 0 ? { initial_options: initial } : {}),
    },
  };
}

function apiKeyInput(label: string): KnownBlock {
  return {
    type: 'input',
    block_id: IDS.apiKey,
    label: plain(label, 2000),
    hint: plain(
      'From Ashby: Admin → API Keys. It is checked with Ashby when you save, stored encrypted, and never shown again: only its last four characters.',
      2000,
    ),
    // No initial_value, ever: the key is not shown back, even to its author.
    element: { type: 'plain_text_input', action_id: IDS.apiKey, max_length: API_KEY_MAX_LENGTH, placeholder: plain('Paste the API key', 150) },
  };
}

function problem(text: string | undefined): KnownBlock[] {
  return text ? [{ type: 'section', text: mrkdwn(`:warning: ${mrkdwnText(text, 2900)}`) }] : [];
}

export interface CreateModalModel {
  /** Kept when the form comes back after a slow check failed (never the key). */
  name?: string;
  selected?: readonly Pick<Application, 'id' | 'name'>[];
  /** A problem to show above the form (when it could not be an inline error). */
  problem?: string;
}

export function renderCreateModal(model: CreateModalModel = {}): ModalView {
  return {
    type: 'modal',
    callback_id: IDS.createView,
    title: plain(TITLE, 24),
    submit: plain('Save', 24),
    close: plain('Cancel', 24),
    blocks: [
      ...problem(model.problem),
      { type: 'section', text: mrkdwn('Connect Pigment to Ashby to import hired candidates. The key is checked with Ashby before anything is saved.') },
      nameInput(model.name ?? DEFAULT_CONNECTION_NAME),
      accessListInput(model.selected ?? []),
      apiKeyInput('API key'),
    ],
  };
}

export function renderEditModal(model: { connection: AshbyConnection; selected: readonly Pick<Application, 'id' | 'name'>[] }): ModalView {
  const { connection } = model;
  return {
    type: 'modal',
    callback_id: IDS.editView,
    private_metadata: encodeConnectionMetadata({ connectionId: connection.id }),
    title: plain('Edit connection', 24),
    submit: plain('Save', 24),
    close: plain('Cancel', 24),
    blocks: [
      nameInput(connection.name),
      accessListInput(model.selected),
      { type: 'context', elements: [mrkdwn(`API key: ends in \`${mrkdwnText(connection.keyLast4, 10)}\`. Use *Replace key* in the App Home to change it.`)] },
    ],
  };
}

export function renderReplaceKeyModal(model: { connection: AshbyConnection; problem?: string }): ModalView {
  const { connection } = model;
  const broken = connection.status === 'broken' ? `\n:warning: Ashby refused the current key: ${mrkdwnText(connection.brokenReason ?? '', 500)}` : '';
  return {
    type: 'modal',
    callback_id: IDS.replaceKeyView,
    private_metadata: encodeConnectionMetadata({ connectionId: connection.id }),
    title: plain('Replace API key', 24),
    submit: plain('Replace', 24),
    close: plain('Cancel', 24),
    blocks: [
      ...problem(model.problem),
      { type: 'section', text: mrkdwn(`*${mrkdwnText(connection.name, 100)}*: the current key ends in \`${mrkdwnText(connection.keyLast4, 10)}\`.${broken}`) },
      apiKeyInput('New API key'),
    ],
  };
}

export function renderRemoveModal(model: { connection: AshbyConnection; applicationNames: ReadonlyMap<string, string> }): ModalView {
  const { connection } = model;
  const lists = connection.applicationIds.length > 0;
  return {
    type: 'modal',
    callback_id: IDS.removeView,
    private_metadata: encodeConnectionMetadata({ connectionId: connection.id }),
    title: plain('Remove connection', 24),
    submit: plain('Remove', 24),
    close: plain('Cancel', 24),
    blocks: [
      { type: 'section', text: mrkdwn(`Remove *${mrkdwnText(connection.name, 100)}* and delete its API key?`) },
      {
        type: 'section',
        text: mrkdwn(
          lists
            ? `Imports of these applications stop until another connection lists them: ${accessListText(connection.applicationIds, model.applicationNames)}.`
            : 'No application uses it.',
        ),
      },
      { type: 'context', elements: [mrkdwn('This cannot be undone: to connect again, add a connection with a key.')] },
    ],
  };
}

/** A modal with one message and no submit: checking the key, refused, gone. */
/** The section's notice (outcomes, "no longer exists"): the one notice modal with this section's title. */
export function renderConnectionNotice(text: string, title = TITLE): ModalView {
  return renderNoticeModal({ callbackId: IDS.noticeView, title, text });
}

// -------------------------------------------------------------------------------------------
// Submissions

const TextValue = z.object({ value: z.string().nullish() }).loose();
const MultiValue = z.object({ selected_options: z.array(z.object({ value: z.string() }).loose()).nullish() }).loose();

function field<T extends z.ZodType>(values: unknown, blockId: string, schema: T): z.output<T> | undefined {
  const block = (values as Record<string, Record<string, unknown>> | undefined)?.[blockId];
  const parsed = schema.safeParse(block?.[blockId]);
  return parsed.success ? parsed.data : undefined;
}

/** Name and access list as submitted (missing fields read as empty: the service says what is wrong). */
export function readSettings(values: unknown): { name: string; applicationIds: string[] } {
  return {
    name: field(values, IDS.name, TextValue)?.value ?? '',
    applicationIds: (field(values, IDS.applications, MultiValue)?.selected_options ?? []).map((o) => o.value),
  };
}

export function readApiKey(values: unknown): string {
  return field(values, IDS.apiKey, TextValue)?.value ?? '';
}
