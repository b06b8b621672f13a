/** Pure parts of the Ashby client: Retry-After, custom field values, which offer is the hire's. */
import { parseRetryAfter } from '../../../../src/features/ashby/client/ashby-http';
import { customFieldValue, parseOfferRecord, preferredOffer } from '../../../../src/features/ashby/client/ashby-records';

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, and ignores what it cannot read', () => {
    expect(parseRetryAfter('7')).toBe(7000);
    expect(parseRetryAfter('0.5')).toBe(500);
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter('-3')).toBeUndefined();
  });
});

describe('customFieldValue', () => {
  it.each([
    ['text', 'text'],
    [42, 42],
    [false, false],
    [null, null],
    [undefined, null],
    [Number.NaN, null],
    [['Paris', 'Remote'], 'Paris, Remote'],
    [{ currencyCode: 'EUR', value: 75000 }, '75000 EUR'],
    [{ type: 'NumberRange', min: 1, max: 3 }, '1–3'],
    [{ other: true }, '{"other":true}'],
  ])('turns %j into %j', (input, expected) => {
    expect(customFieldValue(input)).toEqual(expected);
  });
});

describe('offers', () => {
  const offer = (acceptanceStatus: string, createdAt: string, value: number) =>
    parseOfferRecord({
      id: `o-${value}`,
      applicationId: 'app-1',
      acceptanceStatus,
      latestVersion: { createdAt, startDate: '2025-06-02', salary: { currencyCode: 'GBP', value } },
    })!;

  it('prefers the accepted offer, then the most recent', () => {
    const declinedLater = offer('Declined', '2025-03-01T00:00:00Z', 1);
    const acceptedEarlier = offer('Accepted', '2025-01-01T00:00:00Z', 2);
    const acceptedLater = offer('Accepted', '2025-02-01T00:00:00Z', 3);
    expect(preferredOffer(preferredOffer(declinedLater, acceptedEarlier), acceptedLater).offer.salary).toBe(3);
    expect(preferredOffer(acceptedLater, declinedLater).offer.salary).toBe(3);
    expect(preferredOffer(undefined, declinedLater).offer.salary).toBe(1);
  });

  it('rejects an offer without an application id, and keeps one without a version', () => {
    expect(parseOfferRecord({ id: 'x' })).toBeUndefined();
    expect(parseOfferRecord({ id: 'x', applicationId: 'app-2', latestVersion: null })).toEqual({
      offer: { applicationId: 'app-2' },
      accepted: false,
      recency: '',
    });
  });
});
