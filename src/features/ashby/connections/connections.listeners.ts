/**
 * The "Ashby connections" Home section and its modals: Add, Edit, Replace key, Remove (with
 * a confirmation modal), the access list's typeahead, and paging.
 *
 * Every click, submission and typeahead goes through `requirePermission('ashby.manage')`:
 * authorised on the server at the moment it runs; a refusal changes nothing and says so.
 *
 * The 3-second ack and the key check: checking a key is one call to Ashby, usually well
 * under a second, but the client retries 429s and 5xx with backoff, so it can take longer.
 * A submission therefore waits for the check at most KEY_CHECK_BUDGET_MS: in time, the answer
 * is the ack itself (`response_action: errors` on the key field for a wrong key, or the modal
 * closes when saved). Late, the ack turns the modal into "Checking the key…", the check goes
 * on, and the modal is updated with the outcome: the form again (name and access list kept,
 * never the key) with the problem above it, or "Saved".
 */
import { ackBudgetLeft } from '../../../slack/ack-deadline';
import { tenantKey } from '../../../tenancy/per-tenant';
import type { App, Context, ViewResponseAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { withinBudget } from '../../../platform/within-budget';
import { mrkdwnText } from '../../../slack/block-text';
import type { ApplicationCatalog } from '../../applications';
import type { ScreenDeps } from '../../ports';
import { publishHome } from '../../home';
import { isAllowed } from '../../members/permissions';
import { gated, type Gated } from '../../members/require-permission';
import type { AshbyConnection } from './connection.types';
import type { AshbyConnectionService, SaveConnectionResult } from './connection.service';
import {
  applicationOption,
  blockErrors,
  decodeConnectionMetadata,
  MAX_APPLICATION_OPTIONS,
  readApiKey,
  readSettings,
  renderCreateModal,
  renderEditModal,
  renderConnectionNotice,
  renderRemoveModal,
  renderReplaceKeyModal,
} from './connection-modals.view';
import { CONNECTIONS_PAGE_SIZE, connectionsAttention, renderConnectionsSection, rowActionPattern } from './connections-section.view';
import { ASHBY_CONNECTION_IDS as IDS } from './ids';

/**
 * The Home's order: workspace 10, own status 20, notifications 25, mapping 30, members 40,
 * provisioning 40.5-41, inventory 45, then Ashby connections, then Ashby imports.
 */
export const ASHBY_CONNECTIONS_ORDER = 50;
export const ASHBY_PERMISSION = 'ashby.manage';
/** How long a submission waits for Ashby before acking with "Checking…" (Slack allows 3 s in all). */
export const KEY_CHECK_BUDGET_MS = 2_000;

export interface ConnectionListenerDeps {
  deps: ScreenDeps;
  service: AshbyConnectionService;
  applications: ApplicationCatalog;
}

type Ack = (response?: ViewResponseAction) => Promise<void>;
/** Bolt types a view listener's ack as a union over every view constraint; ours all answer view actions. */
const viewAck = (ack: unknown): Ack => ack as Ack;

export function registerConnectionListeners(app: App, input: ConnectionListenerDeps): void {
  const { deps, service, applications } = input;
  const manage = deps.requirePermission(ASHBY_PERMISSION);
  /**
   * Each viewer's page and the outcome of their last action (shown once), in this process, by
   * tenant and Slack user (tenantKey): the same user id in two Slack workspaces is two viewers.
   */
  const pages = new Map<string, number>();
  const notices = new Map<string, string>();

  deps.home.sections.add({
    order: ASHBY_CONNECTIONS_ORDER,
    name: 'ashby.connections',
    area: 'ashby',
    render: async ({ actor }) => {
      if (!isAllowed(actor.member, ASHBY_PERMISSION)) return [];
      const notice = notices.get(tenantKey(actor.slackUserId));
      notices.delete(tenantKey(actor.slackUserId));
      const all = await service.list();
      const lastPage = Math.max(0, Math.ceil(all.length / CONNECTIONS_PAGE_SIZE) - 1);
      const page = Math.min(pages.get(tenantKey(actor.slackUserId)) ?? 0, lastPage);
      const shown = all.slice(page * CONNECTIONS_PAGE_SIZE, (page + 1) * CONNECTIONS_PAGE_SIZE);
      return {
        blocks: renderConnectionsSection({
          connections: shown,
          applicationNames: await namesOf(shown.flatMap((c) => c.applicationIds)),
          page,
          total: all.length,
          ...(notice ? { notice } : {}),
        }),
        // Every page's broken keys, not only the page shown.
        attention: connectionsAttention(all),
      };
    },
  });

  async function namesOf(ids: readonly string[]): Promise<Map<string, string>> {
    const found = await applications.findByIds([...new Set(ids)]);
    return new Map(found.map((a) => [a.id, a.name]));
  }

  async function tell(client: WebClient, userId: string, notice: string): Promise<void> {
    notices.set(tenantKey(userId), notice);
    await publishHome(client, deps.home, userId);
  }

  /** A Home button that passed the check: who pressed it, its trigger and value. */
  function click(context: Context) {
    const { actor, interaction } = gated(context);
    if (!interaction.triggerId) throw new Error('an Ashby connections button arrived without a trigger id');
    return { userId: actor.slackUserId, memberId: actor.member.id, triggerId: interaction.triggerId, value: interaction.action?.value ?? '' };
  }

  /** A submission that passed the check: who sent it and the modal's id, metadata and values. */
  function submissionOf(context: Context) {
    const { actor, interaction }: Gated = gated(context);
    if (!interaction.view) throw new Error('an Ashby connections submission arrived without its view');
    return {
      userId: actor.slackUserId,
      memberId: actor.member.id,
      viewId: interaction.view.id,
      // The key check may wait this long before the ack: what is left of Slack's deadline.
      budgetMs: ackBudgetLeft(context, KEY_CHECK_BUDGET_MS),
      metadata: interaction.view.privateMetadata,
      values: interaction.view.values,
    };
  }

  const gone = () => renderConnectionNotice('This Ashby connection no longer exists. Nothing was changed.');

  // ---------------------------------------------------------------------------------------------
  // Home buttons

  app.action(IDS.add, manage, async ({ context, client }) => {
    await client.views.open({ trigger_id: click(context).triggerId, view: renderCreateModal() });
  });

  /** Row buttons: the connection (by the button's value) or a "no longer exists" modal. */
  const rowButton = (prefix: string, open: (connection: AshbyConnection) => Promise<Parameters<WebClient['views']['open']>[0]['view']>) =>
    app.action(rowActionPattern(prefix), manage, async ({ context, client }) => {
      const pressed = click(context);
      const connection = await service.get(pressed.value);
      await client.views.open({ trigger_id: pressed.triggerId, view: connection ? await open(connection) : gone() });
    });

  rowButton(IDS.edit, async (connection) => renderEditModal({ connection, selected: await applications.findByIds(connection.applicationIds) }));
  rowButton(IDS.replaceKey, async (connection) => renderReplaceKeyModal({ connection }));
  rowButton(IDS.remove, async (connection) => renderRemoveModal({ connection, applicationNames: await namesOf(connection.applicationIds) }));

  for (const actionId of [IDS.next, IDS.previous]) {
    app.action(actionId, manage, async ({ context, client }) => {
      const pressed = click(context);
      const page = Number.parseInt(pressed.value, 10);
      pages.set(tenantKey(pressed.userId), Number.isSafeInteger(page) && page >= 0 ? page : 0);
      await publishHome(client, deps.home, pressed.userId);
    });
  }

  // The access list's typeahead (over the socket in Socket Mode).
  app.options<'block_suggestion'>(IDS.applications, manage, async ({ ack, context }) => {
    const found = await applications.list({ text: gated(context).interaction.query ?? '', limit: MAX_APPLICATION_OPTIONS });
    await ack({ options: found.map(applicationOption) });
  });

  // ---------------------------------------------------------------------------------------------
  // Submissions

  /**
   * Answers a submission whose save may wait on Ashby (see the file header): in time, in the
   * ack; late, "Checking…" now and the outcome by views.update.
   */
  async function answerKeyedSave(
    ack: Ack,
    client: WebClient,
    submission: { userId: string; viewId: string; budgetMs: number },
    saving: Promise<SaveConnectionResult>,
    outcome: { saved: (connection: AshbyConnection) => string; formAgain: (problem: string) => Promise<Parameters<WebClient['views']['update']>[0]['view']> },
  ): Promise<void> {
    let result: SaveConnectionResult | undefined;
    try {
      result = await withinBudget(saving, submission.budgetMs);
    } catch (error) {
      await ack({ response_action: 'update', view: renderConnectionNotice(':x: Something went wrong and nothing was saved. Try again in a moment.') });
      throw error;
    }
    if (result) {
      if (result.ok) {
        await ack();
        await tell(client, submission.userId, outcome.saved(result.connection));
      } else if (result.reason === 'invalid') {
        await ack({ response_action: 'errors', errors: blockErrors(result.errors) });
      } else {
        await ack({ response_action: 'update', view: gone() });
      }
      return;
    }
    await ack({ response_action: 'update', view: renderConnectionNotice(':hourglass_flowing_sand: Checking the key with Ashby…') });
    let late: SaveConnectionResult;
    try {
      late = await saving;
    } catch (error) {
      await client.views
        .update({ view_id: submission.viewId, view: renderConnectionNotice(':x: Something went wrong and nothing was saved. Try again in a moment.') })
        .catch(() => undefined);
      throw error;
    }
    if (late.ok) {
      // The Home first: it is saved even if the admin closed the modal meanwhile (then the update fails).
      await tell(client, submission.userId, outcome.saved(late.connection));
      await client.views.update({ view_id: submission.viewId, view: renderConnectionNotice(outcome.saved(late.connection)) });
    } else if (late.reason === 'invalid') {
      await client.views.update({ view_id: submission.viewId, view: await outcome.formAgain(Object.values(late.errors).join(' ')) });
    } else {
      await client.views.update({ view_id: submission.viewId, view: gone() });
    }
  }

  app.view(IDS.createView, manage, async ({ ack, context, client }) => {
    const submission = submissionOf(context);
    const settings = readSettings(submission.values);
    const saving = service.create({ ...settings, apiKey: readApiKey(submission.values) }, submission.memberId);
    await answerKeyedSave(viewAck(ack), client, submission, saving, {
      saved: (c) => `:white_check_mark: Ashby connection *${escapeName(c.name)}* added (key ending in \`${c.keyLast4}\`).`,
      formAgain: async (problem) => renderCreateModal({ name: settings.name, selected: await applications.findByIds(settings.applicationIds), problem }),
    });
  });

  app.view(IDS.replaceKeyView, manage, async ({ ack, context, client }) => {
    const submission = submissionOf(context);
    const metadata = decodeConnectionMetadata(submission.metadata);
    if (!metadata) {
      await viewAck(ack)({ response_action: 'update', view: gone() });
      return;
    }
    const saving = service.replaceKey(metadata.connectionId, readApiKey(submission.values), submission.memberId);
    await answerKeyedSave(viewAck(ack), client, submission, saving, {
      saved: (c) => `:white_check_mark: The API key of *${escapeName(c.name)}* was replaced (now ending in \`${c.keyLast4}\`).`,
      formAgain: async (problem) => {
        const connection = await service.get(metadata.connectionId);
        return connection ? renderReplaceKeyModal({ connection, problem }) : gone();
      },
    });
  });

  app.view(IDS.editView, manage, async ({ ack, context, client }) => {
    const submission = submissionOf(context);
    const metadata = decodeConnectionMetadata(submission.metadata);
    const result = metadata
      ? await service.update(metadata.connectionId, readSettings(submission.values), submission.memberId)
      : ({ ok: false, reason: 'not_found' } as const);
    if (!result.ok) {
      await viewAck(ack)(
        result.reason === 'invalid' ? { response_action: 'errors', errors: blockErrors(result.errors) } : { response_action: 'update', view: gone() },
      );
      return;
    }
    await ack();
    await tell(client, submission.userId, `:white_check_mark: Ashby connection *${escapeName(result.connection.name)}* saved.`);
  });

  app.view(IDS.removeView, manage, async ({ ack, context, client }) => {
    const submission = submissionOf(context);
    const metadata = decodeConnectionMetadata(submission.metadata);
    const result = metadata ? await service.remove(metadata.connectionId, submission.memberId) : ({ ok: false, reason: 'not_found' } as const);
    if (!result.ok) {
      await viewAck(ack)({ response_action: 'update', view: gone() });
      return;
    }
    await ack();
    await tell(client, submission.userId, `:wastebasket: Ashby connection *${escapeName(result.connection.name)}* removed, with its API key.`);
  });
}

/** A connection name inside a notice's bold text. */
function escapeName(name: string): string {
  return mrkdwnText(name, 100);
}
