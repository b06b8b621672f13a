import { classifyUser, INVENTORY_CSV_HEADER, inventoryCsvRow } from '../../../src/features/inventory/inventory-row';

describe('classifyUser', () => {
  it.each([
    [{ id: 'U1' }, { status: 'active' }],
    [{ id: 'U1', deleted: true, is_restricted: true }, { status: 'deactivated' }],
    [{ id: 'U1', deleted: true, is_bot: true }, { status: 'deactivated' }],
    [{ id: 'U1', is_bot: true }, { status: 'bot' }],
    [{ id: 'U1', is_app_user: true }, { status: 'bot' }],
    [{ id: 'USLACKBOT' }, { status: 'bot' }],
    [{ id: 'U1', is_restricted: true }, { status: 'guest' }],
    [{ id: 'U1', is_restricted: true, is_ultra_restricted: true }, { status: 'guest' }],
    [
      { id: 'U1', is_admin: true },
      { status: 'active', adminRole: 'admin' },
    ],
    [
      { id: 'U1', is_admin: true, is_owner: true },
      { status: 'active', adminRole: 'owner' },
    ],
    [
      { id: 'U1', is_admin: true, is_owner: true, is_primary_owner: true },
      { status: 'active', adminRole: 'primary_owner' },
    ],
    [
      { id: 'U1', deleted: true, is_admin: true },
      { status: 'deactivated', adminRole: 'admin' },
    ],
  ])('%j is %j', (user, expected) => {
    expect(classifyUser(user)).toEqual(expected);
  });
});

describe('inventoryCsvRow', () => {
  it('gives ISO dates and true/false, or the reason there is none, in the header’s order', () => {
    const row = inventoryCsvRow({
      slackUserId: 'U1',
      name: 'Ada',
      email: 'ada@acme.test',
      status: 'active',
      adminRole: 'owner',
      mappedMemberId: 'm-ada',
      lastActivity: { value: 1_732_183_200 },
      billingActive: { value: false },
    });
    expect(row).toEqual(['U1', 'Ada', 'ada@acme.test', 'active', 'owner', 'm-ada', '2024-11-21T10:00:00.000Z', 'false']);
    expect(row).toHaveLength(INVENTORY_CSV_HEADER.length);
    expect(
      inventoryCsvRow({
        slackUserId: 'B1',
        name: 'Bot',
        email: '',
        status: 'bot',
        lastActivity: { unavailable: 'not available: Slack answered paid_only' },
        billingActive: { unavailable: 'not listed by team.billableInfo' },
      }),
    ).toEqual(['B1', 'Bot', '', 'bot', '', '', 'not available: Slack answered paid_only', 'not listed by team.billableInfo']);
  });
});
