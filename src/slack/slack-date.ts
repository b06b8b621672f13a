/**
 * Slack's date token, the one way views show a time: the reader sees it in their own time
 * zone and locale ("Today at 2:03 PM"); clients that cannot render it show the UTC fallback
 * ("2024-03-05 14:03 UTC"). A date after `now` (another clock ahead of ours) is shown as `now`.
 */

/** What is shown: date and time (default), the date alone, or the time alone. */
export type SlackDateFormat = 'date_time' | 'date' | 'time';

const TOKENS: Record<SlackDateFormat, string> = {
  date_time: '{date_short_pretty} at {time}',
  date: '{date_short}',
  time: '{time}',
};

/** Words for a date that cannot be shown (never a token Slack would refuse). */
export const UNKNOWN_TIME = 'an unknown time';

/** The `<!date^…>` token for `date`, or undefined when the date is invalid. */
export function slackDate(date: Date, options: { format?: SlackDateFormat; now?: Date } = {}): string | undefined {
  const { format = 'date_time', now } = options;
  const shown = now !== undefined && date.getTime() > now.getTime() ? now : date;
  if (Number.isNaN(shown.getTime())) return undefined;
  const iso = shown.toISOString();
  const fallback = format === 'date' ? iso.slice(0, 10) : format === 'time' ? `${iso.slice(11, 16)} UTC` : `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
  return `<!date^${Math.floor(shown.getTime() / 1000)}^${TOKENS[format]}|${fallback}>`;
}

/** The token, or "an unknown time" for an invalid date: for text that must say something. */
export function slackDateText(date: Date, options: { format?: SlackDateFormat; now?: Date } = {}): string {
  return slackDate(date, options) ?? UNKNOWN_TIME;
}
