/**
 * The Scheduled Import notification a run's owner gets (type `scheduled_import`, subtype
 * `completed` or `failed`), as a request to the notification pipeline. Pure. The id is the
 * run's, so handing it over twice sends it once.
 */
import type { NotificationRequest } from '../../notifications/notification.types';
import type { AshbyImport, ImportRun } from './import.types';

const TITLE_MAX = 150;
const BODY_MAX = 2_000;
/** Problems named in the body; the history lists the rest. */
const PROBLEMS_SHOWN = 3;

/** Where the platform shows the import. */
export function importUrl(pigmentBaseUrl: string, importId: string): string {
  return `${pigmentBaseUrl}/imports/${encodeURIComponent(importId)}`;
}

export function notificationIdOf(run: Pick<ImportRun, 'id'>): string {
  return `ashby-import-${run.id}`;
}

export function importNotification(input: { imp: AshbyImport; run: ImportRun; applicationName: string; pigmentBaseUrl: string }): NotificationRequest {
  const { imp, run, applicationName } = input;
  const failed = run.status === 'failed';
  const what = `Ashby import into ${imp.targetBlock} (${applicationName})`;
  const title = cut(failed ? `${what} failed` : run.status === 'completed_with_errors' ? `${what} completed with errors` : `${what} completed`, TITLE_MAX);
  return {
    id: notificationIdOf(run),
    type: 'scheduled_import',
    subtype: failed ? 'failed' : 'completed',
    recipient: { memberId: imp.ownerMemberId },
    title,
    body: cut(failed ? failedBody(run) : completedBody(run), BODY_MAX),
    url: importUrl(input.pigmentBaseUrl, imp.id),
  };
}

function countsLine(run: ImportRun): string {
  const c = run.counts;
  const parts = [`${c.created} new`, `${c.updated} updated`, `${c.unchanged} unchanged`];
  if (c.malformed > 0) parts.push(`${c.malformed} malformed`);
  if (c.failed > 0) parts.push(`${c.failed} not stored`);
  if (c.membersCreated > 0) parts.push(`${c.membersCreated} pending ${c.membersCreated === 1 ? 'member' : 'members'} created`);
  return `${c.fetched} ${c.fetched === 1 ? 'hire' : 'hires'} read from Ashby${run.fullRead === false ? ' (changes since the last run)' : ''}: ${parts.join(', ')}.`;
}

function problemsLines(run: ImportRun): string[] {
  if (run.errors.length === 0) return [];
  const shown = run.errors.slice(0, PROBLEMS_SHOWN).map((e) => `• ${e.applicationId ? `${e.applicationId}: ` : ''}${e.message}`);
  const more = run.counts.malformed + run.counts.failed - shown.length;
  return [...shown, ...(more > 0 ? [`…and ${more} more in the run history.`] : [])];
}

function completedBody(run: ImportRun): string {
  return [countsLine(run), ...problemsLines(run)].join('\n');
}

function failedBody(run: ImportRun): string {
  const read = run.counts.fetched > 0 ? [`Before it stopped: ${countsLine(run)}`] : [];
  return [run.error ?? 'The import failed.', ...read].join('\n');
}

function cut(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
