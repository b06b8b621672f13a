/**
 * Who is acting: the mapping first; the Slack email only for members not connected yet.
 */
import { startTestConnector, type TestConnector } from '../../support/connector';
import { connectorView, storeRepos } from '../../support/store-repos';

const USERS = [
  { id: 'U0SECWORK1', name: 'sec', profile: { email: 'sec.work@acme.test' } },
  { id: 'U0SECOLD01', name: 'sec-old', profile: { email: 'sec@acme.test' } },
  { id: 'U0NEWBIE01', name: 'newbie', profile: { email: 'newbie@acme.test' } },
];

describe('ActorService', () => {
  let t: TestConnector;
  beforeEach(async () => {
    t = await startTestConnector({ emulator: { seed: { users: USERS } }, label: 'actor' });
    const { repos } = connectorView(t.connector);
    const now = new Date();
    for (const [id, email, accountType] of [
      ['m-sec', 'sec@acme.test', 'security_admin'],
      ['m-newbie', 'newbie@acme.test', 'standard_member'],
    ] as const) {
      await repos.members.save({ id, name: id, email, emailKey: email, accountType, status: 'activated', groups: [], source: 'api' }, now);
    }
  });
  afterEach(() => t.stop());

  it('finds a member not connected yet by their Slack email', async () => {
    expect((await connectorView(t.connector).actors.resolve('U0NEWBIE01')).member?.id).toBe('m-newbie');
  });

  it("reads a Slack user's email once for a click and the submission after it; the account type is read every time", async () => {
    const { repos, actors } = connectorView(t.connector);
    const before = t.emulator.callsOf('users.info').length;
    expect((await actors.authorise('U0NEWBIE01', 'mapping.manage')).allowed).toBe(false);
    const member = await repos.members.findById('m-newbie');
    await repos.members.save({ ...member!, accountType: 'security_admin' }, new Date());
    // Promoted in Pigment: the next check says so, without asking Slack again.
    expect((await actors.authorise('U0NEWBIE01', 'mapping.manage')).allowed).toBe(true);
    expect(t.emulator.callsOf('users.info').length - before).toBe(1);
  });

  it('follows the mapping, and no longer lets another Slack user with the same email act as that member', async () => {
    const { repos, actors } = connectorView(t.connector);
    // The Security Admin was connected by hand to their work account.
    await repos.mappings.save({ memberId: 'm-sec', slackUserId: 'U0SECWORK1', source: 'manual', slackEmail: 'sec.work@acme.test', active: true }, new Date());
    expect((await actors.resolve('U0SECWORK1')).member?.id).toBe('m-sec');
    expect((await actors.resolve('U0SECOLD01')).member).toBeUndefined();
    expect((await actors.authorise('U0SECOLD01', 'mapping.manage')).allowed).toBe(false);
  });

  it('does not fall back to the email after an admin removed the connection', async () => {
    const { repos, actors } = connectorView(t.connector);
    await repos.mappings.save({ memberId: 'm-sec', slackUserId: 'U0SECOLD01', source: 'auto', slackEmail: 'sec@acme.test', active: true }, new Date());
    await repos.mappings.removeByAdmin('m-sec', new Date());
    expect((await actors.resolve('U0SECOLD01')).member).toBeUndefined();
  });
});

describe('ActorService under rate limits', () => {
  let t: TestConnector;
  afterEach(() => t.stop());

  it("refuses at once when users.info is rate limited, instead of waiting past Slack's 3 s", async () => {
    t = await startTestConnector({ emulator: { seed: { users: USERS } }, label: 'actor429' });
    await storeRepos(t.connector.store.db).members.save(
      {
        id: 'm-newbie',
        name: 'n',
        email: 'newbie@acme.test',
        emailKey: 'newbie@acme.test',
        accountType: 'security_admin',
        status: 'activated',
        groups: [],
        source: 'api',
      },
      new Date(),
    );
    t.emulator.injectFault('users.info', { times: 1, status: 429, retryAfter: 30 });
    const result = await connectorView(t.connector).actors.authorise('U0NEWBIE01', 'mapping.manage');
    expect(result).toEqual({ actor: { slackUserId: 'U0NEWBIE01' }, allowed: false });
    // The next call, no longer limited, finds them.
    expect((await connectorView(t.connector).actors.authorise('U0NEWBIE01', 'mapping.manage')).allowed).toBe(true);
  });
});
