/**
 * "Ashby imports" in the App Home and its modals: New import / Edit (setup modal), Run now and
 * History. Every click and submission goes through `requirePermission('ashby.manage')`:
 * authorised on the server when it runs; a refusal changes nothing and says so. Run now runs
 * under the import's own lease.
 */
import type { App, Context } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { tenantKey } from '../../../tenancy/per-tenant';
import type { ScreenDeps } from '../../ports';
import { publishHome } from '../../home';
import { isAllowed, type Permission } from '../../members/permissions';
import { gated } from '../../members/require-permission';
import type { AshbyApiFactory } from '../ashby-api.types';
import { EDIT_ACTION, HISTORY_ACTION, IMPORT_HOME_IDS, IMPORT_SETUP_BLOCKS, IMPORT_SETUP_IDS, RUN_NOW_ACTION } from './ids';
import { noConnectionText, type ImportApplicationSource, type ImportConnectionSource } from './import-connections';
import { HISTORY_RUNS_SHOWN, renderHistoryModal } from './import-history.view';
import { importLeaseName, runImportExclusive } from './import.job';
import type { ImportRepository } from './import.repository';
import type { ImportRunRepository } from './import-run.repository';
import { isAshbyError, type ImportService } from './import.service';
import { decodeSetupMetadata, parseSetupSubmission, readSetupState, renderImportNotice, renderSetupModal, type SetupModalModel } from './import-setup.view';
import { IMPORTS_SHOWN, renderImportsSection, type ImportListItem, type ImportsNotice } from './imports-section.view';

/** After the Ashby connections (50) in the Home. */
export const IMPORTS_SECTION_ORDER = 51;
export const IMPORTS_PERMISSION: Permission = 'ashby.manage';

export interface ImportsHomeContext {
  deps: ScreenDeps;
  imports: ImportRepository;
  runs: ImportRunRepository;
  service: ImportService;
  connections: ImportConnectionSource;
  applications: ImportApplicationSource;
  ashby: AshbyApiFactory;
}

const importIdSchema = z.string().min(1).max(200);

export function registerImportsHome(app: App, ctx: ImportsHomeContext): void {
  const { deps } = ctx;
  const manage = deps.requirePermission(IMPORTS_PERMISSION);
  const logger = deps.logger.child({ feature: 'ashby', component: 'imports-home' });
  /** The outcome of each viewer's last click, shown once by the next render in this process; by tenant and Slack user (tenantKey). */
  const notices = new Map<string, ImportsNotice>();

  deps.home.sections.add({
    order: IMPORTS_SECTION_ORDER,
    name: 'ashby.imports',
    area: 'ashby',
    render: async ({ actor }) => {
      if (!isAllowed(actor.member, IMPORTS_PERMISSION)) return [];
      const notice = notices.get(tenantKey(actor.slackUserId));
      notices.delete(tenantKey(actor.slackUserId));
      return renderImportsSection({ items: await loadItems(ctx), ...(notice ? { notice } : {}), now: deps.clock.now() });
    },
  });

  async function tell(client: WebClient, userId: string, notice: ImportsNotice): Promise<void> {
    notices.set(tenantKey(userId), notice);
    await publishHome(client, deps.home, userId);
  }

  /** A press that passed the check: who, the trigger, the value and the modal it came from. */
  function pressOf(context: Context) {
    const { actor, interaction } = gated(context);
    return {
      userId: actor.slackUserId,
      member: actor.member,
      triggerId: interaction.triggerId,
      value: interaction.action?.value ?? '',
      view: interaction.view,
    };
  }

  /** Opens a modal at once (the trigger id lives 3 s), then fills it. */
  async function openThenFill(
    client: WebClient,
    triggerId: string | undefined,
    fill: () => Promise<Parameters<WebClient['views']['update']>[0]['view']>,
  ): Promise<void> {
    const opened = await client.views.open({ trigger_id: z.string().min(1).parse(triggerId), view: renderImportNotice(':hourglass: Loading…') });
    const viewId = z.string().min(1).parse(opened.view?.id);
    await client.views.update({ view_id: viewId, view: await fill() });
  }

  app.action(IMPORT_HOME_IDS.newImport, manage, async (args) => {
    const press = pressOf(args.context);
    await openThenFill(args.client, press.triggerId, async () => renderSetupModal({ applications: await ctx.applications.list() }));
  });

  app.action(EDIT_ACTION, manage, async (args) => {
    const press = pressOf(args.context);
    const importId = importIdSchema.parse(press.value);
    await openThenFill(args.client, press.triggerId, async () => {
      const imp = await ctx.imports.findById(importId);
      if (!imp) return renderImportNotice(':grey_question: That import no longer exists.');
      const [applications, source] = await Promise.all([ctx.applications.list(), loadSource(ctx, imp.applicationId)]);
      // An application registered past the picker's first page is still shown as chosen.
      const listed = applications.some((a) => a.id === imp.applicationId)
        ? applications
        : [...(await ctx.applications.findByIds([imp.applicationId])), ...applications];
      return renderSetupModal({ editing: imp, applications: listed, applicationId: imp.applicationId, source });
    });
  });

  // Choosing the application reloads the modal with its connection and custom fields.
  app.action(IMPORT_SETUP_IDS.application, manage, async (args) => {
    const view = pressOf(args.context).view;
    if (!view) throw new Error('the application picker arrived without its modal');
    const metadata = decodeSetupMetadata(view.privateMetadata);
    const state = readSetupState(view.values);
    const editing = metadata?.importId ? await ctx.imports.findById(metadata.importId) : undefined;
    const applications = await ctx.applications.list();
    const model: SetupModalModel = {
      ...(editing ? { editing } : {}),
      applications,
      ...(state.applicationId ? { applicationId: state.applicationId, source: await loadSource(ctx, state.applicationId) } : {}),
      draft: {
        ...(state.targetBlock !== undefined ? { targetBlock: state.targetBlock } : {}),
        customFields: state.customFields,
        createPendingMembers: state.createPendingMembers,
      },
    };
    await args.client.views.update({ view_id: view.id, view: renderSetupModal(model) });
  });

  app.view(IMPORT_SETUP_IDS.view, manage, async ({ ack, context, client }) => {
    const { actor, interaction } = gated(context);
    const userId = actor.slackUserId;
    const metadata = decodeSetupMetadata(interaction.view?.privateMetadata);
    const result = parseSetupSubmission(interaction.view?.values);
    if (!metadata) {
      await ack({ response_action: 'update', view: renderImportNotice(':x: This form could not be read. Close it and start again from the App Home.') });
      return;
    }
    if (!result.ok) {
      await ack({ response_action: 'errors', errors: result.errors });
      return;
    }
    const { settings } = result;
    const [application] = await ctx.applications.findByIds([settings.applicationId]);
    if (!application) {
      await ack({ response_action: 'errors', errors: { [IMPORT_SETUP_BLOCKS.application]: 'This application is no longer registered; choose another.' } });
      return;
    }
    if (!(await ctx.connections.findForApplication(application.id))) {
      await ack({ response_action: 'errors', errors: { [IMPORT_SETUP_BLOCKS.application]: noConnectionText(application.name) } });
      return;
    }
    const now = deps.clock.now();
    if (metadata.importId) {
      const updated = await ctx.imports.updateSettings(metadata.importId, settings, now);
      if (!updated) {
        await ack({ response_action: 'update', view: renderImportNotice(':grey_question: That import no longer exists; nothing was saved.') });
        return;
      }
      await ack();
      logger.info({ userId, memberId: actor.member.id, importId: updated.id, applicationId: settings.applicationId }, 'ashby import edited');
      await tell(client, userId, { kind: 'saved', targetBlock: updated.targetBlock, created: false });
      return;
    }
    const created = await ctx.imports.create(settings, actor.member.id, now);
    await ack();
    logger.info(
      { userId, memberId: actor.member.id, importId: created.id, applicationId: settings.applicationId, customFields: settings.customFields.length },
      'ashby import created',
    );
    await tell(client, userId, { kind: 'saved', targetBlock: created.targetBlock, created: true });
  });

  app.action(RUN_NOW_ACTION, manage, async (args) => {
    const press = pressOf(args.context);
    const userId = press.userId;
    const imp = await ctx.imports.findById(importIdSchema.parse(press.value));
    if (!imp) return tell(args.client, userId, { kind: 'gone' });
    logger.info({ userId, memberId: press.member.id, importId: imp.id }, 'ashby import started from the App Home');
    await tell(args.client, userId, { kind: 'run_started', targetBlock: imp.targetBlock });
    const outcome = await runImportExclusive(deps.scheduler, ctx.service, imp.id, 'manual');
    if (!outcome.ran) {
      return tell(
        args.client,
        userId,
        outcome.reason === 'held_elsewhere'
          ? { kind: 'held_elsewhere', targetBlock: imp.targetBlock }
          : { kind: 'failed', error: 'The connector is shutting down; try again in a moment.' },
      );
    }
    if (outcome.status === 'failed') return tell(args.client, userId, { kind: 'failed', error: 'The import could not run; see the connector logs.' });
    const runId = outcome.report['runId'];
    const run = typeof runId === 'string' ? await ctx.runs.findById(runId) : undefined;
    await tell(args.client, userId, run ? { kind: 'run_finished', targetBlock: imp.targetBlock, run } : { kind: 'gone' });
  });

  app.action(HISTORY_ACTION, manage, async (args) => {
    const press = pressOf(args.context);
    const importId = importIdSchema.parse(press.value);
    await openThenFill(args.client, press.triggerId, async () => {
      const imp = await ctx.imports.findById(importId);
      if (!imp) return renderImportNotice(':grey_question: That import no longer exists.');
      const [runs, name] = await Promise.all([ctx.runs.latest(imp.id, HISTORY_RUNS_SHOWN), applicationName(ctx, imp.applicationId)]);
      return renderHistoryModal({ imp, applicationName: name, runs, now: deps.clock.now() });
    });
  });
}

async function applicationName(ctx: Pick<ImportsHomeContext, 'applications'>, applicationId: string): Promise<string> {
  const [application] = await ctx.applications.findByIds([applicationId]);
  return application?.name ?? applicationId;
}

/** The Home list: each import with its application's name and last run. */
export async function loadItems(ctx: Pick<ImportsHomeContext, 'imports' | 'runs' | 'applications' | 'deps'>): Promise<ImportListItem[]> {
  const all = await ctx.imports.listAll();
  const shown = all.slice(0, IMPORTS_SHOWN);
  const applications = new Map((await ctx.applications.findByIds([...new Set(shown.map((i) => i.applicationId))])).map((a) => [a.id, a.name]));
  const items = await Promise.all(
    shown.map(async (imp): Promise<ImportListItem> => {
      const [lastRun] = await ctx.runs.latest(imp.id, 1);
      const interrupted = lastRun?.status === 'running' && !(await ctx.deps.scheduler.isLeaseHeld(importLeaseName(imp.id)));
      return {
        imp,
        applicationName: applications.get(imp.applicationId) ?? imp.applicationId,
        ...(lastRun ? { lastRun } : {}),
        ...(interrupted ? { interrupted } : {}),
      };
    }),
  );
  // The rest only count (the view says "the first N of M").
  return [...items, ...all.slice(IMPORTS_SHOWN).map((imp) => ({ imp, applicationName: imp.applicationId }))];
}

/** The connection of `applicationId` and Ashby's custom fields through it, for the setup modal. */
async function loadSource(
  ctx: Pick<ImportsHomeContext, 'connections' | 'applications' | 'ashby' | 'deps'>,
  applicationId: string,
): Promise<SetupModalModel['source']> {
  const connection = await ctx.connections.findForApplication(applicationId);
  if (!connection) return { kind: 'no_connection', text: noConnectionText(await applicationName(ctx, applicationId)) };
  try {
    const customFields = await ctx.ashby(await ctx.connections.apiKeyOf(connection)).customFields();
    return { kind: 'connected', connectionName: connection.name, customFields };
  } catch (error) {
    if (!isAshbyError(error)) throw error;
    ctx.deps.logger.warn({ kind: error.kind, status: error.status, connectionId: connection.id }, "could not read Ashby's custom fields for the import setup");
    const reason =
      error.kind === 'unauthorized' || error.kind === 'forbidden'
        ? "Ashby refused the connection's API key; replace it under Ashby connections"
        : 'Ashby did not answer; try again in a moment';
    return { kind: 'connected_fields_unread', connectionName: connection.name, reason };
  }
}
