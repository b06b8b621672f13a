/**
 * The member import modals as pure data: Slack's limits with the longest values and 100+ rows,
 * "and N more", empty previews, and the metadata that carries the preview id.
 */
import { validateView } from '../../../../scripts/slack-emulator/block-kit';
import { MEMBERS_HOME_IDS } from '../../../../src/features/members/home/ids';
import {
  decodePreviewMetadata,
  encodePreviewMetadata,
  listSection,
  PREVIEW_LIMITS,
  renderImportingView,
  renderPreviewView,
  renderReadingView,
  renderResultView,
  renderUploadView,
  submittedFile,
} from '../../../../src/features/members/home/member-import.view';
import { bigPreview, emptyPreview, LONGEST_NAME } from './fixtures';

type Block = Record<string, unknown> & { type: string; block_id?: string };

const text = (value: unknown) => JSON.stringify(value);

describe('upload modal', () => {
  it('has a single-CSV file input, explains the headers and offers the template', () => {
    const view = renderUploadView();
    expect(validateView(view)).toEqual([]);
    const input = (view.blocks as Block[]).find((b) => b.type === 'input')!;
    expect(input.block_id).toBe(MEMBERS_HOME_IDS.importFileBlock);
    expect(input.element).toEqual({ type: 'file_input', action_id: MEMBERS_HOME_IDS.importFile, filetypes: ['csv'], max_files: 1 });
    expect(text(view)).toMatch(/\*Name\*, \*Email\* and \*Account Type\*/);
    expect(text(view)).toContain('optional');
    expect(text(view)).toContain('Empty means Standard member');
    expect(text(view)).toContain(MEMBERS_HOME_IDS.importTemplate);
    expect(view.callback_id).toBe(MEMBERS_HOME_IDS.importUploadView);
    expect(view.submit).toBeDefined();
  });

  it('shows a notice, cut to fit, above the input', () => {
    const view = renderUploadView({ notice: { kind: 'error', text: 'x'.repeat(5000) } });
    expect(validateView(view)).toEqual([]);
    expect((view.blocks as Block[])[0]!.block_id).toBe('members.import_notice');
    expect(text(view)).toContain('…');
  });

  it('reads the submitted file from the state, and nothing from a state without one', () => {
    const values = {
      [MEMBERS_HOME_IDS.importFileBlock]: {
        [MEMBERS_HOME_IDS.importFile]: { type: 'file_input', files: [{ id: 'F1', name: 'a.csv', url_private_download: 'https://files.slack.com/x' }] },
      },
    };
    expect(submittedFile(values)).toEqual({ url: 'https://files.slack.com/x', name: 'a.csv' });
    expect(submittedFile({ [MEMBERS_HOME_IDS.importFileBlock]: { [MEMBERS_HOME_IDS.importFile]: { files: [] } } })).toBeUndefined();
    expect(submittedFile({})).toBeUndefined();
    expect(submittedFile(undefined)).toBeUndefined();
  });

  it('progress modals stay valid with the longest file name', () => {
    expect(validateView(renderReadingView(`${LONGEST_NAME}.csv`))).toEqual([]);
    expect(validateView(renderImportingView())).toEqual([]);
  });
});

describe('preview modal', () => {
  it('shows the counts and an Import button, with the preview id in the metadata', () => {
    const preview = bigPreview(3);
    const view = renderPreviewView({ previewId: 'p-1', fileName: 'members.csv', preview });
    expect(validateView(view)).toEqual([]);
    expect(view.submit).toEqual(expect.objectContaining({ text: 'Import' }));
    expect(decodePreviewMetadata(view.private_metadata)).toEqual({ previewId: 'p-1' });
    const summary = (view.blocks as Block[])[0] as unknown as { fields: Array<{ text: string }> };
    expect(summary.fields.map((f) => f.text)).toEqual(['*New*\n3', '*Updated*\n3', '*Unchanged*\n3', '*Errors*\n3']);
    // Each error with its line and reason.
    expect(text(view)).toContain('Line 2: “&lt;&amp;&gt;');
    expect(text(view)).toContain('Workspace admin');
    expect(text(view)).toContain('Standard member → *Security admin*');
    expect(text(view)).not.toContain('more');
  });

  it('cuts 150 rows per category within 100 blocks and says how many more', () => {
    const view = renderPreviewView({ previewId: 'p-1', fileName: `${LONGEST_NAME}.csv`, preview: bigPreview(150) });
    expect(validateView(view)).toEqual([]);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    for (const [key, limit] of [
      ['errors', PREVIEW_LIMITS.errorRows],
      ['new', PREVIEW_LIMITS.newRows],
      ['updated', PREVIEW_LIMITS.updatedRows],
      ['unchanged', PREVIEW_LIMITS.unchangedRows],
    ] as const) {
      const more = (view.blocks as Block[]).find((b) => b.block_id === `members.${key}_more`);
      expect(text(more)).toContain(`and ${150 - limit} more`);
    }
    expect(text(view)).toContain('Errors (150)');
  });

  it('stays within the limits for 100,000 rows', () => {
    const view = renderPreviewView({ previewId: 'p-1', fileName: 'big.csv', preview: bigPreview(25_000) });
    expect(validateView(view)).toEqual([]);
    expect(text(view)).toContain('and 24,960 more');
  });

  it('has nothing to import for an empty file: no Import button', () => {
    const view = renderPreviewView({ previewId: 'p-1', fileName: 'empty.csv', preview: emptyPreview() });
    expect(validateView(view)).toEqual([]);
    expect(view.submit).toBeUndefined();
    expect(text(view)).toContain('Nothing to import');
  });

  it('has no Import button when every row is unchanged or wrong', () => {
    const preview = { ...bigPreview(2), newRows: [], updatedRows: [] };
    const view = renderPreviewView({ previewId: 'p-1', fileName: 'same.csv', preview });
    expect(validateView(view)).toEqual([]);
    expect(view.submit).toBeUndefined();
  });

  it('refuses metadata that is not its own', () => {
    expect(decodePreviewMetadata(undefined)).toBeUndefined();
    expect(decodePreviewMetadata('not json')).toBeUndefined();
    expect(decodePreviewMetadata('{"other":1}')).toBeUndefined();
    expect(decodePreviewMetadata(encodePreviewMetadata({ previewId: 'abc' }))).toEqual({ previewId: 'abc' });
  });
});

describe('result modal', () => {
  it('shows the counts, and the rows skipped while importing, cut with "and N more"', () => {
    const failures = Array.from({ length: 120 }, (_, i) => ({ line: i + 2, reason: 'email_taken' as const, message: `Line ${i + 2}: ${'x'.repeat(600)}` }));
    const view = renderResultView({ fileName: `${LONGEST_NAME}.csv`, counts: { created: 10, updated: 2, unchanged: 1, failed: 120 }, failures });
    expect(validateView(view)).toEqual([]);
    expect(text(view)).toContain('*Created*\\n10');
    expect(text(view)).toContain('and 80 more');
    expect(text(view)).toContain('pending');
  });

  it('is valid with nothing at all', () => {
    const view = renderResultView({ fileName: 'x.csv', counts: { created: 0, updated: 0, unchanged: 0, failed: 0 }, failures: [] });
    expect(validateView(view)).toEqual([]);
    expect(text(view)).not.toContain('pending');
  });
});

describe('listSection', () => {
  it('splits long lists into sections under 3,000 characters', () => {
    const blocks = listSection(
      'x',
      'Things',
      Array.from({ length: 30 }, (_, i) => i),
      30,
      (i) => `${i} ${'y'.repeat(1000)}`,
    ) as Array<Block & { text?: { text: string } }>;
    const sections = blocks.filter((b) => b.type === 'section');
    expect(sections.length).toBeGreaterThanOrEqual(4);
    for (const section of sections) expect(Array.from(section.text!.text).length).toBeLessThanOrEqual(3000);
    // Every item is listed, each cut to one short line.
    for (let i = 0; i < 30; i++) expect(text(blocks)).toContain(`${i} yyy`);
    expect(text(blocks)).not.toContain('more');
    expect(listSection('x', 'Things', [], 10, String)).toEqual([]);
  });
});
