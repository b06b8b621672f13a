/**
 * The Set up / Edit modal and its inline error messages, as pure data.
 */
import { validateView } from '../../../../scripts/slack-emulator/block-kit';
import { MANUAL_MAPPING_BLOCKS, MANUAL_MAPPING_IDS } from '../../../../src/features/mapping/manual/ids';
import type { ConnectFailure } from '../../../../src/features/mapping/manual/manual-mapping.service';
import { initialReviewState, type ReviewState } from '../../../../src/features/mapping/manual/review-members.view';
import {
  connectErrorText,
  decodeConnectMetadata,
  emailFrom,
  encodeConnectMetadata,
  renderConnectMember,
} from '../../../../src/features/mapping/manual/set-up-mapping.view';
import { refusalText } from '../../../../src/features/members/permissions';

const member = { id: 'm-ana', name: 'Ana Lima', email: 'ana@pigment.test' };

function emailElement(view: { blocks: unknown[] }): Record<string, unknown> {
  const block = (view.blocks as Array<Record<string, any>>).find((b) => b.block_id === MANUAL_MAPPING_BLOCKS.email);
  return block!.element as Record<string, unknown>;
}

describe('renderConnectMember', () => {
  it('asks for the email on Slack, prefilled with the member email', () => {
    const view = renderConnectMember({ mode: 'set_up', member });
    expect(validateView(view)).toEqual([]);
    expect(view.callback_id).toBe(MANUAL_MAPPING_IDS.connectView);
    expect(view.title.text).toBe('Set up connection');
    expect(emailElement(view)).toMatchObject({ type: 'email_text_input', action_id: MANUAL_MAPPING_IDS.emailInput, initial_value: 'ana@pigment.test' });
    expect(JSON.stringify(view)).toContain('Ana Lima');
  });

  it('in edit mode shows the current connection and starts from its Slack email', () => {
    const view = renderConnectMember({
      mode: 'edit',
      member,
      current: { slackUserId: 'U0ANA00001', slackEmail: 'ana@acme.test', source: 'auto', active: true },
    });
    expect(validateView(view)).toEqual([]);
    expect(view.title.text).toBe('Edit connection');
    expect(JSON.stringify(view)).toContain('<@U0ANA00001>');
    expect(emailElement(view)).toMatchObject({ initial_value: 'ana@acme.test' });
    expect(decodeConnectMetadata(view.private_metadata)).toEqual({ memberId: 'm-ana', mode: 'edit' });
  });

  it('stays valid with the longest names and emails, cut with an ellipsis', () => {
    const long = { id: 'm-long', name: `${'Bartholomew '.repeat(400)}`, email: `${'x'.repeat(300)}@example.test` };
    const view = renderConnectMember({
      mode: 'set_up',
      member: long,
      current: { slackUserId: 'U0X', slackEmail: `${'y'.repeat(400)}@example.test`, source: 'manual', active: false },
    });
    expect(validateView(view)).toEqual([]);
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('…');
    // Not a valid email for Slack's input: no initial value rather than a rejected view.
    expect(emailElement(view)).not.toHaveProperty('initial_value');
  });

  it('carries the member and the list underneath in its metadata', () => {
    const state: ReviewState = { tab: 'unconnected', text: 'ana', page: 2, after: 'm-20', trail: [null], next: 'm-40' };
    const view = renderConnectMember({ mode: 'set_up', member, list: { viewId: 'V0LIST', state } });
    expect(decodeConnectMetadata(view.private_metadata)).toEqual({ memberId: 'm-ana', mode: 'set_up', list: { viewId: 'V0LIST', state } });
  });

  it('drops the list paging state rather than exceed 3,000 characters', () => {
    const state: ReviewState = {
      ...initialReviewState('unconnected', 'z'.repeat(100)),
      page: 30,
      after: 'm',
      trail: Array.from({ length: 25 }, (_, i) => `member-${'0'.repeat(60)}-${i}`),
    };
    const encoded = encodeConnectMetadata({ memberId: `m-${'9'.repeat(1_500)}`, mode: 'set_up', list: { viewId: 'V0LIST', state } });
    expect(encoded.length).toBeLessThanOrEqual(3_000);
    expect(decodeConnectMetadata(encoded)).toEqual({ memberId: `m-${'9'.repeat(1_500)}`, mode: 'set_up', list: { viewId: 'V0LIST' } });
  });

  it('rejects metadata that is not its own', () => {
    for (const raw of [undefined, '', '{', '{"memberId":""}', '{"memberId":"m","mode":"delete"}']) expect(decodeConnectMetadata(raw)).toBeUndefined();
  });

  it('reads the submitted email', () => {
    expect(emailFrom({ [MANUAL_MAPPING_BLOCKS.email]: { [MANUAL_MAPPING_IDS.emailInput]: { type: 'email_text_input', value: ' ana@acme.test ' } } })).toBe(
      'ana@acme.test',
    );
    expect(emailFrom({})).toBe('');
  });
});

describe('connectErrorText', () => {
  const failures: ConnectFailure[] = [
    { ok: false, reason: 'not_allowed' },
    { ok: false, reason: 'member_unavailable' },
    { ok: false, reason: 'invalid_email' },
    { ok: false, reason: 'slack_timeout' },
    { ok: false, reason: 'email_not_found' },
    { ok: false, reason: 'slack_user_deleted' },
    { ok: false, reason: 'slack_user_bot' },
    { ok: false, reason: 'slack_user_stranger' },
    { ok: false, reason: 'slack_user_taken', takenBy: { id: 'm-bea', name: 'Bea Costa', email: 'bea@pigment.test' } },
    { ok: false, reason: 'slack_error', code: 'internal_error', error: new Error('x') },
  ];

  it('has a distinct message for each reason', () => {
    const texts = failures.map(connectErrorText);
    expect(new Set(texts).size).toBe(failures.length);
    for (const text of texts) expect(text.length).toBeGreaterThan(10);
  });

  it('words the important ones as the admin needs them', () => {
    expect(connectErrorText({ ok: false, reason: 'not_allowed' })).toBe(refusalText('mapping.manage'));
    expect(connectErrorText({ ok: false, reason: 'slack_timeout' })).toBe('Slack did not answer in time, try again.');
    expect(connectErrorText(failures[8]!)).toContain('already connected to Bea Costa (bea@pigment.test)');
  });

  it('cuts a very long name of the member already connected', () => {
    const text = connectErrorText({ ok: false, reason: 'slack_user_taken', takenBy: { id: 'm', name: 'N'.repeat(5_000), email: 'e@x.test' } });
    expect(text.length).toBeLessThan(300);
    expect(text).toContain('…');
  });
});
