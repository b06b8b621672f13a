/**
 * The member import modals: upload (file input, headers, template), "reading…", the preview
 * (counts and rows per category, cut to Slack's limits with "and N more"), and the result.
 * Pure; `private_metadata` is encoded and decoded here with zod.
 */
import type { KnownBlock, ModalView } from '@slack/types';
import { z } from 'zod';
import type { MemberImportCounts, MemberImportPreview, MemberImportRowError } from '../member-import.service';
import { ACCOUNT_TYPE_LABELS } from '../member.types';
import { cutEscaped } from '../../../slack/block-text';
import { mrkdwn, plain, plural, userText } from './block-text';
import { MEMBERS_HOME_IDS } from './ids';
import { renderNoticeModal } from '../../../slack/notice-modal';

export const TEMPLATE_FILE_NAME = 'pigment-members-template.csv';

/** Rows listed per category before "and N more". */
export const PREVIEW_LIMITS = { errorRows: 40, newRows: 20, updatedRows: 20, unchangedRows: 10 } as const;
/** Failures listed in the result modal. */
export const RESULT_FAILURE_LIMIT = 40;
/** One listed row never takes more than this (a row error quotes the cell it is about). */
const LINE_MAX = 400;
/** A section's text is at most 3000 characters; keep a margin for the heading. */
const SECTION_TEXT_MAX = 2900;

export interface Notice {
  kind: 'info' | 'error';
  text: string;
}

// ---------------------------------------------------------------------------------------------
// Upload

export interface UploadViewModel {
  /** Shown above the file input: the template was sent, or why the last file was refused. */
  notice?: Notice;
}

export function renderUploadView(model: UploadViewModel = {}): ModalView {
  const blocks: KnownBlock[] = [];
  if (model.notice) blocks.push(noticeBlock(model.notice, 'members.import_notice'));
  blocks.push(
    {
      type: 'section',
      block_id: 'members.import_help',
      text: mrkdwn(
        'Upload a CSV file with the columns *Name*, *Email* and *Account Type* (header names in any case or spacing).\n' +
          `• *Account Type* is optional: ${Object.values(ACCOUNT_TYPE_LABELS).join(', ')}. Empty means ${ACCOUNT_TYPE_LABELS.standard_member}.\n` +
          '• A known email updates that member; a new email adds a member, who starts as *pending*.\n' +
          '• You see a preview first: nothing is written until you confirm.',
      ),
    },
    {
      type: 'actions',
      block_id: 'members.import_template_actions',
      elements: [{ type: 'button', action_id: MEMBERS_HOME_IDS.importTemplate, text: plain('Download template', 75), value: 'template' }],
    },
    {
      type: 'input',
      block_id: MEMBERS_HOME_IDS.importFileBlock,
      label: plain('CSV file', 2000),
      hint: plain('Save from your spreadsheet as "CSV UTF-8". Up to 10 MB.', 2000),
      element: { type: 'file_input', action_id: MEMBERS_HOME_IDS.importFile, filetypes: ['csv'], max_files: 1 },
    },
  );
  return {
    type: 'modal',
    callback_id: MEMBERS_HOME_IDS.importUploadView,
    title: plain('Import members', 24),
    submit: plain('Preview', 24),
    close: plain('Cancel', 24),
    blocks,
  };
}

/** The file the admin submitted, read from the upload modal's state; undefined when there is none. */
export function submittedFile(stateValues: unknown): { url: string; name: string } | undefined {
  const parsed = submittedFileSchema.safeParse(stateValues);
  const file = parsed.success ? parsed.data[MEMBERS_HOME_IDS.importFileBlock][MEMBERS_HOME_IDS.importFile].files[0] : undefined;
  return file ? { url: file.url_private_download, name: file.name ?? 'file.csv' } : undefined;
}

const submittedFileSchema = z.object({
  [MEMBERS_HOME_IDS.importFileBlock]: z.object({
    [MEMBERS_HOME_IDS.importFile]: z.object({
      files: z.array(z.object({ url_private_download: z.string().min(1), name: z.string().optional() }).loose()),
    }),
  }),
});

// ---------------------------------------------------------------------------------------------
// Progress, notices

/** A modal that only informs (reading the file, importing, refused, expired…). */
export function renderInfoView(input: { title: string; text: string }): ModalView {
  return renderNoticeModal({ callbackId: MEMBERS_HOME_IDS.importInfoView, blockId: 'members.import_info', ...input });
}

export function renderReadingView(fileName: string): ModalView {
  return renderInfoView({ title: 'Import members', text: `:hourglass_flowing_sand: Reading *${userText(fileName, 200)}*…` });
}

export function renderImportingView(): ModalView {
  return renderInfoView({ title: 'Import members', text: ':hourglass_flowing_sand: Importing members… This window shows the result when it is done.' });
}

// ---------------------------------------------------------------------------------------------
// Preview

const previewMetadataSchema = z.object({ previewId: z.string().min(1).max(100) });
export type PreviewMetadata = z.infer<typeof previewMetadataSchema>;

export function encodePreviewMetadata(metadata: PreviewMetadata): string {
  return JSON.stringify(previewMetadataSchema.parse(metadata));
}

export function decodePreviewMetadata(raw: string | undefined): PreviewMetadata | undefined {
  return decodeJson(previewMetadataSchema, raw);
}

export interface PreviewViewModel {
  previewId: string;
  fileName: string;
  preview: MemberImportPreview;
}

export function renderPreviewView(model: PreviewViewModel): ModalView {
  const { preview } = model;
  const writes = preview.newRows.length + preview.updatedRows.length;
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      block_id: 'members.preview_summary',
      text: mrkdwn(`*${userText(model.fileName, 200)}*: ${plural(preview.totalRows, 'row')}`),
      fields: [
        mrkdwn(`*New*\n${preview.newRows.length.toLocaleString('en-US')}`),
        mrkdwn(`*Updated*\n${preview.updatedRows.length.toLocaleString('en-US')}`),
        mrkdwn(`*Unchanged*\n${preview.unchangedRows.length.toLocaleString('en-US')}`),
        mrkdwn(`*Errors*\n${preview.errorRows.length.toLocaleString('en-US')}`),
      ],
    },
    {
      type: 'context',
      block_id: 'members.preview_note',
      elements: [
        mrkdwn(
          writes === 0
            ? 'Nothing to import: no row adds or changes a member.'
            : `Nothing is written until you press *Import*. New members start as pending.${preview.errorRows.length > 0 ? ' Rows with errors are skipped.' : ''}`,
        ),
      ],
    },
  ];
  blocks.push(
    ...listSection('errors', ':warning: Errors', preview.errorRows, PREVIEW_LIMITS.errorRows, (row) => userText(row.message, LINE_MAX)),
    ...listSection(
      'new',
      'New members',
      preview.newRows,
      PREVIEW_LIMITS.newRows,
      (row) => `Line ${row.line} · *${userText(row.name, 80)}* · ${userText(row.email, 80)} · ${ACCOUNT_TYPE_LABELS[row.accountType]}`,
    ),
    ...listSection('updated', 'Updated members', preview.updatedRows, PREVIEW_LIMITS.updatedRows, updatedLine),
    ...listSection('unchanged', 'Unchanged', preview.unchangedRows, PREVIEW_LIMITS.unchangedRows, (row) => `Line ${row.line} · ${userText(row.email, 120)}`),
  );
  return {
    type: 'modal',
    callback_id: MEMBERS_HOME_IDS.importPreviewView,
    private_metadata: encodePreviewMetadata({ previewId: model.previewId }),
    title: plain('Import preview', 24),
    ...(writes > 0 ? { submit: plain('Import', 24) } : {}),
    close: plain(writes > 0 ? 'Cancel' : 'Close', 24),
    blocks,
  };
}

function updatedLine(row: MemberImportPreview['updatedRows'][number]): string {
  const changes: string[] = [];
  if (row.changes.name) changes.push(`name ${userText(row.changes.name.before, 60)} → *${userText(row.changes.name.after, 60)}*`);
  if (row.changes.accountType) changes.push(`${ACCOUNT_TYPE_LABELS[row.changes.accountType.before]} → *${ACCOUNT_TYPE_LABELS[row.changes.accountType.after]}*`);
  return `Line ${row.line} · ${userText(row.email, 80)} · ${changes.join(' · ')}`;
}

// ---------------------------------------------------------------------------------------------
// Result

export interface ResultViewModel {
  fileName: string;
  counts: MemberImportCounts;
  /** Rows refused while applying (changed since the preview, email taken…). */
  failures: MemberImportRowError[];
}

export function renderResultView(model: ResultViewModel): ModalView {
  const { counts } = model;
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      block_id: 'members.import_result',
      text: mrkdwn(`:white_check_mark: *${userText(model.fileName, 200)}* is imported.`),
      fields: [
        mrkdwn(`*Created*\n${counts.created.toLocaleString('en-US')}`),
        mrkdwn(`*Updated*\n${counts.updated.toLocaleString('en-US')}`),
        mrkdwn(`*Unchanged*\n${counts.unchanged.toLocaleString('en-US')}`),
        mrkdwn(`*Skipped (errors)*\n${counts.failed.toLocaleString('en-US')}`),
      ],
    },
  ];
  if (counts.created > 0)
    blocks.push({
      type: 'context',
      block_id: 'members.import_pending',
      elements: [mrkdwn('New members are pending until they are activated in Pigment; they are matched to Slack users by email.')],
    });
  blocks.push(...listSection('failures', 'Skipped while importing', model.failures, RESULT_FAILURE_LIMIT, (row) => userText(row.message, LINE_MAX)));
  return {
    type: 'modal',
    callback_id: MEMBERS_HOME_IDS.importInfoView,
    title: plain('Import done', 24),
    close: plain('Close', 24),
    blocks,
  };
}

// ---------------------------------------------------------------------------------------------
// Helpers

/**
 * A titled list of the first `limit` items, each formatted as one mrkdwn line: as many
 * sections as those lines need (each under 3,000 characters), and "and N more" when there are
 * more items. Nothing for an empty list. Only the shown items are formatted.
 */
export function listSection<T>(key: string, title: string, items: readonly T[], limit: number, format: (item: T) => string): KnownBlock[] {
  if (items.length === 0) return [];
  const shown = items.slice(0, limit);
  const blocks: KnownBlock[] = [{ type: 'divider', block_id: `members.${key}_divider` }];
  let text = `*${title} (${items.length.toLocaleString('en-US')})*`;
  for (const item of shown) {
    // format() returns escaped mrkdwn: cut it without splitting an entity.
    const next = cutEscaped(format(item), LINE_MAX);
    if (text.length + 1 + next.length > SECTION_TEXT_MAX) {
      blocks.push({ type: 'section', block_id: `members.${key}_${blocks.length}`, text: mrkdwn(text) });
      text = next;
    } else {
      text += `\n${next}`;
    }
  }
  blocks.push({ type: 'section', block_id: `members.${key}_${blocks.length}`, text: mrkdwn(text) });
  const more = items.length - shown.length;
  if (more > 0) blocks.push({ type: 'context', block_id: `members.${key}_more`, elements: [mrkdwn(`…and ${more.toLocaleString('en-US')} more`)] });
  return blocks;
}

export function noticeBlock(notice: Notice, blockId: string): KnownBlock {
  const icon = notice.kind === 'error' ? ':warning:' : ':information_source:';
  return { type: 'section', block_id: blockId, text: mrkdwn(`${icon} ${notice.text}`) };
}

/** Parses a private_metadata JSON string with `schema`; undefined for anything else. */
export function decodeJson<T>(schema: z.ZodType<T>, raw: string | undefined): T | undefined {
  if (!raw) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
