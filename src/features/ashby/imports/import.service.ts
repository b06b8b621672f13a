/**
 * One run of an Ashby import: reads the hired applications from Ashby (incrementally with the
 * stored sync token), stores one row per hire, records the run, and tells the import's owner.
 *
 * - The connection is the one whose access list has the import's application, resolved at
 *   each run; none is a failed run that says to add the application to an access list.
 * - A sync token Ashby no longer accepts means a full read; the new token is stored only when
 *   the run succeeded (every row written), so nothing is skipped the next time.
 * - A malformed record is counted and listed in the run; the others are still imported.
 * - 401/403 (a wrong, revoked or under-privileged key) marks the connection broken and fails
 *   the run; the owner's notification says what to do. Rate limits and 5xx are retried by the
 *   client; what still fails after its retries fails the run.
 * - Unchanged rows are not written (FerretDB scans on filtered writes).
 *
 * Callers run it under the import's lease (import.job.ts), so one import never runs twice at once.
 * The API key lives in memory for the run only: never logged, never in an error or a view.
 */
import type { Clock } from '../../../platform/clock';
import { ConnectorError } from '../../../platform/errors';
import type { Logger } from '../../../platform/logger';
import { emailKey, type Member } from '../../members/member.types';
import type { NotificationRequest } from '../../notifications/notification.types';
import type { AshbyApi, AshbyApiErrorShape, AshbyApiFactory, AshbyApplication, AshbyErrorKind, AshbyOffer, ApplicationPage } from '../ashby-api.types';
import { noConnectionText, type ImportApplicationSource, type ImportConnection, type ImportConnectionSource } from './import-connections';
import type { ImportRepository } from './import.repository';
import { rowHash as rowHashOf, type ImportRowRepository } from './import-row.repository';
import type { ImportRunRepository, RunOutcome } from './import-run.repository';
import {
  emptyCounts,
  MAX_RUN_ERROR_LENGTH,
  MAX_RUN_ERRORS,
  type AshbyImport,
  type ImportRow,
  type ImportRun,
  type ImportRunCounts,
  type ImportRunError,
  type ImportTrigger,
} from './import.types';
import { importNotification } from './import-notification';

/** Hands a notification to the notification pipeline (the outbox); the same id twice sends once. */
export type Notify = (request: NotificationRequest) => Promise<unknown>;

/** Creates or updates a pending member for a hire nobody has in the directory. */
export type PutPendingMember = (
  id: string,
  input: { email: string; name: string },
) => Promise<{ ok: true; outcome: 'created' | 'updated' | 'unchanged'; member: Member } | { ok: false; reason: string }>;

export interface ImportServiceDeps {
  imports: ImportRepository;
  runs: ImportRunRepository;
  rows: ImportRowRepository;
  connections: ImportConnectionSource;
  applications: Pick<ImportApplicationSource, 'findByIds'>;
  ashby: AshbyApiFactory;
  /** Members by email, to tell which hires are unknown. */
  members: { findByEmailKeys(keys: readonly string[]): Promise<Member[]> };
  putPendingMember: PutPendingMember;
  notify: Notify;
  clock: Clock;
  logger: Logger;
  /** PIGMENT_BASE_URL, without trailing slash. */
  /** The current tenant's platform base URL. */
  pigmentBaseUrl: () => string;
  /** Marks the tenant for the resume job before an import's run is marked running (tenant-job-markers.repository.ts). */
  markResumable(at: Date): Promise<void>;
}

export type RunImportResult = { ran: false; reason: 'not_found' } | { ran: true; run: ImportRun };

/** The member id of a hire's pending member: stable per application, so re-runs find it again. */
export function pendingMemberId(applicationId: string): string {
  return `ashby-${applicationId}`;
}

const ASHBY_ERROR_KINDS: readonly AshbyErrorKind[] = ['unauthorized', 'forbidden', 'sync_token_expired', 'rate_limited', 'server', 'network', 'bad_response'];

export function isAshbyError(error: unknown): error is AshbyApiErrorShape {
  return error instanceof Error && ASHBY_ERROR_KINDS.includes((error as Partial<AshbyApiErrorShape>).kind as AshbyErrorKind);
}

/** A run that cannot go on; `message` is for the owner and the history. */
class RunFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunFailure';
  }
}

/** Counts and problems of the run in progress. */
class RunTally {
  readonly counts: ImportRunCounts = emptyCounts();
  readonly errors: ImportRunError[] = [];

  problem(applicationId: string | undefined, message: string): void {
    if (this.errors.length >= MAX_RUN_ERRORS) return;
    const text =
      Array.from(message).length > MAX_RUN_ERROR_LENGTH
        ? `${Array.from(message)
            .slice(0, MAX_RUN_ERROR_LENGTH - 1)
            .join('')}…`
        : message;
    this.errors.push({ ...(applicationId !== undefined ? { applicationId } : {}), message: text });
  }
}

export class ImportService {
  constructor(private readonly deps: ImportServiceDeps) {}

  /** Runs the import now and records it; never throws for Ashby's or the connection's problems (they fail the run). */
  async run(importId: string, trigger: ImportTrigger): Promise<RunImportResult> {
    const { deps } = this;
    const found = await deps.imports.findById(importId);
    if (!found) return { ran: false, reason: 'not_found' };
    const logger = deps.logger.child({ importId, trigger });
    await deps.runs.closeAbandoned(importId, deps.clock.now());
    const now = deps.clock.now();
    // Mark first, then the run: the resume job finds the tenant if this process dies.
    await deps.markResumable(now);
    const started = await deps.runs.start(importId, trigger, now);
    const tally = new RunTally();
    let outcome: RunOutcome;
    let fullRead: boolean | undefined;
    try {
      const result = await this.read(found, tally, logger);
      fullRead = result.fullRead;
      const clean = tally.counts.failed === 0;
      // A row that could not be written must be read again next time: keep the old token then.
      if (clean && result.syncToken !== undefined) await deps.imports.saveSyncToken(found.id, result.syncToken, found.updatedAt);
      outcome = { status: clean && tally.counts.malformed === 0 ? 'completed' : 'completed_with_errors', counts: tally.counts, errors: tally.errors, fullRead };
    } catch (error) {
      const message = await this.failureMessage(found, error, logger);
      outcome = { status: 'failed', counts: tally.counts, errors: tally.errors, error: message, ...(fullRead !== undefined ? { fullRead } : {}) };
    }
    const run = await deps.runs.finish(started, outcome, deps.clock.now());
    logger.info({ runId: run.id, status: run.status, counts: run.counts, fullRead: run.fullRead }, 'ashby import run finished');
    await this.tellOwner(found, run, logger);
    return { ran: true, run };
  }

  /** Reads every page (incrementally when possible) and writes the rows; returns the token of the read. */
  private async read(imp: AshbyImport, tally: RunTally, logger: Logger): Promise<{ fullRead: boolean; syncToken?: string }> {
    const connection = await this.connectionFor(imp);
    const api = this.deps.ashby(await this.deps.connections.apiKeyOf(connection));
    const existing = await this.deps.rows.hashesOf(imp.id);
    const context: PageContext = { imp, api, existing, tally, departments: undefined };
    if (imp.syncToken !== undefined) {
      try {
        return { fullRead: false, ...(await this.readPages(context, imp.syncToken)) };
      } catch (error) {
        if (!(isAshbyError(error) && error.kind === 'sync_token_expired')) throw error;
        logger.info('Ashby no longer accepts the sync token; reading every hire');
      }
    }
    return { fullRead: true, ...(await this.readPages(context, undefined)) };
  }

  private async connectionFor(imp: AshbyImport): Promise<ImportConnection> {
    const connection = await this.deps.connections.findForApplication(imp.applicationId);
    if (connection) return connection;
    throw new RunFailure(noConnectionText(await this.applicationName(imp.applicationId)));
  }

  private async readPages(context: PageContext, syncToken: string | undefined): Promise<{ syncToken?: string }> {
    let token: string | undefined;
    for await (const page of context.api.hiredApplications(syncToken !== undefined ? { syncToken } : {})) {
      await this.importPage(context, page);
      if (page.syncToken !== undefined) token = page.syncToken;
    }
    return token !== undefined ? { syncToken: token } : {};
  }

  private async importPage(context: PageContext, page: ApplicationPage): Promise<void> {
    const { api, imp, tally, existing } = context;
    tally.counts.fetched += page.records.length;
    const hires: AshbyApplication[] = [];
    for (const record of page.records) {
      const parsed = api.parseApplication(record);
      if (parsed.ok) {
        hires.push(parsed.application);
      } else {
        tally.counts.malformed += 1;
        tally.problem(parsed.id, `Malformed record from Ashby: ${parsed.error}`);
      }
    }
    if (hires.length === 0) return;
    context.departments ??= await api.departments();
    const offers = await api.latestOffers(hires.map((h) => h.id));
    const rows = hires.map((hire) => toImportRow(hire, offers.get(hire.id), context.departments!, imp));
    await this.writeRows(imp, rows, existing, tally);
    if (imp.createPendingMembers) await this.createPendingMembers(hires, tally);
  }

  /** Inserts new rows, replaces changed ones, leaves unchanged ones alone. */
  private async writeRows(imp: AshbyImport, rows: ImportRow[], existing: Map<string, string>, tally: RunTally): Promise<void> {
    const now = this.deps.clock.now();
    const fresh: ImportRow[] = [];
    const changed: ImportRow[] = [];
    for (const row of rows) {
      const hash = rowHashOf(row);
      const before = existing.get(row.applicationId);
      if (before === undefined) fresh.push(row);
      else if (before === hash) tally.counts.unchanged += 1;
      else changed.push(row);
      existing.set(row.applicationId, hash);
    }
    const { existing: raced } = await this.deps.rows.insertNew(imp.id, fresh, now);
    tally.counts.created += fresh.length - raced.length;
    for (const row of [...raced, ...changed]) {
      try {
        await this.deps.rows.replace(imp.id, row, now);
        tally.counts.updated += 1;
      } catch (error) {
        tally.counts.failed += 1;
        existing.delete(row.applicationId);
        tally.problem(row.applicationId, `The row could not be stored: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  private async createPendingMembers(hires: AshbyApplication[], tally: RunTally): Promise<void> {
    const withEmail = hires.filter((h): h is AshbyApplication & { email: string } => h.email !== undefined && h.email.trim() !== '');
    if (withEmail.length === 0) return;
    const known = new Set((await this.deps.members.findByEmailKeys(withEmail.map((h) => emailKey(h.email)))).map((m) => m.emailKey));
    for (const hire of withEmail) {
      const key = emailKey(hire.email);
      if (known.has(key)) continue;
      known.add(key);
      const result = await this.deps.putPendingMember(pendingMemberId(hire.id), { email: hire.email, name: hire.candidateName });
      if (result.ok && result.outcome === 'created') tally.counts.membersCreated += 1;
      if (!result.ok) tally.problem(hire.id, `No pending member was created for this hire: ${result.reason}`);
    }
  }

  /** What a failed run says; a refused key also marks the connection broken. */
  private async failureMessage(imp: AshbyImport, error: unknown, logger: Logger): Promise<string> {
    if (error instanceof RunFailure) {
      logger.warn({ reason: error.message }, 'ashby import cannot run');
      return error.message;
    }
    if (error instanceof ConnectorError && error.code === 'ashby_connection_not_found') {
      logger.warn('the Ashby connection was removed during the run');
      return 'The Ashby connection was removed while the import ran; the next run uses the connection that lists the application then.';
    }
    if (error instanceof ConnectorError && error.code === 'secret_decryption_failed') {
      // ENCRYPTION_KEY changed since the key was saved (see SECURITY.md, rotating secrets).
      const reason = 'The stored Ashby API key cannot be decrypted with the current ENCRYPTION_KEY.';
      const connection = await this.deps.connections.findForApplication(imp.applicationId).catch(() => undefined);
      if (connection)
        await this.deps.connections
          .markBroken(connection.id, reason)
          .catch((markError: unknown) => logger.error({ err: markError }, 'could not mark the Ashby connection broken'));
      logger.warn('the stored Ashby API key cannot be decrypted; was ENCRYPTION_KEY changed?');
      return `${reason} A Workspace Admin replaces the key of the connection${connection ? ` "${connection.name}"` : ''} in the App Home.`;
    }
    if (!isAshbyError(error)) {
      logger.error({ err: error }, 'ashby import failed');
      return 'The import stopped on an internal error; it will be tried again at the next run.';
    }
    logger.warn({ kind: error.kind, status: error.status, ashbyCode: error.ashbyCode }, 'ashby refused or failed the import');
    if (error.kind === 'unauthorized' || error.kind === 'forbidden') {
      const connection = await this.deps.connections.findForApplication(imp.applicationId).catch(() => undefined);
      const reason = keyRefusedText(error);
      if (connection) {
        await this.deps.connections
          .markBroken(connection.id, reason)
          .catch((markError: unknown) => logger.error({ err: markError }, 'could not mark the Ashby connection broken'));
      }
      return `${reason} The Ashby connection${connection ? ` "${connection.name}"` : ''} is marked broken: a Workspace Admin replaces its API key in the App Home.`;
    }
    return ashbyFailureText(error);
  }

  private async tellOwner(imp: AshbyImport, run: ImportRun, logger: Logger): Promise<void> {
    try {
      const request = importNotification({
        imp,
        run,
        applicationName: await this.applicationName(imp.applicationId),
        pigmentBaseUrl: this.deps.pigmentBaseUrl(),
      });
      await this.deps.notify(request);
    } catch (error) {
      // The run is recorded; a lost notification must not turn it into a failure.
      logger.error({ err: error, runId: run.id }, 'could not hand the import notification to the outbox');
    }
  }

  private async applicationName(applicationId: string): Promise<string> {
    const [application] = await this.deps.applications.findByIds([applicationId]).catch(() => []);
    return application?.name ?? applicationId;
  }
}

interface PageContext {
  imp: AshbyImport;
  api: AshbyApi;
  /** applicationId → row hash, kept current as the run writes. */
  existing: Map<string, string>;
  tally: RunTally;
  /** Department id → name, read once per run on the first page with hires. */
  departments: Map<string, string> | undefined;
}

/** The row of one hire: the application, its latest offer, its department's name, the chosen custom fields. */
export function toImportRow(
  hire: AshbyApplication,
  offer: AshbyOffer | undefined,
  departments: ReadonlyMap<string, string>,
  imp: Pick<AshbyImport, 'customFields'>,
): ImportRow {
  const customFields: ImportRow['customFields'] = {};
  for (const field of imp.customFields) customFields[field.id] = hire.customFields[field.id] ?? null;
  return {
    applicationId: hire.id,
    employeeName: hire.candidateName,
    department: hire.departmentId !== undefined ? (departments.get(hire.departmentId) ?? null) : null,
    jobId: hire.jobId ?? null,
    jobTitle: hire.jobTitle ?? null,
    targetStartDate: offer?.startDate ?? null,
    actualStartDate: null,
    salary: offer?.salary ?? null,
    salaryCurrency: offer?.salaryCurrency ?? null,
    customFields,
  };
}

function keyRefusedText(error: AshbyApiErrorShape): string {
  if (error.kind === 'unauthorized') return 'Ashby did not accept the API key (401): it is wrong or was revoked.';
  return error.ashbyCode
    ? `Ashby refused the API key (403, ${error.ashbyCode}): it was revoked or lacks a permission the import needs.`
    : 'Ashby refused the API key (403): it was revoked or lacks a permission the import needs.';
}

function ashbyFailureText(error: AshbyApiErrorShape): string {
  switch (error.kind) {
    case 'rate_limited':
      return 'Ashby kept answering "too many requests" after several retries; the next run tries again.';
    case 'server':
      return `Ashby kept failing (${error.status ?? '5xx'}) after several retries; the next run tries again.`;
    case 'network':
      return 'Ashby could not be reached after several retries; the next run tries again.';
    case 'sync_token_expired':
      return 'Ashby refused the sync token even for a full read; the next run tries again.';
    default:
      return `Ashby answered something the connector does not understand${error.ashbyCode ? ` (${error.ashbyCode})` : ''}; the next run tries again.`;
  }
}
