/**
 * The user inventory (issue 5), for admins allowed `inventory.view`: an App Home section with
 * the workspace's users by status as Slack reports them, and a CSV export of every user sent
 * to the admin's DM. Figures Slack refuses (plan, token, scope) show the reason instead.
 *
 * The export button is acknowledged at once and authorised on the server when it arrives;
 * a refused click sends nothing.
 */
import type { App } from '@slack/bolt';
import { sendCsvToDm } from '../../slack/csv-to-dm';
import { tenantKey } from '../../tenancy/per-tenant';
import type { ScreenDeps } from '../ports';
import type { MappingLookup } from '../mapping/mapping-lookup';
import type { MemberDirectory } from '../members/member-directory';
import { isAllowed } from '../members/permissions';
import { gated } from '../members/require-permission';
import { INVENTORY_IDS } from './ids';
import { INVENTORY_CSV_HEADER, inventoryCsvRow } from './inventory-row';
import { EXPORT_FAILED_TEXT, renderAboutColumnsModal, renderInventorySection } from './inventory-section.view';
import { InventoryService } from './inventory.service';
import { TeamUsageClient } from './team-usage.client';

export { INVENTORY_IDS } from './ids';
export { InventoryService } from './inventory.service';

/** The Home section's place: after members (40), before anything later. */
export const INVENTORY_SECTION_ORDER = 45;
/** How long a Home render waits for fresh counts before showing the last ones. */
export const INVENTORY_HOME_BUDGET_MS = 2_500;
/** Counts younger than this are shown again rather than counted anew. */
export const INVENTORY_COUNTS_MAX_AGE_MS = 10 * 60_000;

const PERMISSION = 'inventory.view';

export function register(app: App, deps: ScreenDeps, ports: { members: MemberDirectory; mapping: MappingLookup }): { service: InventoryService } {
  const logger = deps.logger.child({ feature: 'inventory' });
  const service = new InventoryService({
    directory: deps.directory,
    usage: new TeamUsageClient(async () => {
      // Slack's admin-only methods need the installing admin's user token when they granted it.
      const clients = await deps.slack.current();
      return clients.adminClient ?? clients.client;
    }),
    mappings: ports.mapping,
    members: ports.members,
    clock: deps.clock,
    logger,
  });
  /** Slack users (tenantKey: by tenant too) whose export is running in this process: a second click waits for the first. */
  const exporting = new Set<string>();

  deps.home.sections.add({
    order: INVENTORY_SECTION_ORDER,
    name: 'inventory',
    area: 'members',
    render: async ({ actor }) => {
      if (!isAllowed(actor.member, PERMISSION)) return [];
      const result = await service.summaryForHome(INVENTORY_HOME_BUDGET_MS, INVENTORY_COUNTS_MAX_AGE_MS);
      return renderInventorySection(result ?? {});
    },
  });

  // Read-only, but it sits in an admin section: authorised like the export beside it.
  app.action(INVENTORY_IDS.aboutColumns, deps.requirePermission(PERMISSION), async ({ context, client }) => {
    const { interaction } = gated(context);
    if (!interaction.triggerId) throw new Error('"About these columns" arrived without a trigger id');
    await client.views.open({ trigger_id: interaction.triggerId, view: renderAboutColumnsModal() });
  });

  app.action(INVENTORY_IDS.exportCsv, deps.requirePermission(PERMISSION), async ({ context, client }) => {
    const user = { id: gated(context).actor.slackUserId };
    const running = tenantKey(user.id);
    if (exporting.has(running)) {
      logger.info({ userId: user.id }, 'user inventory export already running for this user');
      return;
    }
    exporting.add(running);
    try {
      const date = deps.clock.now().toISOString().slice(0, 10);
      const result = await sendCsvToDm((await deps.slack.current()).client, {
        userId: user.id,
        filename: `user-inventory-${date}.csv`,
        title: `User inventory ${date}`,
        comment: 'Your user inventory: every user of the workspace as Slack reports them.',
        header: INVENTORY_CSV_HEADER,
        rows: csvRows(service),
      });
      logger.info({ userId: user.id, fileId: result.fileId, lines: result.lines, bytes: result.bytes }, 'user inventory exported');
    } catch (error) {
      // Tell the admin, then let the global error handler log the failure with its step.
      await client.chat.postMessage({ channel: user.id, text: EXPORT_FAILED_TEXT });
      throw error;
    } finally {
      exporting.delete(running);
    }
  });

  return { service };
}

async function* csvRows(service: InventoryService): AsyncGenerator<string[]> {
  for await (const page of service.rows()) for (const row of page) yield inventoryCsvRow(row);
}
