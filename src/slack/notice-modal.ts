/**
 * The one notice modal: a title, one paragraph of mrkdwn and a Close button, no submit. Every
 * feature shows its loading states, outcomes ("Saved", "no longer exists") and refusals with
 * it, so they look and behave the same and respect the same limits (title 24, section 3000).
 */
import type { ModalView } from '@slack/types';
import { mrkdwn, plain } from './block-text';

export interface NoticeModal {
  /** The callback id Slack reports when the modal closes; the feature's notice id. */
  callbackId: string;
  title: string;
  /** Already-formatted mrkdwn: escape user text before putting it here. */
  text: string;
  /** For tests and listeners that find the paragraph by block id. */
  blockId?: string;
}

export function renderNoticeModal(notice: NoticeModal): ModalView {
  return {
    type: 'modal',
    callback_id: notice.callbackId,
    title: plain(notice.title, 24),
    close: plain('Close', 24),
    blocks: [{ type: 'section', ...(notice.blockId ? { block_id: notice.blockId } : {}), text: mrkdwn(notice.text) }],
  };
}
