/**
 * Reads a member import CSV (`Name, Email, Account Type`) into good rows and per-row errors.
 * Pure, no I/O, never throws: the command-line import and the Slack upload modal both call it
 * with the raw bytes and then decide what to write.
 *
 * Cells that look like spreadsheet formulas (`=`, `+`, `-`, `@` first) are kept as plain text on
 * purpose: a formula only runs when a spreadsheet opens a file, so CSV injection is guarded
 * against where members are *exported*, not here.
 */
import { CsvError, parse as parseCsv, type CsvErrorCode, type Options } from 'csv-parse/sync';
import { toCsvLine } from '../../platform/csv/csv-writer';
import { ACCOUNT_TYPE_LABELS, ACCOUNT_TYPES, emailKey, type AccountType } from './member.types';

/** One member row that passed every check. */
export interface MemberCsvRow {
  /** 1-based physical line in the file where the record starts (the header is line 1). */
  line: number;
  name: string;
  /** As written in the file, trimmed. */
  email: string;
  emailKey: string;
  /** `standard_member` when the cell is empty or the column absent; see `accountTypeGiven`. */
  accountType: AccountType;
  /** False when the cell was empty or the column absent: existing members then keep their type. */
  accountTypeGiven: boolean;
}

export type MemberCsvRowErrorReason =
  | 'missing_name'
  | 'missing_email'
  | 'invalid_email'
  | 'unknown_account_type'
  | 'duplicate_email'
  | 'too_many_columns'
  | 'field_too_long';

/** Why one row was left out; the rest of the file is still imported. */
export interface MemberCsvRowError {
  line: number;
  reason: MemberCsvRowErrorReason;
  /** Human sentence starting with "Line N:". */
  message: string;
  /** The row's cells as read (at most MEMBER_CSV_MAX_COLUMNS of them), to show next to the message. */
  raw?: string[];
}

/** Why the whole file was refused; nothing of it is imported. */
export type MemberCsvFileError = {
  reason: 'empty_file' | 'not_utf8' | 'missing_headers' | 'unterminated_quote' | 'text_after_quote' | 'too_many_rows' | 'too_large';
  message: string;
};

export type MemberCsvParseResult = { ok: true; rows: MemberCsvRow[]; errors: MemberCsvRowError[] } | { ok: false; error: MemberCsvFileError };

export interface MemberCsvParseOptions {
  /** Most data rows accepted; more refuses the file. Default MEMBER_CSV_DEFAULT_MAX_ROWS. */
  maxRows?: number;
  /** Largest file accepted, in bytes. Default MEMBER_CSV_DEFAULT_MAX_BYTES. */
  maxBytes?: number;
}

/** The headers of the file, in the template's order. */
export const MEMBER_CSV_HEADERS = ['Name', 'Email', 'Account Type'] as const;
export const MEMBER_CSV_DEFAULT_MAX_ROWS = 100_000;
/** Slack's file_input accepts files up to 10 MB, so a larger limit would never be reached from Slack. */
export const MEMBER_CSV_DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
export const MEMBER_CSV_MAX_COLUMNS = 50;
export const MEMBER_CSV_MAX_NAME_LENGTH = 200;
/** RFC 5321's limit on a forward path, the usual bound on an address. */
export const MEMBER_CSV_MAX_EMAIL_LENGTH = 254;

/**
 * Parses a member CSV. File-level problems refuse the whole file (`ok: false`); row-level
 * problems leave the row out and are listed in `errors`, one per row, in file order.
 */
export function parseMemberCsv(input: Buffer | string, options: MemberCsvParseOptions = {}): MemberCsvParseResult {
  const maxRows = limitOption(options.maxRows, MEMBER_CSV_DEFAULT_MAX_ROWS);
  const maxBytes = limitOption(options.maxBytes, MEMBER_CSV_DEFAULT_MAX_BYTES);

  const decoded = decodeInput(input, maxBytes);
  if (!decoded.ok) return decoded;
  const text = decoded.text;
  if (!/\S/.test(text)) return fileError('empty_file', 'The file is empty.');

  let columns: ColumnMap | undefined;
  let dataRows = 0;
  const rows: MemberCsvRow[] = [];
  const errors: MemberCsvRowError[] = [];
  const firstLineByEmailKey = new Map<string, number>();

  const reading = readCsvRecords(text, detectDelimiter(text));
  // The records before a quoting error are checked first, so a bad header or too many rows is
  // still what the file is refused for when it comes earlier.
  for (const record of reading.records) {
    if (!columns) {
      const mapped = mapColumns(record);
      if (!mapped.ok) return mapped;
      columns = mapped.columns;
      continue;
    }
    dataRows++;
    // Refused whole rather than cut: a partial import is harder to reason about than none.
    if (dataRows > maxRows) {
      return fileError(
        'too_many_rows',
        `The file has more than ${formatCount(maxRows)} member rows, the most one import accepts. Split it into smaller files.`,
      );
    }
    const checked = checkRow(record, columns);
    if (!checked.ok) {
      errors.push(checked.error);
      continue;
    }
    const { row } = checked;
    const firstLine = firstLineByEmailKey.get(row.emailKey);
    if (firstLine !== undefined) {
      errors.push(rowError(record, 'duplicate_email', `${quote(row.email)} is already on line ${firstLine}; only that row is imported.`));
      continue;
    }
    firstLineByEmailKey.set(row.emailKey, row.line);
    rows.push(row);
  }
  if (reading.error) return quoteFileError(reading.error);

  // Only blank records (e.g. ",,," lines), so there is not even a header.
  if (!columns) return fileError('empty_file', 'The file has no rows, not even the header line.');
  return { ok: true, rows, errors };
}

/** The template offered for download: header line + two example rows, CRLF line endings. */
export function memberCsvTemplate(): string {
  const lines = [
    [...MEMBER_CSV_HEADERS],
    ['Ada Lovelace', 'ada.lovelace@example.com', ACCOUNT_TYPE_LABELS.standard_member],
    ['Grace Hopper', 'grace.hopper@example.com', ACCOUNT_TYPE_LABELS.workspace_admin],
  ];
  // RFC 4180 uses CRLF, and Excel on Windows opens it without a blank line per row.
  return lines.map(toCsvLine).join('');
}

// ---------------------------------------------------------------------------------------------
// Bytes → text

type Decoded = { ok: true; text: string } | { ok: false; error: MemberCsvFileError };

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const SAVE_AS_UTF8 = 'Save it again as "CSV UTF-8" (in Excel: File › Save As › CSV UTF-8 (Comma delimited)).';

function decodeInput(input: Buffer | string, maxBytes: number): Decoded {
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.length;
  // Checked before decoding, so an oversized upload costs nothing more.
  if (size > maxBytes) {
    return fileError('too_large', `The file is ${formatBytes(size)}; the largest accepted is ${formatBytes(maxBytes)}.`);
  }
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    if (hasUtf16Bom(input)) return fileError('not_utf8', `The file is saved as UTF-16 (Excel's "Unicode Text"). ${SAVE_AS_UTF8}`);
    try {
      // The decoder also drops a leading UTF-8 BOM.
      text = UTF8.decode(input);
    } catch {
      return fileError('not_utf8', `The file is not UTF-8 text (accented letters would come out garbled). ${SAVE_AS_UTF8}`);
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // NUL never appears in a text CSV; it does in every UTF-16 file saved without a BOM.
  if (text.includes('\u0000')) return fileError('not_utf8', `The file looks like UTF-16 text, not UTF-8. ${SAVE_AS_UTF8}`);
  return { ok: true, text };
}

function hasUtf16Bom(bytes: Buffer): boolean {
  const [first, second] = bytes;
  return (first === 0xff && second === 0xfe) || (first === 0xfe && second === 0xff);
}

// ---------------------------------------------------------------------------------------------
// Text → records (csv-parse, set up for what spreadsheets write in practice)

const LF = 0x0a;
const CR = 0x0d;
/** Cells kept per record: enough to find any realistic header, bounded so a line of 10 MB of commas stays cheap to check. */
const MAX_CELLS_KEPT = 1_000;

/**
 * What is left to csv-parse's defaults, and why: `bom` (the bytes are decoded above, where a
 * UTF-16 BOM is refused), `skip_empty_lines` (blank records are dropped here, since every
 * record's end is needed to number the next one), `delimiter_auto` (its trial parse throws on a
 * quoted `"Lovelace, Ada";` and it counts spaces as a candidate; see detectDelimiter) and
 * `max_record_size` (unlimited: the file's size limit already bounds a record).
 */
const CSV_OPTIONS = {
  // CRLF, LF and a lone CR (old Mac exports) each end a record, even mixed in one file; left
  // alone, csv-parse would keep only the first kind it meets.
  record_delimiter: ['\r\n', '\n', '\r'],
  // Whitespace around a value is dropped, and between a closing quote and the delimiter
  // (`a, "b" ,c` is common in hand-written files); inside quotes it is kept. The price: other
  // text after a closing quote (`"Ada" Lovelace`) now stops the reading, where spreadsheets
  // would read `Ada Lovelace`. csv-parse can only keep such text with its quotes (`"Ada"
  // Lovelace`) by trimming nothing after quotes, and a per-cell `cast` that could fix it up is
  // over three times slower and takes tens of seconds on a 10 MB line of commas.
  trim: true,
  // A quote inside an unquoted value (`=HYPERLINK("x")`) is plain text, not a syntax error.
  relax_quotes: true,
  // Rows may be short or long: the row checks report too many cells, a short row lacks its last ones.
  relax_column_count: true,
} satisfies Options;

interface CsvRecord {
  /** Physical line the record starts on. */
  line: number;
  /** Trimmed outside quotes, as written inside them. At most MAX_CELLS_KEPT. */
  cells: string[];
  /** How many cells the record really has. */
  cellCount: number;
}

/** A quoting mistake that stops the reading: the quoted value starting on `line` is the culprit. */
interface CsvQuoteError {
  reason: 'unterminated_quote' | 'text_after_quote';
  line: number;
}

/** The file's records in order, skipping blank ones (no cell with anything but whitespace); up to the quoting error if there is one. */
interface CsvReading {
  records: CsvRecord[];
  error?: CsvQuoteError;
}

/**
 * Excel writes ";"-separated CSV in locales where "," is the decimal mark; such a file's header
 * line has semicolons and no comma. Decided on the header alone, so that a value full of
 * semicolons or spaces further down cannot change how the whole file is split.
 */
function detectDelimiter(text: string): ',' | ';' {
  const header = firstMeaningfulLine(text);
  return !header.includes(',') && header.includes(';') ? ';' : ',';
}

function firstMeaningfulLine(text: string): string {
  let start = 0;
  while (start < text.length) {
    let end = start;
    while (end < text.length && text.charCodeAt(end) !== LF && text.charCodeAt(end) !== CR) end++;
    const line = text.slice(start, end);
    if (/[^\s,;]/.test(line)) return line;
    start = end + 1;
  }
  return '';
}

function readCsvRecords(text: string, delimiter: string): CsvReading {
  const bytes = Buffer.from(text, 'utf8');
  const lines = new LineCounter(bytes);
  const records: CsvRecord[] = [];
  let recordStart = 0;
  try {
    parseCsv(bytes, {
      ...CSV_OPTIONS,
      delimiter,
      // `bytes` is where this record ends, its line break included: where the next one starts.
      on_record: (cells, { bytes: recordEnd }) => {
        if (cells.some((cell) => /\S/.test(cell))) {
          records.push({ line: lines.lineAt(recordStart), cells: cells.slice(0, MAX_CELLS_KEPT), cellCount: cells.length });
        }
        recordStart = recordEnd;
        // Collected here rather than returned, so the records before a quoting error are not lost with it.
        return null;
      },
    });
  } catch (error) {
    return { records, error: quoteError(error, lines) };
  }
  return { records };
}

const QUOTE_ERRORS: Partial<Record<CsvErrorCode, CsvQuoteError['reason']>> = {
  CSV_QUOTE_NOT_CLOSED: 'unterminated_quote',
  // `"Ada" Lovelace`: with trimming on, csv-parse accepts only whitespace after a closing quote.
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'text_after_quote',
};

/** The quoting mistake csv-parse stopped at; anything else it throws comes from our options, a bug. */
function quoteError(error: unknown, lines: LineCounter): CsvQuoteError {
  if (!(error instanceof CsvError)) throw error;
  const reason = QUOTE_ERRORS[error.code];
  if (reason === undefined) throw error;
  // The error carries csv-parse's `bytes`, where it last ended a field or a record, and `column`,
  // how many fields of the current record it had ended: the value in error starts there, after
  // the one-character delimiter unless it opens the record.
  const { bytes, column } = error;
  if (typeof bytes !== 'number' || typeof column !== 'number') throw error;
  return { reason, line: lines.lineAt(column > 0 ? bytes + 1 : bytes) };
}

/**
 * 1-based physical line of byte offsets asked in increasing order. Counted here because
 * csv-parse's `info.lines` counts a CRLF inside a quoted value as two lines; here CRLF, LF and a
 * lone CR each end one line, wherever they are.
 */
class LineCounter {
  private offset = 0;
  private line = 1;

  constructor(private readonly bytes: Buffer) {}

  lineAt(offset: number): number {
    const { bytes } = this;
    for (; this.offset < offset; this.offset++) {
      const c = bytes[this.offset];
      if (c === LF || (c === CR && bytes[this.offset + 1] !== LF)) this.line++;
    }
    return this.line;
  }
}

function quoteFileError({ reason, line }: CsvQuoteError): { ok: false; error: MemberCsvFileError } {
  if (reason === 'unterminated_quote') {
    return fileError(reason, `Line ${line}: a quoted value starts here but its closing double quote (") is missing, so the rest of the file cannot be read.`);
  }
  return fileError(
    reason,
    `Line ${line}: a quoted value has text after its closing double quote ("), so the rest of the file cannot be read. ` +
      'Put the whole value inside the quotes: "Ada Lovelace", not "Ada" Lovelace.',
  );
}

// ---------------------------------------------------------------------------------------------
// Records → members

interface ColumnMap {
  name: number;
  email: number;
  accountType: number | undefined;
}

/** Lower-cased, without whitespace, underscores or hyphens: "Account-Type" and "account_type" are one key. */
function normalizeKey(value: string): string {
  return value.toLowerCase().replace(/[\s_-]+/g, '');
}

/** Finds the columns by header; the first of duplicated headers wins, unknown headers are ignored. */
function mapColumns(header: CsvRecord): { ok: true; columns: ColumnMap } | { ok: false; error: MemberCsvFileError } {
  const keys = header.cells.map(normalizeKey);
  const find = (title: string): number | undefined => {
    const index = keys.indexOf(normalizeKey(title));
    return index === -1 ? undefined : index;
  };
  const [nameTitle, emailTitle, accountTypeTitle] = MEMBER_CSV_HEADERS;
  const name = find(nameTitle);
  const email = find(emailTitle);
  if (name !== undefined && email !== undefined) return { ok: true, columns: { name, email, accountType: find(accountTypeTitle) } };

  const missing: string[] = [];
  if (name === undefined) missing.push(nameTitle);
  if (email === undefined) missing.push(emailTitle);
  const found = header.cells
    .filter((cell) => cell.trim() !== '')
    .slice(0, 10)
    .map(quote);
  return fileError(
    'missing_headers',
    `Line ${header.line}: the header line has no ${missing.join(' or ')} column (found ${found.join(', ')}). ` +
      `The first line must name the columns: ${MEMBER_CSV_HEADERS.join(', ')} (${accountTypeTitle} is optional).`,
  );
}

type RowCheck = { ok: true; row: MemberCsvRow } | { ok: false; error: MemberCsvRowError };

/** Checks one data record; reports only its first problem so each row has one error. */
function checkRow(record: CsvRecord, columns: ColumnMap): RowCheck {
  const fail = (reason: MemberCsvRowErrorReason, message: string): RowCheck => ({ ok: false, error: rowError(record, reason, message) });

  if (record.cellCount > MEMBER_CSV_MAX_COLUMNS) {
    return fail(
      'too_many_columns',
      `the row has ${record.cellCount} cells; at most ${MEMBER_CSV_MAX_COLUMNS} are accepted. A value containing a comma must be in double quotes.`,
    );
  }
  const name = cellAt(record, columns.name);
  const email = cellAt(record, columns.email);
  if (name === '') return fail('missing_name', `the name is empty${email === '' ? '' : ` (email ${quote(email)})`}.`);
  const nameLength = codePointLength(name);
  if (nameLength > MEMBER_CSV_MAX_NAME_LENGTH) {
    return fail('field_too_long', `the name is ${nameLength} characters long; the limit is ${MEMBER_CSV_MAX_NAME_LENGTH}.`);
  }
  if (email === '') return fail('missing_email', `the email is empty (name ${quote(name)}).`);
  if (email.length > MEMBER_CSV_MAX_EMAIL_LENGTH) {
    return fail('invalid_email', `the email address is ${email.length} characters long; the limit is ${MEMBER_CSV_MAX_EMAIL_LENGTH}.`);
  }
  if (!looksLikeEmail(email)) return fail('invalid_email', `${quote(email)} is not a valid email address.`);

  const typeCell = columns.accountType === undefined ? '' : cellAt(record, columns.accountType);
  const accountType = parseAccountType(typeCell);
  if (accountType === undefined) {
    return fail('unknown_account_type', `${quote(typeCell)} is not an account type. ${ACCOUNT_TYPE_HINT}`);
  }
  return { ok: true, row: { line: record.line, name, email, emailKey: emailKey(email), accountType, accountTypeGiven: typeCell.trim() !== '' } };
}

function rowError(record: CsvRecord, reason: MemberCsvRowErrorReason, message: string): MemberCsvRowError {
  return { line: record.line, reason, message: `Line ${record.line}: ${message}`, raw: record.cells.slice(0, MEMBER_CSV_MAX_COLUMNS) };
}

/** A short row simply lacks its last cells; they read as empty. */
function cellAt(record: CsvRecord, index: number): string {
  return (record.cells[index] ?? '').trim();
}

/** Deliberately loose (what a person would call an address), since Pigment is the one that emails it. */
function looksLikeEmail(email: string): boolean {
  // Whitespace, control characters and the punctuation of "Name <a@b>" or "a@b; c@d" lists.
  if (/[\s\p{Cc}<>()[\]\\,;:"]/u.test(email)) return false;
  const at = email.indexOf('@');
  if (at <= 0 || at !== email.lastIndexOf('@')) return false;
  const labels = email.slice(at + 1).split('.');
  return labels.length >= 2 && labels.every((label) => label !== '');
}

const ACCOUNT_TYPE_BY_KEY: ReadonlyMap<string, AccountType> = (() => {
  const byKey = new Map<string, AccountType>();
  for (const type of ACCOUNT_TYPES) {
    byKey.set(normalizeKey(type), type);
    byKey.set(normalizeKey(ACCOUNT_TYPE_LABELS[type]), type);
  }
  return byKey;
})();

const ACCOUNT_TYPE_HINT =
  `Use one of ${ACCOUNT_TYPES.map((type) => ACCOUNT_TYPE_LABELS[type]).join(', ')} ` +
  `(or ${ACCOUNT_TYPES.join(', ')}), or leave it empty for ${ACCOUNT_TYPE_LABELS.standard_member}.`;

/** Ids or labels, in any case or spacing; empty means the default. */
function parseAccountType(cell: string): AccountType | undefined {
  if (cell === '') return 'standard_member';
  return ACCOUNT_TYPE_BY_KEY.get(normalizeKey(cell));
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function fileError(reason: MemberCsvFileError['reason'], message: string): { ok: false; error: MemberCsvFileError } {
  return { ok: false, error: { reason, message } };
}

/** A non-negative whole number, or the default for anything else (never throw on odd options). */
function limitOption(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 0 ? Math.floor(value) : fallback;
}

/** Length as a person counts it: an emoji is one character, not two UTF-16 units. */
function codePointLength(value: string): number {
  return Array.from(value).length;
}

/** A value quoted for a message, on one line and cut short so a huge cell cannot flood it. */
function quote(value: string): string {
  const flat = value.replace(/[\r\n]+/g, ' ');
  return `“${flat.length > 60 ? `${flat.slice(0, 59)}…` : flat}”`;
}

function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const [value, unit] = bytes < 1024 * 1024 ? [bytes / 1024, 'KB'] : [bytes / (1024 * 1024), 'MB'];
  return `${Number(value.toFixed(1))} ${unit}`;
}
