/**
 * Text helpers shared by the manual mapping views. Pure.
 */
import type { ModalView } from '@slack/types';
import { plainText, truncate } from '../../../slack/block-text';

export { mrkdwnText, plainText, truncate } from '../../../slack/block-text';

/** Longest name and email shown in a row; longer ones are cut with an ellipsis. */
export const NAME_MAX = 120;
export const EMAIL_MAX = 120;

export const REFUSAL_TEXT = 'Only Security Admins and Primary Owners can manage connections.';

/** A modal with a title and one paragraph, no submit: loading states and refusals. */
export function renderNotice(input: { title: string; text: string; callbackId: string }): ModalView {
  return {
    type: 'modal',
    callback_id: input.callbackId,
    title: { type: 'plain_text', text: plainText(input.title, 24) },
    close: { type: 'plain_text', text: 'Close' },
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: truncate(input.text, 3000) } }],
  };
}

/** The modal shown instead of the requested one when the viewer may not manage connections. */
export function renderRefusal(callbackId: string): ModalView {
  return renderNotice({ title: 'Not allowed', text: `:no_entry: ${REFUSAL_TEXT}`, callbackId });
}
