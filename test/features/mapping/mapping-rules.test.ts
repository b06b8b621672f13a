import {
  activityChange,
  autoMayReplace,
  isMemberMatchable,
  isStaleAutoMapping,
  mappability,
  memberEmailMoved,
  normaliseEmail,
} from '../../../src/features/mapping/mapping-rules';
import type { SlackUserSummary } from '../../../src/features/mapping/mapping.types';

function user(overrides: Partial<SlackUserSummary> = {}): SlackUserSummary {
  return {
    id: 'U1',
    email: 'Ana@Acme.test',
    emailKey: 'ana@acme.test',
    deleted: false,
    isBot: false,
    isStranger: false,
    isGuest: false,
    name: 'Ana',
    ...overrides,
  };
}

describe('mappability', () => {
  it('accepts an active human member of the workspace with an email, by normalised email', () => {
    expect(mappability(user())).toEqual({ ok: true, emailKey: 'ana@acme.test' });
    expect(mappability(user({ emailKey: undefined, email: '  Ana@ACME.test ' }))).toEqual({ ok: true, emailKey: 'ana@acme.test' });
  });

  it('accepts guests: a guest who is a platform member still wants notifications (provisioning alone may leave them out)', () => {
    expect(mappability(user({ isGuest: true }))).toEqual({ ok: true, emailKey: 'ana@acme.test' });
  });

  it('refuses deleted users, bots, strangers and users without an email', () => {
    expect(mappability(user({ deleted: true }))).toEqual({ ok: false, reason: 'deleted' });
    expect(mappability(user({ isBot: true }))).toEqual({ ok: false, reason: 'bot' });
    expect(mappability(user({ isStranger: true }))).toEqual({ ok: false, reason: 'stranger' });
    expect(mappability(user({ email: undefined, emailKey: undefined }))).toEqual({ ok: false, reason: 'no_email' });
  });

  it('checks the reasons in a fixed order: bot, deleted, stranger, no email', () => {
    expect(mappability(user({ isBot: true, deleted: true, isStranger: true, email: undefined, emailKey: undefined }))).toEqual({ ok: false, reason: 'bot' });
    expect(mappability(user({ deleted: true, isStranger: true }))).toEqual({ ok: false, reason: 'deleted' });
    expect(mappability(user({ isStranger: true, email: undefined, emailKey: undefined }))).toEqual({ ok: false, reason: 'stranger' });
  });
});

describe('matching rules', () => {
  it('normalises emails by trimming and lower-casing', () => {
    expect(normaliseEmail('  Bob.Smith@Example.COM\t')).toBe('bob.smith@example.com');
  });

  it('matches members that are not deactivated', () => {
    expect(isMemberMatchable({ status: 'pending' })).toBe(true);
    expect(isMemberMatchable({ status: 'activated' })).toBe(true);
    expect(isMemberMatchable({ status: 'deactivated' })).toBe(false);
  });

  it('marks a mapping inactive when its Slack user is deleted, active again when restored', () => {
    expect(activityChange({ active: true }, { deleted: true })).toBe('deactivate');
    expect(activityChange({ active: false }, { deleted: false })).toBe('reactivate');
    expect(activityChange({ active: true }, { deleted: false })).toBeUndefined();
    expect(activityChange({ active: false }, { deleted: true })).toBeUndefined();
  });

  it('sees an automatic mapping as stale when the Slack email changed, never a manual one', () => {
    const auto = { source: 'auto' as const, slackEmail: 'Ana@Acme.test' };
    expect(isStaleAutoMapping(auto, user())).toBe(false);
    expect(isStaleAutoMapping(auto, user({ email: 'ANA@acme.test ', emailKey: undefined }))).toBe(false);
    expect(isStaleAutoMapping(auto, user({ email: 'ana.new@acme.test', emailKey: 'ana.new@acme.test' }))).toBe(true);
    expect(isStaleAutoMapping(auto, user({ email: undefined, emailKey: undefined }))).toBe(true);
    // A deleted user keeps the mapping (marked inactive), whatever the email.
    expect(isStaleAutoMapping(auto, user({ deleted: true, email: 'other@acme.test', emailKey: 'other@acme.test' }))).toBe(false);
    expect(isStaleAutoMapping({ source: 'manual', slackEmail: 'ana@acme.test' }, user({ email: 'x@y.test', emailKey: 'x@y.test' }))).toBe(false);
  });

  it("sees that a member's email moved away from their automatic mapping", () => {
    expect(memberEmailMoved({ source: 'auto', slackEmail: 'Ana@Acme.test' }, { emailKey: 'ana@acme.test' })).toBe(false);
    expect(memberEmailMoved({ source: 'auto', slackEmail: 'ana@acme.test' }, { emailKey: 'ana@new.test' })).toBe(true);
    expect(memberEmailMoved({ source: 'manual', slackEmail: 'ana@acme.test' }, { emailKey: 'ana@new.test' })).toBe(false);
  });

  it('lets an automatic pass replace only an inactive or outdated automatic mapping', () => {
    const base = { source: 'auto' as const, active: true, slackEmail: 'ana@acme.test', slackUserId: 'U1' };
    expect(autoMayReplace(base, { id: 'U2' }, 'ana@acme.test')).toBe(false);
    expect(autoMayReplace({ ...base, active: false }, { id: 'U2' }, 'ana@acme.test')).toBe(true);
    expect(autoMayReplace({ ...base, active: false }, { id: 'U1' }, 'ana@acme.test')).toBe(false);
    expect(autoMayReplace(base, { id: 'U2' }, 'ana@new.test')).toBe(true);
    expect(autoMayReplace({ ...base, source: 'manual', active: false }, { id: 'U2' }, 'ana@new.test')).toBe(false);
  });
});
