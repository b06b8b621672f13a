/** Seed validation and defaults, and the example seed shipped for `npm run emulator`. */
import { join } from 'node:path';
import { loadSeedFile, loadSeedsFile, parseSeed, SeedError, WorkspaceState } from '../../scripts/slack-emulator';

const EXAMPLE_SEED = join(__dirname, '../../scripts/slack-emulator/seed.example.json');
const TEAMS_EXAMPLE_SEED = join(__dirname, '../../scripts/slack-emulator/seed.teams.example.json');

describe('seed', () => {
  it('reports every problem with its path', () => {
    let error: unknown;
    try {
      parseSeed({
        team: { id: 'bad', name: 'x', domain: 'x' },
        users: [
          { id: 'U0ONE00001', name: 'one', profile: { email: 'not-an-email' } },
          { id: 'U0ONE00001', name: 'again' },
        ],
        usergroups: [{ id: 'S0GROUP001', handle: 'g', name: 'G', users: ['U0GHOST001'] }],
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SeedError);
    expect((error as SeedError).issues).toEqual([
      expect.stringMatching(/^team\.id: must look like a Slack team id/),
      expect.stringMatching(/^users\.0\.profile\.email: /),
      'users.1.id: duplicate user id U0ONE00001',
      'usergroups.0.users.0: unknown user U0GHOST001',
    ]);
  });

  it('fills a default team and the app bot user when the seed is empty', () => {
    const state = new WorkspaceState(undefined, () => 1_732_230_000_000);
    expect(state.team.id).toBe('T0EMULATOR');
    expect(state.users.get(state.app.botUserId)).toMatchObject({ is_bot: true, profile: { bot_id: state.app.botId } });
  });

  it('ships an example seed with an admin, an owner, a guest, a bot, a deleted user and two groups', () => {
    const state = new WorkspaceState(loadSeedFile(EXAMPLE_SEED), Date.now);
    const users = [...state.users.values()];
    expect(users.some((user) => user.is_admin && !user.is_owner)).toBe(true);
    expect(users.some((user) => user.is_primary_owner)).toBe(true);
    expect(users.some((user) => user.is_restricted)).toBe(true);
    expect(users.some((user) => user.deleted)).toBe(true);
    expect(users.filter((user) => user.is_bot && user.id !== state.app.botUserId)).toHaveLength(1);
    expect(state.usergroups.size).toBe(2);
  });

  it('reads a one-workspace seed file as one seed, and a {teams} file as its seeds, primary first', () => {
    expect(loadSeedsFile(EXAMPLE_SEED)).toEqual([loadSeedFile(EXAMPLE_SEED)]);
    const teams = loadSeedsFile(TEAMS_EXAMPLE_SEED);
    expect(teams.map((seed) => seed.team?.id)).toEqual(['T0PIGMENT1', 'T0ACME0001', 'T0GLOBEX01']);
    const acme = new WorkspaceState(teams[1], Date.now);
    expect(acme.team.app_approval_required).toBe(true);
    expect(parseSeed(teams[2]).installed).toBe(true);
  });

  it('names the file in the error for an unreadable seed', () => {
    expect(() => loadSeedFile('/nonexistent/seed.json')).toThrow(/Invalid \/nonexistent\/seed\.json:\n {2}- cannot read file/);
  });
});
