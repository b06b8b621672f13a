/**
 * An Enterprise Grid workspace (issue 12): a user's `team_id` is their home team, the same in
 * every workspace of the org, so it differs from this workspace's id for everyone whose home is
 * elsewhere. Such members must be mapped, provisioned and recognised as admins like any other;
 * Slack Connect strangers still must not.
 */
import type { SeedUser } from '../../scripts/slack-emulator';
import { emailKey, type AccountType } from '../../src/features/members/member.types';
import { createProvisioningRepos, DEFAULT_MAX_DEACTIVATION_SHARE, provisionedMemberId } from '../../src/features/provisioning';
import { PROVISIONING_JOB } from '../../src/features/provisioning/sync.job';
import { isStrangerTo } from '../../src/slack/slack-directory';
import { eventually, startTestConnector, type TestConnector } from '../support/connector';
import { connectorView, storeRepos } from '../support/store-repos';

const ORG = { id: 'E0ACMEORG1', name: 'Acme Org' };
const TEAM = { id: 'T0ACMEEU01', name: 'Acme Europe', domain: 'acme-eu', enterprise: ORG };
/** Another workspace of the same org: the home team of most of the org's people. */
const HQ = 'T0ACMEHQ01';
const USERS: SeedUser[] = [
  { id: 'W0ADA00001', name: 'ada', team_id: HQ, is_admin: true, profile: { email: 'ada@acme.test' } },
  { id: 'W0BEN00001', name: 'ben', profile: { email: 'ben@acme.test' } },
  { id: 'W0CYD00001', name: 'cyd', team_id: HQ, profile: { email: 'cyd@acme.test', real_name: 'Cyd From HQ' } },
  { id: 'U0STRANGER', name: 'stan', team_id: 'T0OTHERCO1', is_stranger: true, profile: { email: 'stan@acme.test' } },
];

describe('an Enterprise Grid workspace', () => {
  let t: TestConnector;
  beforeEach(async () => {
    t = await startTestConnector({ emulator: { seed: { team: TEAM, users: USERS } }, label: 'grid' });
    const member = (id: string, email: string, accountType: AccountType) =>
      storeRepos(t.connector.store.db).members.save(
        { id, name: id, email, emailKey: emailKey(email), accountType, status: 'activated', groups: [], source: 'api' },
        new Date(),
      );
    await member('m-ada', 'ada@acme.test', 'security_admin');
    await member('m-ben', 'ben@acme.test', 'standard_member');
    await member('m-stan', 'stan@acme.test', 'security_admin');
  });
  afterEach(() => t.stop());

  it('answers as Slack does on Grid: home teams, enterprise_user, enterprise_id on events and auth.test', async () => {
    const users = t.emulator.state.users;
    expect(users.get('W0ADA00001')).toMatchObject({ team_id: HQ, enterprise_user: { enterprise_id: ORG.id, teams: [HQ, TEAM.id] } });
    expect(users.get('W0BEN00001')).toMatchObject({ team_id: TEAM.id, enterprise_user: { teams: [TEAM.id] } });
    expect(users.get('U0STRANGER')?.enterprise_user).toBeUndefined();
    const auth = await (await t.connector.deps.slack.current()).client.auth.test();
    expect(auth.enterprise_id).toBe(ORG.id);
    await t.emulator.socket.sendEvent({ type: 'user_change', user: users.get('W0BEN00001') });
    const delivered = t.emulator.socket.deliveries.at(-1)?.envelope.payload as { enterprise_id?: string; authorizations?: Array<{ enterprise_id: string }> };
    expect(delivered.enterprise_id).toBe(ORG.id);
    expect(delivered.authorizations?.[0]?.enterprise_id).toBe(ORG.id);
    expect(t.emulator.interactionPayload('W0ADA00001', { type: 'block_actions' })).toMatchObject({ user: { team_id: HQ }, enterprise: { id: ORG.id } });
  });

  it('recognises an org admin whose home is another workspace, and maps members of the org but not a Slack Connect stranger', async () => {
    const { actors, workspace } = connectorView(t.connector);
    // Before any mapping exists, the admin is found by their Slack email (users.info).
    expect((await actors.resolve('W0ADA00001')).member?.id).toBe('m-ada');
    expect((await actors.resolve('U0STRANGER')).member).toBeUndefined();
    expect((await workspace.acknowledge(await actors.resolve('W0ADA00001'))).ok).toBe(true);
    const mappings = storeRepos(t.connector.store.db).mappings;
    await eventually(async () => ((await mappings.findByMember('m-ben')) ? true : undefined), 10_000, 'the first matching');
    expect(await mappings.findByMember('m-ada')).toMatchObject({ slackUserId: 'W0ADA00001', source: 'auto', active: true });
    expect(await mappings.findByMember('m-stan')).toBeUndefined();
  });

  it('provisions a member of the org whose home is another workspace, and leaves the stranger out', async () => {
    const { repos, workspace } = connectorView(t.connector);
    await repos.workspaces.transition(TEAM.id, ['pending'], 'live', { acknowledgedAt: new Date() });
    await workspace.refresh();
    await createProvisioningRepos(t.connector.deps.db).config.save(
      {
        scope: 'everyone',
        groupIds: [],
        teamMapping: { enabled: false, groupToTeam: {} },
        inviteNewMembers: false,
        includeGuests: false,
        maxDeactivationShare: DEFAULT_MAX_DEACTIVATION_SHARE,
      },
      'm-ada',
      new Date(),
    );
    expect(await t.connector.deps.scheduler.runPlannedNow(PROVISIONING_JOB)).toMatchObject({ ran: true, status: 'completed' });
    expect(await repos.members.findById(provisionedMemberId('W0CYD00001'))).toMatchObject({ email: 'cyd@acme.test', source: 'provisioning' });
    expect(await repos.members.findByEmailKey('stan@acme.test')).toMatchObject({ id: 'm-stan' });
    expect(await repos.members.findById(provisionedMemberId('U0STRANGER'))).toBeUndefined();
    // The new member is matched to their Slack user as soon as they exist.
    await eventually(async () => repos.mappings.findByMember(provisionedMemberId('W0CYD00001')), 10_000, 'the new member mapped');
  });
});

describe('isStrangerTo', () => {
  it("decides by the org's list of workspaces on Grid, by the home team elsewhere, and by is_stranger always", () => {
    expect(isStrangerTo({ team_id: HQ, enterprise_user: { teams: [HQ, TEAM.id] } }, TEAM.id)).toBe(false);
    // An org member no longer in this workspace, whatever their home team says.
    expect(isStrangerTo({ team_id: TEAM.id, enterprise_user: { teams: [HQ] } }, TEAM.id)).toBe(true);
    expect(isStrangerTo({ team_id: 'T0OTHERCO1' }, TEAM.id)).toBe(true);
    expect(isStrangerTo({ team_id: TEAM.id }, TEAM.id)).toBe(false);
    expect(isStrangerTo({ team_id: TEAM.id, is_stranger: true }, TEAM.id)).toBe(true);
  });
});
