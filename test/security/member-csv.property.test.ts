/**
 * Property-based tests of the member CSV parser (issue 7): any bytes get a result (a file-level
 * refusal or rows plus row errors), never a throw; and any table of members written as CSV, in
 * any of the ways spreadsheets write it (BOM, CRLF/LF, quoting, semicolons), reads back as
 * exactly its rows, with every later duplicate email reported and nothing else lost.
 */
import fc from 'fast-check';
import { ACCOUNT_TYPE_LABELS, ACCOUNT_TYPES, emailKey } from '../../src/features/members/member.types';
import { parseMemberCsv } from '../../src/features/members/member-csv.parser';

const FILE_REASONS = ['empty_file', 'not_utf8', 'missing_headers', 'unterminated_quote', 'text_after_quote', 'too_many_rows', 'too_large'];

/** Names as people (and attackers) write them: quotes, separators, line breaks, RTL, emoji, formulas. */
const name = fc
  .oneof(
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
    fc.constantFrom('O"Brien, Jr.', 'Line\nbreak', 'Semi;colon', '=HYPERLINK("http://evil")', '+1 555', '@admin', 'مرحبا بالعالم', '👩🏽‍💻 Dev', '\tTabbed'),
  )
  .filter((s) => s.trim().length > 0 && s.trim().length <= 200 && !s.includes('\r') && !s.includes('\u0000'));

const email = fc
  .tuple(fc.stringMatching(/^[a-z0-9._+-]{1,20}$/), fc.constantFrom('acme.test', 'Acme.Test', 'exämple.test'))
  .filter(([local]) => !local.startsWith('.') && !local.endsWith('.') && !local.includes('..'))
  .map(([local, domain]) => `${local}@${domain}`);

const member = fc.record({ name, email, accountType: fc.constantFrom(...ACCOUNT_TYPES) });

/** RFC 4180 quoting, always or only when needed. */
function cell(value: string, separator: string, quoteAll: boolean): string {
  const needs = quoteAll || value.includes('"') || value.includes(separator) || value.includes('\n') || value !== value.trim();
  return needs ? `"${value.replace(/"/g, '""')}"` : value;
}

describe('member CSV parser, property-based', () => {
  it('answers any bytes with a result, never a throw', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 2_000 }).map((b) => Buffer.from(b)),
          fc.string({ unit: 'binary', maxLength: 2_000 }),
        ),
        (input) => {
          const result = parseMemberCsv(input);
          if (!result.ok) {
            expect(FILE_REASONS).toContain(result.error.reason);
            expect(result.error.message.length).toBeGreaterThan(0);
          } else {
            for (const error of result.errors) expect(error.message).toMatch(/^Line \d+:/);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads back any written table: first rows per email kept, later duplicates reported, nothing else lost', () => {
    fc.assert(
      fc.property(
        fc.array(member, { minLength: 0, maxLength: 40 }),
        fc.record({ bom: fc.boolean(), crlf: fc.boolean(), separator: fc.constantFrom(',', ';'), quoteAll: fc.boolean(), finalNewline: fc.boolean() }),
        (members, style) => {
          const eol = style.crlf ? '\r\n' : '\n';
          const lines = [['Name', 'Email', 'Account Type'], ...members.map((m) => [m.name, m.email, ACCOUNT_TYPE_LABELS[m.accountType]])].map((cells) =>
            cells.map((c) => cell(c, style.separator, style.quoteAll)).join(style.separator),
          );
          const text = (style.bom ? '\uFEFF' : '') + lines.join(eol) + (style.finalNewline ? eol : '');
          const result = parseMemberCsv(Buffer.from(text, 'utf8'));
          if (!result.ok) throw new Error(`refused: ${result.error.message}`);

          const firstByKey = new Map<string, (typeof members)[number]>();
          for (const m of members) if (!firstByKey.has(emailKey(m.email))) firstByKey.set(emailKey(m.email), m);
          const expected = [...firstByKey.values()];
          expect(result.rows.map((r) => ({ name: r.name, email: r.email, accountType: r.accountType }))).toEqual(
            expected.map((m) => ({ name: m.name.trim(), email: m.email, accountType: m.accountType })),
          );
          expect(result.errors.map((e) => e.reason)).toEqual(Array(members.length - expected.length).fill('duplicate_email'));
        },
      ),
      { numRuns: 200 },
    );
  });
});
