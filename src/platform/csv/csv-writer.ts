/**
 * CSV lines for exports that people open in a spreadsheet. Pure, no I/O: exports stream rows
 * through {@link csvLines} and write the lines wherever they go (a temp file, then Slack).
 *
 * Two rules apply to every cell:
 * - RFC 4180 quoting: a cell holding a comma, a double quote, CR or LF is wrapped in double
 *   quotes, inner quotes doubled; lines end with CRLF.
 * - Formula neutralisation (OWASP "CSV Injection"): a cell starting with `=`, `+`, `-`, `@`,
 *   tab or carriage return gets a leading single quote, so Excel, LibreOffice and Google
 *   Sheets show it as text instead of running it (`=HYPERLINK(…)`, `-1+1`). The quote is part
 *   of the value a program reading the file sees; that is the accepted price of the guard.
 */
import { ConnectorError } from '../errors';

export const CSV_LINE_END = '\r\n';

/** Characters that make a spreadsheet read a cell as a formula when they come first. */
const FORMULA_TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r']);
const NEEDS_QUOTES = /[",\r\n]/;

/** Thrown when a row does not have as many cells as the header: a bug in the caller. */
export class CsvShapeError extends ConnectorError {
  constructor(row: number, expected: number, actual: number) {
    super('csv_row_shape', `CSV row ${row} has ${actual} cells, the header has ${expected}`, { row, expected, actual });
  }
}

/** The cell as written to the file: neutralised if it could run as a formula, then quoted if needed. */
export function toCsvCell(value: string): string {
  const text = FORMULA_TRIGGERS.has(value.charAt(0)) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV line, CRLF included. */
export function toCsvLine(cells: readonly string[]): string {
  return cells.map(toCsvCell).join(',') + CSV_LINE_END;
}

/**
 * The header line, then one line per row, as the rows arrive: nothing is buffered, so a
 * cursor-backed `rows` streams straight through. Throws {@link CsvShapeError} for a row whose
 * length differs from the header's (a ragged export would shift columns silently).
 */
export async function* csvLines(header: readonly string[], rows: AsyncIterable<readonly string[]>): AsyncGenerator<string, void, undefined> {
  yield toCsvLine(header);
  let index = 0;
  for await (const row of rows) {
    index += 1;
    if (row.length !== header.length) throw new CsvShapeError(index, header.length, row.length);
    yield toCsvLine(row);
  }
}
