/**
 * Text helpers shared by the manual mapping views. Pure.
 */

export { mrkdwnText, plainText, truncate } from '../../../slack/block-text';

/** Longest name and email shown in a row; longer ones are cut with an ellipsis. */
export const NAME_MAX = 120;
export const EMAIL_MAX = 120;
