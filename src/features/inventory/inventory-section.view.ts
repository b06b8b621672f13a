/**
 * The user inventory's App Home section, for admins: users by status as Slack reports them,
 * what Slack would not tell and why, and the CSV export button; the caveat on Slack's billing
 * status is one click away ("About these columns"), not a paragraph in the way. Pure.
 */
import type { KnownBlock, ModalView } from '@slack/types';
import { mrkdwn, plain } from '../../slack/block-text';
import { renderNoticeModal } from '../../slack/notice-modal';
import { INVENTORY_BLOCKS, INVENTORY_IDS } from './ids';
import type { InventorySummary, Refusal } from './inventory.types';
import { slackDateText } from '../../slack/slack-date';

export interface InventorySectionModel {
  /** Undefined while the first count is still running. */
  summary?: InventorySummary;
  /** True while a newer count runs (the Home could not wait for it). */
  counting?: boolean;
}

/**
 * Slack's own words, shortened: billing_active is computed periodically and is not a
 * real-time view (team.billableInfo); under the Fair Billing Policy a member is billed as
 * active after an action within 28 days, for plans paid by card or self-serve invoice.
 */
export const BILLING_STATUS_NOTE =
  'Slack computes the billing status periodically: `team.billableInfo` returns the most recently computed value, not a real-time view of who is billed. ' +
  'Under Slack’s Fair Billing Policy a member counts as active after any action in Slack within a 28-day period, and the policy applies to plans paid by card or self-serve invoice. ' +
  'Treat the billing column as an indication, not as your bill.';

/** Why Slack refused, in words an admin can act on. */
export function refusalText(refusal: Refusal): string {
  const answered = `Slack answered \`${refusal.error}\``;
  switch (refusal.error) {
    case 'paid_only':
      return `${answered}: \`${refusal.method}\` is only available to workspaces on a paid plan.`;
    case 'not_allowed_token_type':
      return `${answered}: \`${refusal.method}\` needs a user token with the \`admin\` scope, and the app calls Slack with its bot token.`;
    case 'missing_scope':
      return `${answered}: \`${refusal.method}\` needs the \`admin\` scope${refusal.needed ? ` (needed: \`${refusal.needed}\`)` : ''}, which the token does not have.`;
    default:
      return `${answered} to \`${refusal.method}\`.`;
  }
}

const COLUMN_NAMES = { billing: 'Billing status', lastActivity: 'Last activity' } as const;

export function renderInventorySection(model: InventorySectionModel): KnownBlock[] {
  const { summary } = model;
  const blocks: KnownBlock[] = [];
  if (!summary) {
    blocks.push({
      type: 'section',
      block_id: INVENTORY_BLOCKS.summary,
      text: mrkdwn('*User inventory*\nCounting the workspace’s users… Open the Home again in a moment.'),
    });
  } else {
    const n = (value: number) => value.toLocaleString('en-US');
    const { byStatus } = summary;
    const lines = [
      `*User inventory* (as Slack reports them): ${n(summary.users)} ${summary.users === 1 ? 'user' : 'users'}`,
      `${n(byStatus.active)} active · ${n(byStatus.guest)} guests · ${n(byStatus.bot)} bots · ${n(byStatus.deactivated)} deactivated`,
      `${n(summary.adminsAndOwners)} admins or owners · ${n(summary.mapped)} mapped to a member`,
    ];
    if (summary.billing.available) lines.push(`${n(summary.billing.active ?? 0)} billing active, per Slack`);
    const countedAt = slackDateText(summary.at);
    lines.push(`_Counted ${countedAt}${model.counting ? '; a new count is running' : ''}._`);
    blocks.push({ type: 'section', block_id: INVENTORY_BLOCKS.summary, text: mrkdwn(lines.join('\n')) });
    const missing = [
      summary.billing.available ? undefined : `• *${COLUMN_NAMES.billing}*: not available. ${refusalText(summary.billing.refusal)}`,
      summary.lastActivity.available ? undefined : `• *${COLUMN_NAMES.lastActivity}*: not available. ${refusalText(summary.lastActivity.refusal)}`,
    ].filter((line): line is string => line !== undefined);
    if (missing.length > 0) {
      blocks.push({ type: 'section', block_id: INVENTORY_BLOCKS.availability, text: mrkdwn(`*Not available from Slack*\n${missing.join('\n')}`) });
    }
  }
  blocks.push({
    type: 'actions',
    block_id: INVENTORY_BLOCKS.actions,
    elements: [
      { type: 'button', action_id: INVENTORY_IDS.exportCsv, text: plain('Export inventory (CSV)', 75), value: 'export' },
      { type: 'button', action_id: INVENTORY_IDS.aboutColumns, text: plain('About these columns', 75), value: 'about' },
    ],
  });
  return blocks;
}

/** What the columns mean and how far to trust them: the modal behind "About these columns". */
export function renderAboutColumnsModal(): ModalView {
  return renderNoticeModal({
    callbackId: INVENTORY_IDS.aboutColumnsView,
    title: 'About these columns',
    blockId: INVENTORY_BLOCKS.billingNote,
    text:
      `*${COLUMN_NAMES.billing}*\n${BILLING_STATUS_NOTE}\n\n` +
      `*${COLUMN_NAMES.lastActivity}*\nWhen the user last used Slack, from \`team.accessLogs\` (paid plans only). ` +
      'The export has every user with both columns, or the reason Slack gave none.',
  });
}

/** The DM an admin gets when an export did not reach them. */
export const EXPORT_FAILED_TEXT =
  'The user inventory export failed. Try again in a few minutes; if it keeps failing, ask the connector’s operator to check its logs.';
