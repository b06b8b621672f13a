import {
  memberCsvTemplate,
  parseMemberCsv,
  type MemberCsvFileError,
  type MemberCsvParseResult,
  type MemberCsvRow,
  type MemberCsvRowError,
} from '../../../src/features/members/member-csv.parser';

const HEADER = 'Name,Email,Account Type';

/** Lines joined with LF, the way most tests write their files. */
function csv(...lines: string[]): string {
  return lines.join('\n');
}

function parsed(input: Buffer | string, options?: Parameters<typeof parseMemberCsv>[1]): { rows: MemberCsvRow[]; errors: MemberCsvRowError[] } {
  const result = parseMemberCsv(input, options);
  if (!result.ok) throw new Error(`expected the file to parse, got ${result.error.reason}: ${result.error.message}`);
  return { rows: result.rows, errors: result.errors };
}

function refused(input: Buffer | string, options?: Parameters<typeof parseMemberCsv>[1]): MemberCsvFileError {
  const result: MemberCsvParseResult = parseMemberCsv(input, options);
  if (result.ok) throw new Error(`expected the file to be refused, got ${result.rows.length} rows`);
  return result.error;
}

function onlyError(input: string): MemberCsvRowError {
  const { rows, errors } = parsed(input);
  expect(rows).toEqual([]);
  expect(errors).toHaveLength(1);
  return errors[0]!;
}

describe('parseMemberCsv', () => {
  it('reads a well-formed file into rows with line numbers, email keys and account types', () => {
    const { rows, errors } = parsed(csv(HEADER, 'Ada Lovelace,Ada@Example.com,Workspace admin', 'Grace Hopper,grace@example.com,'));
    expect(errors).toEqual([]);
    expect(rows).toEqual([
      { line: 2, name: 'Ada Lovelace', email: 'Ada@Example.com', emailKey: 'ada@example.com', accountType: 'workspace_admin', accountTypeGiven: true },
      { line: 3, name: 'Grace Hopper', email: 'grace@example.com', emailKey: 'grace@example.com', accountType: 'standard_member', accountTypeGiven: false },
    ]);
  });

  it('accepts a header-only file as zero rows', () => {
    expect(parsed(`${HEADER}\r\n`)).toEqual({ rows: [], errors: [] });
  });

  describe('bytes', () => {
    it('strips a UTF-8 BOM from a buffer, so the first header still matches', () => {
      const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(csv(HEADER, 'Zoë Ünal,zoe@example.com,'), 'utf8')]);
      const { rows } = parsed(bytes);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ name: 'Zoë Ünal', email: 'zoe@example.com' });
    });

    it('strips a BOM from a string input, even before a quoted header', () => {
      expect(parsed(`\uFEFF${csv('"Name","Email"', 'Ada,ada@example.com')}`).rows).toHaveLength(1);
    });

    it.each([
      ['little-endian', Buffer.from([0xff, 0xfe]), 'utf16le'],
      ['big-endian', Buffer.from([0xfe, 0xff]), 'utf16be'],
    ])('refuses UTF-16 (%s BOM) and says to save as CSV UTF-8', (_, bom, encoding) => {
      const body = Buffer.from(csv(HEADER, 'Ada,ada@example.com,'), 'utf16le');
      if (encoding === 'utf16be') body.swap16();
      const error = refused(Buffer.concat([bom, body]));
      expect(error.reason).toBe('not_utf8');
      expect(error.message).toContain('saved as UTF-16');
      expect(error.message).toContain('"CSV UTF-8"');
    });

    it('refuses UTF-16 saved without a BOM (NUL bytes)', () => {
      const error = refused(Buffer.from(csv(HEADER, 'Ada,ada@example.com,'), 'utf16le'));
      expect(error.reason).toBe('not_utf8');
      expect(error.message).toContain('CSV UTF-8');
    });

    it('refuses bytes that are not valid UTF-8 (a Latin-1 "é")', () => {
      const latin1 = Buffer.from(csv(HEADER, 'José,jose@example.com,'), 'latin1');
      expect(refused(latin1).reason).toBe('not_utf8');
    });

    it('refuses a file over maxBytes, counting a string in UTF-8 bytes, and accepts one exactly at the limit', () => {
      const text = csv(HEADER, 'Zoë,zoe@example.com,');
      const bytes = Buffer.byteLength(text, 'utf8');
      expect(bytes).toBe(text.length + 1);
      const error = refused(text, { maxBytes: text.length });
      expect(error.reason).toBe('too_large');
      expect(error.message).toBe(`The file is ${bytes} bytes; the largest accepted is ${text.length} bytes.`);
      expect(parsed(text, { maxBytes: bytes }).rows).toHaveLength(1);
      expect(parsed(Buffer.from(text), { maxBytes: bytes }).rows).toHaveLength(1);
    });

    it('refuses a buffer over the default 10 MB', () => {
      const error = refused(Buffer.alloc(10 * 1024 * 1024 + 1, 0x61));
      expect(error.reason).toBe('too_large');
      expect(error.message).toContain('10 MB');
    });

    it.each([
      ['an empty string', ''],
      ['an empty buffer', Buffer.alloc(0)],
      ['whitespace and line breaks', '  \r\n\n\t \n'],
      ['only a BOM', Buffer.from([0xef, 0xbb, 0xbf])],
      ['only empty cells', ',,\n , ,\r\n"",""'],
    ])('refuses %s as empty_file', (_, input) => {
      expect(refused(input).reason).toBe('empty_file');
    });
  });

  describe('CSV syntax', () => {
    it('reads a semicolon-separated file (Excel in comma-decimal locales)', () => {
      const { rows } = parsed(csv('Name;Email;Account Type', '"Lovelace, Ada";ada@example.com;Security admin', 'Bob;bob@example.com;'));
      expect(rows.map((row) => [row.name, row.email, row.accountType])).toEqual([
        ['Lovelace, Ada', 'ada@example.com', 'security_admin'],
        ['Bob', 'bob@example.com', 'standard_member'],
      ]);
    });

    it('keeps commas as the separator when the header has commas, even if values have semicolons', () => {
      const { rows } = parsed(csv(HEADER, 'Smith; John,john@example.com,'));
      expect(rows[0]).toMatchObject({ name: 'Smith; John', email: 'john@example.com' });
    });

    it('reads quoted fields with commas, escaped quotes and line breaks', () => {
      const { rows, errors } = parsed(
        csv(HEADER, '"Lovelace, Ada",ada@example.com,', '"Grace ""Amazing"" Hopper","grace@example.com","Primary owner"', '"Alan\nTuring",alan@example.com,'),
      );
      expect(errors).toEqual([]);
      expect(rows.map((row) => row.name)).toEqual(['Lovelace, Ada', 'Grace "Amazing" Hopper', 'Alan\nTuring']);
      expect(rows[1]!.accountType).toBe('primary_owner');
    });

    it('reads CRLF, LF and lone-CR files the same way', () => {
      const lines = [HEADER, 'Ada,ada@example.com,', 'Bob,bob@example.com,'];
      const expected = parsed(lines.join('\n'));
      expect(expected.rows).toHaveLength(2);
      expect(parsed(`${lines.join('\r\n')}\r\n`)).toEqual(expected);
      expect(parsed(lines.join('\r'))).toEqual(expected);
    });

    it('trims whitespace around unquoted fields and around quoted ones', () => {
      const { rows } = parsed(csv(` Name , Email ,Account Type `, `  Ada Lovelace  ,\tada@example.com\t,  workspace_admin `, ` "Bob" , "bob@example.com" ,`));
      expect(rows.map((row) => [row.name, row.email, row.accountType])).toEqual([
        ['Ada Lovelace', 'ada@example.com', 'workspace_admin'],
        ['Bob', 'bob@example.com', 'standard_member'],
      ]);
    });

    it('skips blank lines, whitespace-only lines and rows of empty cells, keeping physical line numbers', () => {
      const { rows, errors } = parsed(csv('', HEADER, '', '   ', 'Ada,ada@example.com,', ',,', '"",,', 'Bob,bob@example.com,', ''));
      expect(errors).toEqual([]);
      expect(rows.map((row) => row.line)).toEqual([5, 8]);
    });

    it('numbers records by the physical line they start on, across multi-line quoted fields', () => {
      const { rows, errors } = parsed(
        csv(HEADER, '"Ada\nLovelace",ada@example.com,', 'Bob,bob@example.com,', '"Carol\r\n\r\nSmith",carol@example.com,', 'Dan,dan@,'),
      );
      expect(rows.map((row) => row.line)).toEqual([2, 4, 5]);
      expect(errors).toEqual([expect.objectContaining({ line: 8, reason: 'invalid_email', message: 'Line 8: “dan@” is not a valid email address.' })]);
    });

    it('refuses an unterminated quote, naming the line it started on', () => {
      const error = refused(csv(HEADER, '"Ada\nLovelace",ada@example.com,', '"Bob,bob@example.com,', 'Carol,carol@example.com,'));
      expect(error.reason).toBe('unterminated_quote');
      expect(error.message).toMatch(/^Line 4: /);
    });

    it('names the line of an unterminated quote that opens mid-row, after a multi-line value', () => {
      const error = refused(csv(HEADER, '"Ada\r\nLovelace", "ada@example.com,', 'Bob,bob@example.com,'));
      expect(error).toEqual({
        reason: 'unterminated_quote',
        message: 'Line 3: a quoted value starts here but its closing double quote (") is missing, so the rest of the file cannot be read.',
      });
    });

    it('still refuses for an earlier problem when a quote is unterminated further down', () => {
      expect(refused(csv('Name,Mail', 'Ada,"ada@example.com,')).reason).toBe('missing_headers');
      expect(refused(csv(HEADER, 'Ada,ada@example.com,', 'Bob,"bob@example.com,'), { maxRows: 0 }).reason).toBe('too_many_rows');
    });

    it('reads a file without a final line break and one ending with a separator', () => {
      expect(parsed(csv(HEADER, 'Ada,ada@example.com,Workspace admin')).rows[0]!.accountType).toBe('workspace_admin');
      expect(parsed(csv('Name,Email', 'Ada,ada@example.com,')).rows).toHaveLength(1);
    });

    // csv-parse, once it trims around quoted values, accepts only whitespace after a closing
    // quote; the old reader kept the text (`Ada Lovelace`), as spreadsheets do.
    it('refuses text after a closing quote, naming the line the quoted value starts on', () => {
      const error = refused(csv(HEADER, 'Bob,bob@example.com,', '"Ada" Lovelace,ada@example.com,'));
      expect(error.reason).toBe('text_after_quote');
      expect(error.message).toMatch(/^Line 3: a quoted value has text after its closing double quote/);
      expect(error.message).toContain('"Ada Lovelace", not "Ada" Lovelace');
    });

    it('keeps formula-looking cells as plain text (injection is guarded on export)', () => {
      const { rows } = parsed(
        csv(HEADER, '=HYPERLINK("http://x"),ada@example.com,', '+Bob,bob@example.com,', '-Carol,carol@example.com,', '@Dan,dan@example.com,'),
      );
      expect(rows.map((row) => row.name)).toEqual(['=HYPERLINK("http://x")', '+Bob', '-Carol', '@Dan']);
    });
  });

  describe('headers', () => {
    it.each([
      ['name,email,account type'],
      ['NAME,EMAIL,ACCOUNT TYPE'],
      ['  Name  , EMAIL ,account_type'],
      ['name,e-mail,AccountType'],
      ['Name,Email,Account-Type'],
      ['Name,Email,account  type'],
    ])('matches %j', (header) => {
      const { rows } = parsed(csv(header, 'Ada,ada@example.com,Security admin'));
      expect(rows).toEqual([expect.objectContaining({ name: 'Ada', email: 'ada@example.com', accountType: 'security_admin' })]);
    });

    it('takes columns in any order and ignores extra ones', () => {
      const { rows } = parsed(csv('Team,Account Type,Email,Start date,Name', 'Finance,Primary owner,ada@example.com,2024-01-01,Ada'));
      expect(rows).toEqual([
        { line: 2, name: 'Ada', email: 'ada@example.com', emailKey: 'ada@example.com', accountType: 'primary_owner', accountTypeGiven: true },
      ]);
    });

    it('defaults the account type to standard_member when the column is absent', () => {
      expect(parsed(csv('Email,Name', 'ada@example.com,Ada')).rows[0]!.accountType).toBe('standard_member');
    });

    it('refuses a file without an Email column, naming it', () => {
      const error = refused(csv('Name,Mail,Account Type', 'Ada,ada@example.com,'));
      expect(error.reason).toBe('missing_headers');
      expect(error.message).toContain('no Email column');
      expect(error.message).not.toContain('no Name');
      expect(error.message).toContain('“Mail”');
    });

    it('refuses a file whose first line is data, naming both missing columns', () => {
      const error = refused(csv('Ada,ada@example.com,Workspace admin', 'Bob,bob@example.com,'));
      expect(error.reason).toBe('missing_headers');
      expect(error.message).toContain('no Name or Email column');
    });

    it('looks for headers on the first non-blank line', () => {
      const error = refused(csv('', '', 'Name,Account Type'));
      expect(error).toMatchObject({ reason: 'missing_headers' });
      expect(error.message).toMatch(/^Line 3: /);
    });
  });

  describe('account types', () => {
    it.each([
      ['standard_member', 'standard_member'],
      ['workspace_admin', 'workspace_admin'],
      ['security_admin', 'security_admin'],
      ['primary_owner', 'primary_owner'],
      ['Standard member', 'standard_member'],
      ['Workspace admin', 'workspace_admin'],
      ['workspace admin', 'workspace_admin'],
      ['WORKSPACE  ADMIN', 'workspace_admin'],
      ['Security Admin', 'security_admin'],
      ['PRIMARY_OWNER', 'primary_owner'],
      ['primary-owner', 'primary_owner'],
      ['', 'standard_member'],
      ['"  "', 'standard_member'],
    ])('reads %j as %s', (cell, expected) => {
      expect(parsed(csv(HEADER, `Ada,ada@example.com,${cell}`)).rows[0]!.accountType).toBe(expected);
    });

    it('treats a missing account type cell on a short row as standard_member', () => {
      expect(parsed(csv(HEADER, 'Ada,ada@example.com')).rows[0]!.accountType).toBe('standard_member');
    });

    it('rejects an unknown account type, listing the accepted values', () => {
      const error = onlyError(csv(HEADER, 'Ada,ada@example.com,Admin'));
      expect(error).toMatchObject({ line: 2, reason: 'unknown_account_type', raw: ['Ada', 'ada@example.com', 'Admin'] });
      expect(error.message).toMatch(/^Line 2: “Admin” is not an account type\./);
      for (const accepted of [
        'Standard member',
        'Workspace admin',
        'Security admin',
        'Primary owner',
        'standard_member',
        'workspace_admin',
        'security_admin',
        'primary_owner',
      ]) {
        expect(error.message).toContain(accepted);
      }
    });
  });

  describe('emails and names', () => {
    it.each([
      'bob@',
      '@example.com',
      'bob',
      'bob@example',
      'bob@example.',
      'bob@.example.com',
      'bob@example..com',
      'bob@@example.com',
      'bob@x@example.com',
      'bob smith@example.com',
      'Bob <bob@example.com>',
      'bob@example.com;carol@example.com',
    ])('rejects %j as invalid_email', (email) => {
      const error = onlyError(csv(HEADER, `Bob,"${email}",`));
      expect(error).toMatchObject({ line: 2, reason: 'invalid_email' });
      expect(error.message).toBe(`Line 2: “${email}” is not a valid email address.`);
    });

    it('rejects an email over 254 characters and accepts one of 254', () => {
      const local = 'a'.repeat(64);
      const at254 = `${local}@${'b'.repeat(185)}.com`;
      expect(at254).toHaveLength(254);
      expect(parsed(csv(HEADER, `Bob,${at254},`)).rows).toHaveLength(1);
      const error = onlyError(csv(HEADER, `Bob,x${at254},`));
      expect(error.reason).toBe('invalid_email');
      expect(error.message).toBe('Line 2: the email address is 255 characters long; the limit is 254.');
    });

    it('keeps the email as written (trimmed) and keys it lower-cased', () => {
      expect(parsed(csv(HEADER, 'Ada,"  Ada.Lovelace@Example.COM ",')).rows[0]).toMatchObject({
        email: 'Ada.Lovelace@Example.COM',
        emailKey: 'ada.lovelace@example.com',
      });
    });

    it('accepts international names and domains', () => {
      expect(parsed(csv(HEADER, 'Zoë 😀 Ünal,zoë@bücher.example,')).rows[0]).toMatchObject({ name: 'Zoë 😀 Ünal', emailKey: 'zoë@bücher.example' });
    });

    it('rejects a row without an email', () => {
      const error = onlyError(csv(HEADER, 'Ada,  ,Workspace admin'));
      expect(error).toMatchObject({ line: 2, reason: 'missing_email' });
      expect(error.message).toBe('Line 2: the email is empty (name “Ada”).');
    });

    it('rejects a row without a name', () => {
      const error = onlyError(csv(HEADER, '"   ",ada@example.com,'));
      expect(error).toMatchObject({ line: 2, reason: 'missing_name' });
      expect(error.message).toBe('Line 2: the name is empty (email “ada@example.com”).');
    });

    it('accepts a 200-character name and rejects a 201-character one, counting emoji as one character', () => {
      expect(parsed(csv(HEADER, `${'😀'.repeat(200)},ada@example.com,`)).rows).toHaveLength(1);
      const error = onlyError(csv(HEADER, `${'a'.repeat(201)},ada@example.com,`));
      expect(error).toMatchObject({ reason: 'field_too_long', message: 'Line 2: the name is 201 characters long; the limit is 200.' });
    });

    it('ignores extra cells up to 50 and rejects a row with more than 50', () => {
      const padding = (count: number): string => ',x'.repeat(count);
      expect(parsed(csv(HEADER, `Ada,ada@example.com,${padding(47)}`)).rows).toHaveLength(1);
      const error = onlyError(csv(HEADER, `Ada,ada@example.com,${padding(48)}`));
      expect(error).toMatchObject({ line: 2, reason: 'too_many_columns' });
      expect(error.message).toMatch(/^Line 2: the row has 51 cells; at most 50/);
      expect(error.raw).toHaveLength(50);
    });

    it('quotes a huge invalid value in the message only in part', () => {
      const error = onlyError(csv(HEADER, `Ada,${'x'.repeat(250)},`));
      expect(error.reason).toBe('invalid_email');
      expect(error.message.length).toBeLessThan(120);
    });
  });

  describe('duplicates', () => {
    it('keeps the first occurrence of an email and rejects later ones, case-insensitively and trimmed', () => {
      const { rows, errors } = parsed(
        csv(HEADER, 'Ada,ada@example.com,', 'Bob,bob@example.com,', 'Ada Again,"  ADA@Example.com ",Workspace admin', 'Ada Thrice,Ada@example.com,'),
      );
      expect(rows.map((row) => row.name)).toEqual(['Ada', 'Bob']);
      expect(errors).toEqual([
        {
          line: 4,
          reason: 'duplicate_email',
          message: 'Line 4: “ADA@Example.com” is already on line 2; only that row is imported.',
          raw: ['Ada Again', '  ADA@Example.com ', 'Workspace admin'],
        },
        expect.objectContaining({ line: 5, reason: 'duplicate_email', message: expect.stringContaining('already on line 2') }),
      ]);
    });

    it('lets a later valid row through when the first occurrence was itself rejected', () => {
      const { rows, errors } = parsed(csv(HEADER, ',ada@example.com,', 'Ada,ada@example.com,'));
      expect(rows).toEqual([expect.objectContaining({ line: 3, name: 'Ada' })]);
      expect(errors.map((error) => error.reason)).toEqual(['missing_name']);
    });
  });

  describe('row limit', () => {
    const threeRows = csv(HEADER, 'Ada,ada@example.com,', '', 'Bob,bob@example.com,', 'Carol,carol@example.com,');

    it('refuses the whole file when it has more data rows than maxRows', () => {
      const error = refused(threeRows, { maxRows: 2 });
      expect(error.reason).toBe('too_many_rows');
      expect(error.message).toContain('more than 2 member rows');
    });

    it('accepts exactly maxRows data rows, not counting blank lines or the header', () => {
      expect(parsed(threeRows, { maxRows: 3 }).rows).toHaveLength(3);
    });

    it('counts rejected rows too', () => {
      expect(refused(csv(HEADER, 'Ada,bad,', 'Bob,bad,'), { maxRows: 1 }).reason).toBe('too_many_rows');
    });

    it('parses a generated 100,000-row file (the default limit) and refuses 100,001 rows', () => {
      const lines = [HEADER];
      for (let i = 0; i < 100_000; i++) lines.push(`Person ${i},person.${i}@example.com,${i % 10 === 0 ? 'Workspace admin' : ''}`);
      const text = `${lines.join('\r\n')}\r\n`;

      const { rows, errors } = parsed(Buffer.from(text, 'utf8'));
      expect(errors).toEqual([]);
      expect(rows).toHaveLength(100_000);
      expect(rows.filter((row) => row.accountType === 'workspace_admin')).toHaveLength(10_000);
      expect(rows[99_999]).toEqual({
        line: 100_001,
        name: 'Person 99999',
        email: 'person.99999@example.com',
        emailKey: 'person.99999@example.com',
        accountType: 'standard_member',
        accountTypeGiven: false,
      });

      expect(refused(`${text}One more,one.more@example.com,\r\n`).reason).toBe('too_many_rows');
    });
  });

  it('never throws, whatever the input', () => {
    // Deterministic pseudo-random files built from the characters that steer the parser.
    const alphabet = ['"', '""', ',', ';', '\r', '\n', '\r\n', ' ', '\t', 'a', '@', '.', 'x.y', 'Name', 'Email', 'é', '\uFEFF', '\u0000'];
    let seed = 42;
    const next = (): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed;
    };
    const outcomes = new Set<string>();
    for (let i = 0; i < 2_000; i++) {
      let text = i % 2 === 0 ? 'Name,Email\n' : '';
      const length = next() % 40;
      for (let j = 0; j < length; j++) text += alphabet[next() % alphabet.length];
      const result = parseMemberCsv(i % 3 === 0 ? Buffer.from(text, 'utf8') : text);
      outcomes.add(result.ok ? 'ok' : result.error.reason);
    }
    expect(outcomes).toContain('ok');
    expect(outcomes).toContain('unterminated_quote');
    expect(outcomes).toContain('missing_headers');
  });
});

describe('memberCsvTemplate', () => {
  it('is a header line and two example rows with CRLF line endings', () => {
    const template = memberCsvTemplate();
    expect(template.split('\r\n')).toEqual([HEADER, expect.any(String), expect.any(String), '']);
    expect(template.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('parses back to its two rows without errors', () => {
    const { rows, errors } = parsed(memberCsvTemplate());
    expect(errors).toEqual([]);
    expect(rows).toHaveLength(2);
    expect(rows.map((row) => [row.line, row.accountType])).toEqual([
      [2, 'standard_member'],
      [3, 'workspace_admin'],
    ]);
  });
});
