/**
 * The provisioning panel in the App Home, for Security Admins and Primary Owners: what the
 * saved configuration syncs, whether it waits for its first sync ("Your sync is pending"), the
 * running sync's progress, a run stopped by the safety limit with Review / Approve / Cancel,
 * the outcome of the viewer's last click, and Configure / Sync now / Preview. Pure.
 */
import type { Button, KnownBlock } from '@slack/types';
import { escapeMrkdwn, mrkdwn, mrkdwnText, plain } from '../../../slack/block-text';
import type { StoredProvisioningConfig } from '../provisioning-config.repository';
import type { SyncActionKind } from '../provisioning.types';
import type { SyncRun, SyncRunStatus } from '../sync-run.repository';
import { PROVISIONING_PANEL_IDS as IDS } from './config-ids';
import type { UsergroupSummary } from './config-groups';
import type { AttentionItem } from '../../home';

/** Groups and mapping lines named in the summary before "and N more". */
export const SUMMARY_GROUPS_SHOWN = 10;

/** The outcome of the viewer's last click, shown once above the buttons. */
export type PanelNotice =
  | { kind: 'sync_started' }
  | { kind: 'preview_started' }
  | { kind: 'held_elsewhere' }
  | { kind: 'not_configured' }
  | { kind: 'workspace_not_live' }
  | { kind: 'finished'; what: 'sync' | 'preview' | 'approval'; status: SyncRunStatus; counts: SyncRun['counts']; error?: string }
  | { kind: 'cancelled' }
  | { kind: 'not_in_review'; status?: SyncRunStatus }
  | { kind: 'failed'; error: string };

export interface PanelModel {
  config?: StoredProvisioningConfig;
  /** For group names; undefined when Slack did not answer (ids are shown). */
  groups?: readonly UsergroupSummary[];
  /** The configuration uses user groups, and Slack said the workspace's plan has none (Free). */
  groupsNeedPaidPlan?: boolean;
  /** The saved configuration is newer than the last completed sync. */
  pending: boolean;
  /** The latest run, while it runs. */
  running?: Pick<SyncRun, 'id' | 'kind' | 'usersRead'> & Partial<Pick<SyncRun, 'phase' | 'appliedThrough' | 'counts'>>;
  /** The running sync's process died (no live process holds its lease): it resumes by itself. */
  interrupted?: boolean;
  /** The latest run, when the safety limit stopped it. */
  review?: Pick<SyncRun, 'id' | 'counts'>;
  notice?: PanelNotice;
}

const STATUS_WORDS: Record<SyncRunStatus, string> = {
  pending: 'is pending',
  running: 'is running',
  completed: 'completed',
  completed_with_errors: 'completed with errors',
  failed: 'failed',
  needs_review: 'stopped for review',
};

const KIND_WORDS: Record<SyncActionKind, [string, string]> = {
  created: ['created', 'created'],
  updated: ['updated', 'updated'],
  deactivated: ['deactivated', 'deactivated'],
  reactivated: ['reactivated', 'reactivated'],
  added_to_team: ['added to a team', 'added to teams'],
  removed_from_team: ['removed from a team', 'removed from teams'],
  skipped: ['skipped', 'skipped'],
  failed: ['failed', 'failed'],
};

/** "3 created, 1 deactivated" (nothing: "no changes"). */
export function countsText(counts: SyncRun['counts']): string {
  const parts = (Object.keys(KIND_WORDS) as SyncActionKind[]).flatMap((kind) => {
    const n = counts[kind] ?? 0;
    return n > 0 ? [`${n.toLocaleString('en-US')} ${KIND_WORDS[kind][n === 1 ? 0 : 1]}`] : [];
  });
  return parts.length > 0 ? parts.join(', ') : 'no changes';
}

export function noticeText(notice: PanelNotice): string {
  switch (notice.kind) {
    case 'sync_started':
      return ':arrows_counterclockwise: Sync started. This panel shows its outcome when it ends.';
    case 'preview_started':
      return ':mag: Preview started: nothing is written. This panel shows what the sync would do when it ends.';
    case 'held_elsewhere':
      return ':hourglass: Another sync is running right now (on another connector process). Try again when it has finished.';
    case 'not_configured':
      return ':gear: Nothing to sync yet: save a configuration first.';
    case 'workspace_not_live':
      return ':electric_plug: The workspace is not connected, so nothing was synced.';
    case 'finished': {
      const what = notice.what === 'preview' ? 'Preview' : notice.what === 'approval' ? 'Approved sync' : 'Sync';
      const icon = notice.status === 'completed' ? ':white_check_mark:' : notice.status === 'needs_review' ? ':raised_hand:' : ':warning:';
      const counts = notice.what === 'preview' ? `would have: ${countsText(notice.counts)}` : countsText(notice.counts);
      const error = notice.error ? ` (${mrkdwnText(notice.error, 300)})` : '';
      return `${icon} ${what} ${STATUS_WORDS[notice.status]}${error}: ${counts}.${notice.what === 'preview' ? ' Its report is in the sync history.' : ''}`;
    }
    case 'cancelled':
      return ':no_entry_sign: The reviewed sync was cancelled; none of its actions were applied.';
    case 'not_in_review':
      return `:information_source: That sync is no longer waiting for review${notice.status ? ` (it ${STATUS_WORDS[notice.status]})` : ''}; nothing was done.`;
    case 'failed':
      return `:x: ${mrkdwnText(notice.error, 500)}`;
  }
}

function groupLabel(groups: readonly UsergroupSummary[] | undefined, id: string): string {
  const group = groups?.find((g) => g.id === id);
  return group ? `@${escapeMrkdwn(group.handle)}` : escapeMrkdwn(id);
}

function listWithMore(items: string[]): string {
  const shown = items.slice(0, SUMMARY_GROUPS_SHOWN).join(', ');
  return items.length > SUMMARY_GROUPS_SHOWN ? `${shown} and ${items.length - SUMMARY_GROUPS_SHOWN} more` : shown;
}

/** The configuration in words (mrkdwn). */
export function summaryText(config: StoredProvisioningConfig, groups: readonly UsergroupSummary[] | undefined): string {
  const who =
    config.scope === 'everyone' ? 'Everyone in the Slack workspace' : `Members of ${listWithMore(config.groupIds.map((id) => groupLabel(groups, id)))}`;
  const pairs = Object.entries(config.teamMapping.groupToTeam).map(([id, team]) => `${groupLabel(groups, id)} → ${mrkdwnText(team, 100)}`);
  const mapping = config.teamMapping.enabled ? (pairs.length > 0 ? listWithMore(pairs) : 'On, no groups mapped') : 'Off';
  const share = Math.round(config.maxDeactivationShare * 100);
  return [
    `*Who is synced:* ${who}`,
    `*Guests:* ${config.includeGuests ? 'Synced like members' : 'Left out'}`,
    `*Team mapping:* ${mapping}`,
    `*Invite new members:* ${config.inviteNewMembers ? 'Yes' : 'No'}`,
    `*Safety limit:* a sync that would deactivate more than ${share}% of synced members stops for review`,
  ].join('\n');
}

function button(text: string, actionId: string, extra: Partial<Button> = {}): Button {
  return { type: 'button', text: plain(text, 75), action_id: actionId, ...extra };
}

/** A sync the safety limit stopped waits for an admin's Approve or Cancel in the Sync area. */
export function provisioningAttention(model: PanelModel): AttentionItem[] {
  if (!model.review) return [];
  const deactivations = model.review.counts.deactivated ?? 0;
  const what = deactivations > 0 ? `: it would deactivate ${deactivations.toLocaleString('en-US')} ${deactivations === 1 ? 'member' : 'members'}` : '';
  return [{ area: 'sync', text: `:raised_hand: *A sync is waiting for your review*${what}. Approve or cancel it.` }];
}

export function renderProvisioningPanel(model: PanelModel): KnownBlock[] {
  const blocks: KnownBlock[] = [
    { type: 'divider' },
    { type: 'header', text: plain('Provisioning sync', 150) },
    {
      type: 'section',
      block_id: IDS.summaryBlock,
      text: mrkdwn(model.config ? summaryText(model.config, model.groups) : 'Not configured yet: nothing is synced from Slack until a configuration is saved.'),
    },
  ];
  if (model.groupsNeedPaidPlan) {
    blocks.push({
      type: 'section',
      text: mrkdwn(
        ':warning: *User groups need a paid Slack plan.* This Slack workspace has none (Slack answered `plan_upgrade_required`), so a sync by user group or with team mapping cannot run. *Configure* to sync everyone instead.',
      ),
    });
  }
  if (model.config && model.pending && !model.running) {
    blocks.push({
      type: 'section',
      text: mrkdwn(':hourglass_flowing_sand: *Your sync is pending.* The saved configuration applies to the next sync; *Sync now* starts one at once.'),
    });
  }
  if (model.running) {
    const { running } = model;
    const what = running.kind === 'preview' ? 'A preview is running' : 'A sync is running';
    // Applying: the run's watermark says how many planned lines are done.
    const planned = Object.values(running.counts ?? {}).reduce((sum: number, n) => sum + (n ?? 0), 0);
    const progress =
      running.phase === 'applying' && planned > 0
        ? `${Math.min(planned, (running.appliedThrough ?? -1) + 1).toLocaleString('en-US')} of ${planned.toLocaleString('en-US')} planned changes applied.`
        : `${running.usersRead.toLocaleString('en-US')} Slack users read so far.`;
    // No live process holds the sync's lease: the process running it died.
    const interrupted =
      running.kind === 'preview'
        ? ':warning: *A preview was interrupted* (its connector process stopped). Start it again with *Preview*.'
        : `:warning: *A sync was interrupted* (its connector process stopped). ${progress} It resumes by itself within about two minutes, from where it stopped.`;
    const text = model.interrupted ? interrupted : `:arrows_counterclockwise: *${what}:* ${progress}`;
    blocks.push({ type: 'section', text: mrkdwn(text) });
  }
  if (model.review) {
    const n = model.review.counts.deactivated ?? 0;
    blocks.push(
      {
        type: 'section',
        text: mrkdwn(
          `:raised_hand: *A sync stopped for review:* it would deactivate ${n.toLocaleString('en-US')} ${n === 1 ? 'member' : 'members'}, more than the safety limit allows. Nothing was written.`,
        ),
      },
      {
        type: 'actions',
        block_id: IDS.reviewBlock,
        elements: [
          button('Review', IDS.review, { value: model.review.id }),
          button('Approve', IDS.approve, {
            value: model.review.id,
            style: 'primary',
            confirm: {
              title: plain('Apply this sync?', 100),
              text: plain(`It deactivates ${n.toLocaleString('en-US')} ${n === 1 ? 'member' : 'members'} and applies every other planned action.`, 300),
              confirm: plain('Approve', 30),
              deny: plain('Back', 30),
            },
          }),
          button('Cancel sync', IDS.cancel, {
            value: model.review.id,
            style: 'danger',
            confirm: {
              title: plain('Cancel this sync?', 100),
              text: plain('None of its actions are applied. The next sync plans again from Slack.', 300),
              confirm: plain('Cancel sync', 30),
              deny: plain('Back', 30),
              style: 'danger',
            },
          }),
        ],
      },
    );
  }
  if (model.notice) blocks.push({ type: 'context', elements: [mrkdwn(noticeText(model.notice))] });
  blocks.push({
    type: 'actions',
    block_id: IDS.actionsBlock,
    elements: [
      button('Configure', IDS.configure),
      ...(model.config ? [button('Sync now', IDS.syncNow, { style: 'primary' }), button('Preview', IDS.preview)] : []),
    ],
  });
  return blocks;
}
