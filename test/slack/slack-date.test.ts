import { slackDate, slackDateText, UNKNOWN_TIME } from '../../src/slack/slack-date';

describe('slackDate', () => {
  it('formats a token with a UTC fallback, at second precision', () => {
    expect(slackDate(new Date('1970-01-01T00:00:01.999Z'))).toBe('<!date^1^{date_short_pretty} at {time}|1970-01-01 00:00 UTC>');
  });

  it('shows the date alone or the time alone, each with its own fallback', () => {
    const at = new Date('2026-03-05T14:03:09Z');
    expect(slackDate(at, { format: 'date' })).toBe(`<!date^${Math.floor(at.getTime() / 1000)}^{date_short}|2026-03-05>`);
    expect(slackDate(at, { format: 'time' })).toBe(`<!date^${Math.floor(at.getTime() / 1000)}^{time}|14:03 UTC>`);
  });

  it('shows a date later than now as now (another clock ahead of ours)', () => {
    const now = new Date('2026-03-05T14:00:00Z');
    expect(slackDate(new Date('2026-03-05T15:00:00Z'), { now })).toBe(slackDate(now));
    expect(slackDate(new Date('2026-03-05T13:00:00Z'), { now })).toContain('|2026-03-05 13:00 UTC>');
  });

  it('gives undefined for an invalid date, in every format, and the text form says so', () => {
    for (const format of ['date_time', 'date', 'time'] as const) {
      expect(slackDate(new Date(Number.NaN), { format })).toBeUndefined();
      expect(slackDateText(new Date('not a date'), { format })).toBe(UNKNOWN_TIME);
    }
  });
});
