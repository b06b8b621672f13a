/**
 * The modal listing the deactivations a sync planned when the safety limit stopped it, a page
 * at a time (Slack's 100 blocks a modal), so an admin sees who would lose access before
 * approving. Pure; `private_metadata` carries the run and page, encoded and checked here.
 */
import type { KnownBlock, ModalView } from '@slack/types';
import { z } from 'zod';
import { mrkdwn, mrkdwnText, plain } from '../../../slack/block-text';
import { PROVISIONING_REVIEW_IDS as IDS } from './config-ids';
import { renderNoticeModal } from '../../../slack/notice-modal';

export const REVIEW_PAGE_SIZE = 25;

export interface ReviewRow {
  memberId: string;
  /** As the plan recorded it; undefined on lines stored before names were kept. */
  name?: string;
  email?: string;
  slackUserId?: string;
  /** Why the sync deactivates it. */
  detail?: string;
}

export interface ReviewPageModel {
  runId: string;
  /** 0-based. */
  page: number;
  rows: readonly ReviewRow[];
  /** Deactivations planned in all. */
  total: number;
  hasNext: boolean;
}

const ReviewMetadata = z.object({ runId: z.string().min(1).max(100), page: z.number().int().min(0) });
export type ReviewMetadata = z.infer<typeof ReviewMetadata>;

export function encodeReviewMetadata(metadata: ReviewMetadata): string {
  return JSON.stringify(metadata);
}

/** The run and page a review modal shows; undefined for anything else. */
export function decodeReviewMetadata(raw: string | undefined): ReviewMetadata | undefined {
  if (!raw) return undefined;
  try {
    const parsed = ReviewMetadata.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function rowText(row: ReviewRow): string {
  const who = row.name ? `*${mrkdwnText(row.name, 150)}*` : `Member \`${mrkdwnText(row.memberId, 100)}\``;
  const email = row.email ? ` · ${mrkdwnText(row.email, 200)}` : '';
  const slack = row.slackUserId ? ` · <@${row.slackUserId}>` : '';
  const why = row.detail ? `\n${mrkdwnText(row.detail, 300)}` : '';
  return `${who}${email}${slack}${why}`;
}

export function renderReviewModal(model: ReviewPageModel): ModalView {
  const first = model.page * REVIEW_PAGE_SIZE + 1;
  const last = model.page * REVIEW_PAGE_SIZE + model.rows.length;
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: mrkdwn(
        `This sync stopped before writing: it would deactivate *${model.total.toLocaleString('en-US')}* ${model.total === 1 ? 'member' : 'members'}. Approve or cancel it from the App Home.`,
      ),
    },
    {
      type: 'context',
      elements: [
        mrkdwn(
          model.rows.length > 0
            ? `Showing ${first.toLocaleString('en-US')}–${last.toLocaleString('en-US')} of ${model.total.toLocaleString('en-US')}`
            : 'No deactivations on this page.',
        ),
      ],
    },
    ...model.rows.slice(0, REVIEW_PAGE_SIZE).map((row): KnownBlock => ({ type: 'section', text: mrkdwn(rowText(row)) })),
  ];
  const pager = [
    ...(model.page > 0 ? [{ type: 'button' as const, text: plain('Previous', 75), action_id: IDS.previousPage }] : []),
    ...(model.hasNext ? [{ type: 'button' as const, text: plain('Next', 75), action_id: IDS.nextPage }] : []),
  ];
  if (pager.length > 0) blocks.push({ type: 'actions', elements: pager });
  return {
    type: 'modal',
    callback_id: IDS.view,
    title: plain('Planned deactivations', 24),
    close: plain('Close', 24),
    private_metadata: encodeReviewMetadata({ runId: model.runId, page: model.page }),
    blocks,
  };
}

/** A modal with one paragraph (loading, refused, run gone). */
export function renderReviewNotice(text: string): ModalView {
  return renderNoticeModal({ callbackId: IDS.view, title: 'Planned deactivations', text });
}
