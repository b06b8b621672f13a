/**
 * The import setup modal (new or edit) and the parsing of its submission. Pure.
 *
 * Choosing the application reloads the modal (dispatch_action) with the connection that lists
 * it and Ashby's custom fields read through that connection; if no connection lists it, the
 * modal says to add it to a connection's access list first. Option values are custom field ids
 * and option texts their titles, so a submission carries both without another call to Ashby.
 */
import type { KnownBlock, ModalView, Option, PlainTextOption } from '@slack/types';
import { z } from 'zod';
import { mrkdwn, mrkdwnText, plain, plainText } from '../../../slack/block-text';
import type { AshbyCustomFieldDefinition } from '../ashby-api.types';
import { IMPORT_SETUP_BLOCKS as BLOCKS, IMPORT_SETUP_IDS as IDS } from './ids';
import type { ImportApplication } from './import-connections';
import type { ImportSettings } from './import.repository';
import type { AshbyImport, ChosenCustomField } from './import.types';
import { renderNoticeModal } from '../../../slack/notice-modal';

/** Slack's limit on a static select's options. */
export const MAX_OPTIONS = 100;
export const MAX_TARGET_BLOCK = 100;
const MAX_ID = 150;

export interface SetupModalModel {
  /** The import being edited; undefined for a new one. */
  editing?: AshbyImport;
  /** Registered platform applications (the first MAX_OPTIONS are offered). */
  applications: readonly ImportApplication[];
  /** The chosen application, once there is one. */
  applicationId?: string;
  /** What the connection lookup found for the chosen application. */
  source?:
    | { kind: 'connected'; connectionName: string; customFields: readonly AshbyCustomFieldDefinition[] }
    | { kind: 'connected_fields_unread'; connectionName: string; reason: string }
    | { kind: 'no_connection'; text: string };
  /** Values typed before the application changed, kept across the reload. */
  draft?: { targetBlock?: string; customFields?: ChosenCustomField[]; createPendingMembers?: boolean };
}

const metadataSchema = z.object({ importId: z.string().min(1).max(200).optional() });
export type SetupMetadata = z.infer<typeof metadataSchema>;

export function encodeSetupMetadata(metadata: SetupMetadata): string {
  return JSON.stringify(metadata);
}

export function decodeSetupMetadata(text: string | undefined): SetupMetadata | undefined {
  if (text === undefined || text === '') return {};
  try {
    const parsed = metadataSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const PENDING_ON: Option = {
  text: plain('Create a pending member for each hire whose email matches no member (mapped as soon as they join Slack)', 75),
  value: 'on',
};

function applicationOption(application: ImportApplication): PlainTextOption {
  return { text: plain(plainText(application.name, 75), 75), value: firstChars(application.id, MAX_ID) };
}

function fieldOption(field: Pick<AshbyCustomFieldDefinition, 'id' | 'title'> & { objectType?: string }): PlainTextOption {
  const label = field.objectType ? `${field.title} (${field.objectType})` : field.title;
  return { text: plain(plainText(label, 75), 75), value: firstChars(field.id, MAX_ID) };
}

const TITLE = 'Ashby import';

/** The first `max` characters (code points: `.slice` could cut an emoji in half, which Slack cannot show). */
function firstChars(text: string, max: number): string {
  return Array.from(text).slice(0, max).join('');
}

export function renderSetupModal(model: SetupModalModel): ModalView {
  const base = {
    type: 'modal' as const,
    callback_id: IDS.view,
    title: plain(TITLE, 24),
    close: plain('Cancel', 24),
    private_metadata: encodeSetupMetadata(model.editing ? { importId: model.editing.id } : {}),
  };
  if (model.applications.length === 0) {
    return {
      ...base,
      blocks: [
        {
          type: 'section',
          text: mrkdwn(
            "No platform application is registered yet. The platform registers its applications through `PUT /api/v1/workspaces/:workspaceId/applications/:applicationId`; then add one to an Ashby connection's access list.",
          ),
        },
      ],
    };
  }
  const applications = model.applications.slice(0, MAX_OPTIONS);
  const chosen = applications.find((a) => a.id === model.applicationId);
  const draft = model.draft ?? {};
  const targetBlock = draft.targetBlock ?? model.editing?.targetBlock ?? '';
  const pending = draft.createPendingMembers ?? model.editing?.createPendingMembers ?? false;
  const chosenFields = draft.customFields ?? model.editing?.customFields ?? [];
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: mrkdwn('Hired candidates are read from Ashby on the import schedule (and on Run now) and stored as rows for the target block, one per hire.'),
    },
    {
      type: 'input',
      block_id: BLOCKS.application,
      dispatch_action: true,
      label: plain('Application', 2000),
      hint: plain('The Ashby connection whose access list has this application is used.', 2000),
      element: {
        type: 'static_select',
        action_id: IDS.application,
        placeholder: plain('Choose an application', 150),
        options: applications.map(applicationOption),
        ...(chosen ? { initial_option: applicationOption(chosen) } : {}),
      },
    },
  ];
  const source = model.source;
  if (source?.kind === 'no_connection') {
    blocks.push({ type: 'section', block_id: BLOCKS.connection, text: mrkdwn(`:warning: ${mrkdwnText(source.text, 500)}`) });
  } else if (source) {
    blocks.push({ type: 'context', block_id: BLOCKS.connection, elements: [mrkdwn(`Uses the Ashby connection *${mrkdwnText(source.connectionName, 200)}*.`)] });
  }
  blocks.push({
    type: 'input',
    block_id: BLOCKS.targetBlock,
    label: plain('Target block', 2000),
    hint: plain('The name of the block the rows are imported into.', 2000),
    element: {
      type: 'plain_text_input',
      action_id: IDS.targetBlock,
      max_length: MAX_TARGET_BLOCK,
      placeholder: plain('e.g. New hires', 150),
      ...(targetBlock ? { initial_value: firstChars(targetBlock, MAX_TARGET_BLOCK) } : {}),
    },
  });
  if (source?.kind === 'connected') {
    const available = source.customFields.slice(0, MAX_OPTIONS);
    const initial = chosenFields.flatMap((c) => {
      const known = available.find((f) => f.id === c.id);
      return known ? [fieldOption(known)] : [];
    });
    if (available.length > 0) {
      blocks.push({
        type: 'input',
        block_id: BLOCKS.customFields,
        optional: true,
        label: plain('Custom fields', 2000),
        hint: plain(
          source.customFields.length > available.length
            ? `Ashby reports ${source.customFields.length} custom fields; the first ${available.length} are offered. They are imported besides the default fields.`
            : 'Imported besides the default fields (name, department, job, start dates, salary).',
          2000,
        ),
        element: {
          type: 'multi_static_select',
          action_id: IDS.customFields,
          placeholder: plain('Choose custom fields', 150),
          options: available.map(fieldOption),
          ...(initial.length > 0 ? { initial_options: initial } : {}),
        },
      });
    } else {
      blocks.push({ type: 'context', elements: [mrkdwn('Ashby reports no custom fields; the default fields are imported.')] });
    }
  } else if (source?.kind === 'connected_fields_unread') {
    blocks.push({
      type: 'context',
      elements: [
        mrkdwn(
          `:warning: Ashby's custom fields could not be read (${mrkdwnText(source.reason, 300)}). Choose the application again to retry; the default fields can be imported meanwhile.`,
        ),
      ],
    });
  }
  blocks.push({
    type: 'input',
    block_id: BLOCKS.createPendingMembers,
    optional: true,
    label: plain('Members', 2000),
    element: { type: 'checkboxes', action_id: IDS.createPendingMembers, options: [PENDING_ON], ...(pending ? { initial_options: [PENDING_ON] } : {}) },
  });
  // Slack requires a submit on a modal with inputs; a submission without a connection gets the same words inline.
  return { ...base, submit: plain(model.editing ? 'Save' : 'Create', 24), blocks };
}

/** A modal with one paragraph and no submit (loading, refused, gone). */
export function renderImportNotice(text: string, title = TITLE): ModalView {
  return renderNoticeModal({ callbackId: IDS.notice, title, text });
}

type StateValues = Record<string, Record<string, Record<string, unknown>>>;

function field(values: unknown, block: string, action: string): Record<string, unknown> | undefined {
  const value = (values as StateValues | undefined)?.[block]?.[action];
  return value && typeof value === 'object' ? value : undefined;
}

const optionSchema = z.object({ value: z.string().min(1).max(MAX_ID), text: z.object({ text: z.string() }).loose() }).loose();

/** What the modal's inputs hold right now (a submission, or the state sent with a block action). */
export function readSetupState(values: unknown): {
  applicationId?: string;
  targetBlock?: string;
  customFields: ChosenCustomField[];
  createPendingMembers: boolean;
} {
  const app = z
    .object({ selected_option: z.object({ value: z.string() }).loose().nullish() })
    .loose()
    .safeParse(field(values, BLOCKS.application, IDS.application) ?? {});
  const text = field(values, BLOCKS.targetBlock, IDS.targetBlock)?.['value'];
  const selected = z.array(optionSchema).safeParse(field(values, BLOCKS.customFields, IDS.customFields)?.['selected_options'] ?? []);
  const pending = z
    .array(z.object({ value: z.string() }).loose())
    .safeParse(field(values, BLOCKS.createPendingMembers, IDS.createPendingMembers)?.['selected_options'] ?? []);
  const applicationId = app.success ? app.data.selected_option?.value : undefined;
  return {
    ...(applicationId ? { applicationId } : {}),
    ...(typeof text === 'string' ? { targetBlock: text } : {}),
    // Titles as the options showed them (without the "(Object type)" suffix).
    customFields: selected.success ? selected.data.map((o) => ({ id: o.value, title: o.text.text.replace(/ \([^()]*\)$/, '') })) : [],
    createPendingMembers: pending.success && pending.data.some((o) => o.value === 'on'),
  };
}

export type SetupParse = { ok: true; settings: ImportSettings } | { ok: false; errors: Record<string, string> };

/** Checks a submission's values; the application's existence and connection are checked by the caller. */
export function parseSetupSubmission(values: unknown): SetupParse {
  const state = readSetupState(values);
  const errors: Record<string, string> = {};
  if (!state.applicationId) errors[BLOCKS.application] = 'Choose an application.';
  const targetBlock = (state.targetBlock ?? '').trim().replace(/\s+/g, ' ');
  if (targetBlock === '') errors[BLOCKS.targetBlock] = 'Enter the name of the block to import into.';
  else if (Array.from(targetBlock).length > MAX_TARGET_BLOCK) errors[BLOCKS.targetBlock] = `Use at most ${MAX_TARGET_BLOCK} characters.`;
  if (state.customFields.length > MAX_OPTIONS) errors[BLOCKS.customFields] = `Choose at most ${MAX_OPTIONS} custom fields.`;
  if (Object.keys(errors).length > 0 || !state.applicationId) return { ok: false, errors };
  const unique = [...new Map(state.customFields.map((f) => [f.id, f])).values()];
  return { ok: true, settings: { applicationId: state.applicationId, targetBlock, customFields: unique, createPendingMembers: state.createPendingMembers } };
}
