/**
 * A Slack workspace on the Free plan (issue 12): Slack answers `plan_upgrade_required` to
 * `usergroups.list` and `usergroups.users.list`. The configuration modal, the panel and the
 * sync say so plainly instead of failing or offering groups that cannot be read.
 */
import { openHomeArea } from '../../../support/home-areas';
import type { SeedUser } from '../../../../scripts/slack-emulator';
import { manifestBotScopes } from '../../../../scripts/slack-emulator/scopes';
import type { SlackView } from '../../../../scripts/slack-emulator/state';
import { emailKey } from '../../../../src/features/members/member.types';
import { createProvisioningRepos, DEFAULT_MAX_DEACTIVATION_SHARE } from '../../../../src/features/provisioning';
import {
  PROVISIONING_CONFIG_BLOCKS as BLOCKS,
  PROVISIONING_CONFIG_IDS as CONFIG_IDS,
  PROVISIONING_PANEL_IDS as IDS,
} from '../../../../src/features/provisioning/home/config-ids';
import { PAID_PLAN_ERROR } from '../../../../src/features/provisioning/home/config.view';
import { PROVISIONING_JOB } from '../../../../src/features/provisioning/sync.job';
import { eventually, startTestConnector, type TestConnector } from '../../../support/connector';
import { connectorView, storeRepos } from '../../../support/store-repos';

const ADMIN = 'U0ADMIN001';
const USERS: SeedUser[] = [
  { id: ADMIN, name: 'admin', profile: { email: 'admin@acme.test' } },
  { id: 'U0ADA00001', name: 'ada', profile: { email: 'ada@acme.test' } },
];
const GROUPS = [{ id: 'SENG000001', handle: 'eng', name: 'Engineering', users: ['U0ADA00001'] }];
type Block = Record<string, any>;

describe.each(['free', 'pro'] as const)('provisioning on a Slack workspace on the %s plan', (plan) => {
  let t: TestConnector;
  beforeEach(async () => {
    const team = { id: 'T0FREE0001', name: 'Acme Free', domain: 'acme-free', plan };
    // `admin` for team.accessLogs: on Slack only an admin-approved user token holds it (see the inventory's tests).
    t = await startTestConnector({
      emulator: { seed: { team, users: USERS, usergroups: GROUPS }, scopes: { bot: [...manifestBotScopes(), 'admin'] } },
      label: `plan-${plan}`,
    });
    const { repos, workspace } = connectorView(t.connector);
    await repos.workspaces.transition(team.id, ['pending'], 'live', { acknowledgedAt: new Date() });
    await workspace.refresh();
    await repos.members.save(
      {
        id: 'm-admin',
        name: 'Admin',
        email: 'admin@acme.test',
        emailKey: emailKey('admin@acme.test'),
        accountType: 'security_admin',
        status: 'activated',
        groups: [],
        source: 'api',
      },
      new Date(),
    );
  });
  afterEach(() => t.stop());

  const settle = () => eventually(() => (t.connector.slack.inFlight.size === 0 ? true : undefined), 10_000, 'listeners to finish');
  const config = (scope: 'everyone' | 'groups') => ({
    scope,
    groupIds: scope === 'groups' ? ['SENG000001'] : [],
    teamMapping: { enabled: false, groupToTeam: {} },
    inviteNewMembers: false,
    includeGuests: false,
    maxDeactivationShare: DEFAULT_MAX_DEACTIVATION_SHARE,
  });

  it('the emulator refuses user groups and access logs only on Free, as Slack does', async () => {
    const { client } = await t.connector.deps.slack.current();
    const groups = () => client.usergroups.list({});
    const logs = () => client.team.accessLogs({ limit: 1 });
    if (plan === 'free') {
      await expect(groups()).rejects.toMatchObject({ data: { error: 'plan_upgrade_required' } });
      await expect(client.usergroups.users.list({ usergroup: 'SENG000001' })).rejects.toMatchObject({ data: { error: 'plan_upgrade_required' } });
      await expect(logs()).rejects.toMatchObject({ data: { error: 'paid_only' } });
    } else {
      await expect(groups()).resolves.toMatchObject({ ok: true });
      await expect(logs()).resolves.toMatchObject({ ok: true });
    }
  });

  it('a sync by user group fails with a plain reason on Free, changing nothing; syncing everyone works', async () => {
    const repos = createProvisioningRepos(t.connector.deps.db);
    await repos.config.save(config('groups'), 'm-admin', new Date());
    const outcome = await t.connector.deps.scheduler.runPlannedNow(PROVISIONING_JOB);
    const [run] = await repos.runs.latest(1);
    if (plan === 'free') {
      expect(outcome).toMatchObject({ report: { status: 'failed' } });
      expect(run?.error).toContain("this Slack workspace's plan has no user groups (Slack answered plan_upgrade_required)");
      expect(await storeRepos(t.connector.store.db).members.findByEmailKey('ada@acme.test')).toBeUndefined();
    } else {
      expect(run?.status).toBe('completed');
    }
    await repos.config.save(config('everyone'), 'm-admin', new Date());
    await t.connector.deps.scheduler.runPlannedNow(PROVISIONING_JOB);
    expect((await repos.runs.latest(1))[0]?.status).toBe('completed');
    expect(await storeRepos(t.connector.store.db).members.findByEmailKey('ada@acme.test')).toMatchObject({ source: 'provisioning' });
  });

  it('the configuration modal offers groups only on a paid plan, the submission is checked, and the panel warns', async () => {
    await createProvisioningRepos(t.connector.deps.db).config.save(config('groups'), 'm-admin', new Date());
    await t.emulator.socket.sendInteractive(
      t.emulator.interactionPayload(ADMIN, {
        type: 'block_actions',
        container: { type: 'view', view_id: 'V0HOME0001' },
        view: { id: 'V0HOME0001', type: 'home' },
        actions: [{ type: 'button', action_id: IDS.configure, block_id: 'x', action_ts: '1' }],
      }),
    );
    await settle();
    const modal = await eventually(() => t.emulator.modalStackOf(ADMIN).find((v: SlackView) => v.callback_id === CONFIG_IDS.view), 8_000, 'the modal');
    const blocks = modal.blocks as Block[];
    const scopeOptions = blocks.find((b) => b.block_id === BLOCKS.scope)?.element.options.map((o: Block) => o.value);
    const text = JSON.stringify(blocks);
    if (plan === 'free') {
      expect(scopeOptions).toEqual(['everyone']);
      expect(blocks.map((b) => b.block_id)).not.toContain(BLOCKS.groups);
      expect(text).toContain('User groups need a paid Slack plan');
    } else {
      expect(scopeOptions).toEqual(['everyone', 'groups']);
      expect(blocks.map((b) => b.block_id)).toContain(BLOCKS.groups);
      expect(text).not.toContain('paid Slack plan');
    }

    // A submission that still asks for groups (a modal opened before, or forged) is refused inline on Free.
    const values = {
      [BLOCKS.scope]: { [CONFIG_IDS.scope]: { type: 'radio_buttons', selected_option: { value: 'groups' } } },
      [BLOCKS.groups]: { [CONFIG_IDS.groups]: { type: 'multi_external_select', selected_options: [{ value: 'SENG000001' }] } },
      [BLOCKS.share]: { [CONFIG_IDS.share]: { type: 'number_input', value: '10' } },
    };
    const ack = await t.emulator.socket.sendInteractive(
      t.emulator.interactionPayload(ADMIN, {
        type: 'view_submission',
        view: { id: modal.id, type: 'modal', callback_id: CONFIG_IDS.view, private_metadata: '', state: { values }, hash: '1' },
      }),
    );
    await settle();
    if (plan === 'free') expect(ack.payload).toEqual({ response_action: 'errors', errors: { [BLOCKS.scope]: PAID_PLAN_ERROR } });
    else expect(ack.payload).toEqual({});

    // The panel is in the admin's Sync area.
    await openHomeArea(t, ADMIN, 'sync');
    await eventually(() => (JSON.stringify(t.emulator.homeViewOf(ADMIN)?.blocks ?? []).includes('Provisioning sync') ? true : undefined), 8_000, 'the panel');
    expect(JSON.stringify(t.emulator.homeViewOf(ADMIN)?.blocks).includes('User groups need a paid Slack plan')).toBe(plan === 'free');
  });
});
