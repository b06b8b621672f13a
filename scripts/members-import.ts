/**
 * `npm run members:import -- FILE.csv [--dry-run] [--yes]`: bulk member import from the command
 * line, with the same rules as the App Home import (the same service).
 *
 * Reads the settings like the connector (`.env` + environment), opens the store (the embedded
 * one on DATA_DIR when MONGODB_URI is unset), prints the preview (counts and each error row),
 * asks for confirmation on a terminal unless --yes, writes, and prints the counts.
 * Exit code 0 when done (rows with errors are skipped, as in the App Home), 1 when the file
 * cannot be read, the settings are wrong, the store is unreachable or the import is declined.
 */
import fs from 'node:fs';
import os from 'node:os';
import readline from 'node:readline/promises';
import pino from 'pino';
import path from 'node:path';
import { mongoPasswordOf } from '../src/config';
import { loadSettingsForCli, readsLine } from './cli-config';
import { ALL_INDEXES } from '../src/features/index-registry';
import { ensureIndexes } from '../src/db/indexes';
import { openStore, type Store } from '../src/db/store';
import { ACCOUNT_TYPE_LABELS } from '../src/features/members/member.types';
import { createMemberServices, type MemberImportPreview } from '../src/features/members';
import { systemClock } from '../src/platform/clock';
import { createLogger } from '../src/platform/logger';

/** The settings this tool uses: the store and the log level, no Slack token or API secret. */
const SETTINGS = ['MONGODB_URI', 'MONGODB_DB', 'DATA_DIR', 'LOG_LEVEL'] as const;
const USAGE =
  'Usage: npm run members:import -- FILE.csv [--dry-run] [--yes]\n' +
  '  --dry-run  show what would change and write nothing\n' +
  '  --yes      import without asking for confirmation (needed when not on a terminal)\n' +
  `${readsLine(SETTINGS)}\n`;
/** Rows listed one by one in the preview; the rest are counted. */
const LISTED_ROWS = 50;

interface Options {
  file: string;
  dryRun: boolean;
  yes: boolean;
}

function parseArgs(argv: string[]): Options | { help: true } | { error: string } {
  let file: string | undefined;
  let dryRun = false;
  let yes = false;
  for (const arg of argv) {
    if (arg === '--help' || arg === '-h') return { help: true };
    else if (arg === '--dry-run') dryRun = true;
    else if (arg === '--yes' || arg === '-y') yes = true;
    else if (arg.startsWith('-')) return { error: `Unknown option ${arg}.` };
    else if (file === undefined) file = arg;
    else return { error: 'Give one file.' };
  }
  if (file === undefined) return { error: 'Give the CSV file to import.' };
  return { file, dryRun, yes };
}

const out = (line = '') => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

function printPreview(preview: MemberImportPreview): void {
  out(`${preview.totalRows} member row(s) read:`);
  out(`  ${preview.newRows.length} new`);
  out(`  ${preview.updatedRows.length} updated`);
  out(`  ${preview.unchangedRows.length} unchanged`);
  out(`  ${preview.errorRows.length} with errors (skipped)`);
  if (preview.updatedRows.length > 0) {
    out();
    out('Updates:');
    for (const row of preview.updatedRows.slice(0, LISTED_ROWS)) {
      const changes: string[] = [];
      if (row.changes.name) changes.push(`name "${row.changes.name.before}" → "${row.changes.name.after}"`);
      if (row.changes.accountType) {
        changes.push(`account type ${ACCOUNT_TYPE_LABELS[row.changes.accountType.before]} → ${ACCOUNT_TYPE_LABELS[row.changes.accountType.after]}`);
      }
      out(`  line ${row.line}: ${row.email}: ${changes.join(', ')}`);
    }
    if (preview.updatedRows.length > LISTED_ROWS) out(`  … and ${preview.updatedRows.length - LISTED_ROWS} more`);
  }
  if (preview.errorRows.length > 0) {
    out();
    out('Errors:');
    for (const row of preview.errorRows) out(`  line ${row.line} [${row.reason}] ${row.message}`);
  }
}

/** The OS user, for the audit log; undefined where the system has no name for it. */
function osUser(): string | undefined {
  try {
    return os.userInfo().username;
  } catch {
    return undefined;
  }
}

async function confirm(question: string): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  if ('help' in options) {
    out(USAGE);
    return 0;
  }
  if ('error' in options) {
    err(`${options.error}\n${USAGE}`);
    return 1;
  }

  let file: Buffer;
  try {
    file = fs.readFileSync(options.file);
  } catch (error) {
    err(`Cannot read ${options.file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}. Nothing was imported.`);
    return 1;
  }

  const settings = loadSettingsForCli(SETTINGS, err);
  if (!settings) return 1;
  const level = settings.LOG_LEVEL;

  // Log lines (store start, warnings) go to stderr, so stdout holds only the import's report.
  const password = mongoPasswordOf(settings.MONGODB_URI);
  const { logger } = createLogger({
    level: level === 'info' || level === 'debug' || level === 'trace' ? 'warn' : level,
    destination: pino.destination({ dest: 2, sync: true }),
    secrets: password ? [password] : [],
  });

  let store: Store;
  try {
    store = await openStore({ uri: settings.MONGODB_URI, dbName: settings.MONGODB_DB, dataDir: path.resolve(settings.DATA_DIR), logger });
  } catch (error) {
    err(`Cannot open the store: ${(error as Error).message}. Nothing was imported.`);
    return 1;
  }
  try {
    // The email uniqueness the import relies on, also on a database the connector never opened.
    await ensureIndexes(store.db, ALL_INDEXES);
    const { imports } = createMemberServices({
      db: store.db,
      clock: systemClock,
      logger,
      // No Slack here: the connector maps the new members at its next matching pass.
      hooks: { workspaceWentLive: [], memberChanged: [], stopping: [] },
    });

    const previewed = await imports.preview(file);
    if (!previewed.ok) {
      err(`${options.file} cannot be imported (${previewed.error.reason}): ${previewed.error.message}`);
      err('Nothing was imported.');
      return 1;
    }
    const { preview } = previewed;
    printPreview(preview);
    out();
    if (options.dryRun) {
      out('Dry run: nothing was written.');
      return 0;
    }
    if (preview.newRows.length === 0 && preview.updatedRows.length === 0) {
      out('Nothing to write: the directory already matches the file.');
      return 0;
    }
    if (!options.yes) {
      if (!process.stdin.isTTY) {
        err('Not on a terminal: run again with --yes to import without confirmation. Nothing was imported.');
        return 1;
      }
      if (!(await confirm(`Create ${preview.newRows.length} and update ${preview.updatedRows.length} member(s)? [y/N] `))) {
        out('Cancelled: nothing was written.');
        return 1;
      }
    }

    const applied = await imports.apply(preview, { cli: true, name: osUser() });
    if (!applied.ok) {
      err(`Refused: ${applied.reason}.`);
      return 1;
    }
    const { counts, failures } = applied;
    out(`Imported: ${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged, ${counts.failed} failed.`);
    for (const failure of failures) out(`  line ${failure.line} [${failure.reason}] ${failure.message}`);
    if (counts.created > 0) out('New members are pending; the connector connects them to Slack at its next matching pass.');
    return 0;
  } finally {
    await store.close();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    err(`The import failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
