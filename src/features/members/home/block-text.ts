/**
 * Text helpers of the member screens: the shared Block Kit text functions, and counts with
 * their noun.
 */
export { escapeMrkdwn, mrkdwn, mrkdwnText as userText, plain, truncate } from '../../../slack/block-text';

/** A count with its noun, "1 member" / "3 members". */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? singular : pluralForm}`;
}
