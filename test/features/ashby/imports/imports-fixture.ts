/**
 * A live workspace with an Ashby connection, for the import tests: the real connector against
 * the Slack emulator and the Ashby emulator, members mapped by the first full matching pass, a
 * registered application on a connection's access list, and the import service built from the
 * real Ashby client, the real connection service and the real notification outbox on the
 * connector's database.
 */
import { createAshbyEmulator, type AshbyEmulator } from '../../../../scripts/ashby-emulator';
import type { SeedUser } from '../../../../scripts/slack-emulator';
import { ApplicationRepository } from '../../../../src/features/applications/application.repository';
import { createAshbyApi } from '../../../../src/features/ashby/client';
import { AshbyConnectionRepository } from '../../../../src/features/ashby/connections/connection.repository';
import { AshbyConnectionService } from '../../../../src/features/ashby/connections/connection.service';
import { createImports, runImportExclusive, type ImportsFeature } from '../../../../src/features/ashby/imports';
import type { ImportRun, ImportTrigger } from '../../../../src/features/ashby/imports/import.types';
import { emailKey, type AccountType } from '../../../../src/features/members/member.types';
import { createNotificationRepos, createNotify, type Notification } from '../../../../src/features/notifications';
import { eventually, startTestConnector, type TestConnector } from '../../../support/connector';
import { TEST_SECRETS } from '../../../support/factories';
import { connectorView } from '../../../support/store-repos';

export const TEAM = { id: 'T0IMPORT01', name: 'Acme Imports', domain: 'acme-imports' };
export const OWNER = 'U0OWNER001';
export const SECURITY = 'U0SECURE01';
export const STANDARD = 'U0STD00001';
export const API_KEY = 'ashby-key-live-0001-wxyz';
export const HEADERS = { authorization: `Bearer ${TEST_SECRETS.apiToken}` };

const USERS: SeedUser[] = [
  { id: OWNER, name: 'olga', profile: { email: 'olga@acme.test' } },
  { id: SECURITY, name: 'sec', profile: { email: 'sec@acme.test' } },
  { id: STANDARD, name: 'std', profile: { email: 'std@acme.test' } },
];

export interface ImportsWorld {
  t: TestConnector;
  ashby: AshbyEmulator;
  connections: AshbyConnectionService;
  applications: ApplicationRepository;
  feature: ImportsFeature;
  connectionId: string;
  stop(): Promise<void>;
}

export async function startImportsWorld(label: string): Promise<ImportsWorld> {
  const ashby = await createAshbyEmulator({ keys: { [API_KEY]: { title: 'Pigment import' } } });
  let t: TestConnector;
  try {
    t = await startTestConnector({ emulator: { seed: { team: TEAM, users: USERS } }, env: { ASHBY_API_URL: ashby.url }, label });
  } catch (error) {
    await ashby.close();
    throw error;
  }
  const features = connectorView(t.connector);
  const member = async (id: string, email: string, accountType: AccountType) => {
    const saved = await features.repos.members.save(
      { id, name: id, email, emailKey: emailKey(email), accountType, status: 'activated', groups: [], source: 'api' },
      new Date(),
    );
    if (!saved.ok) throw new Error(`could not save ${id}`);
  };
  await member('m-owner', 'olga@acme.test', 'workspace_admin');
  await member('m-sec', 'sec@acme.test', 'security_admin');
  await member('m-std', 'std@acme.test', 'standard_member');
  const acknowledged = await features.workspace.acknowledge(await features.actors.resolve(SECURITY));
  if (!acknowledged.ok) throw new Error(`could not acknowledge: ${acknowledged.reason}`);
  await eventually(() => features.repos.mappings.lastFullPass(), 10_000, 'the first full mapping pass');

  const logger = features.logger.child({ test: label });
  // Short backoff: the retries are real, the waits need not be long.
  const ashbyApi = createAshbyApi({ baseUrl: ashby.url, logger, retry: { baseDelayMs: 10, maxDelayMs: 50 } });
  const applications = new ApplicationRepository(features.db);
  await applications.put('app-headcount', 'Headcount', new Date());
  await applications.put('app-finance', 'Finance', new Date());
  const connections = new AshbyConnectionService({
    connections: new AshbyConnectionRepository(features.db),
    applications,
    ashby: ashbyApi,
    encryptionKey: features.config.encryptionKey,
    clock: features.clock,
    logger,
  });
  const created = await connections.create({ name: 'Ashby connection', applicationIds: ['app-headcount'], apiKey: API_KEY }, 'm-owner');
  if (!created.ok) throw new Error(`could not create the connection: ${JSON.stringify(created)}`);
  // The key check's calls are not the tests' business.
  ashby.clearCalls();
  const outbox = createNotificationRepos(features).outbox;
  const feature = createImports(features, {
    connections,
    applications,
    ashby: ashbyApi,
    notify: createNotify(outbox, { clock: features.clock, pigmentBaseUrl: () => features.config.pigmentBaseUrl! }),
    members: features.members,
  });
  return {
    t,
    ashby,
    connections,
    applications,
    feature,
    connectionId: created.connection.id,
    stop: async () => {
      await t.stop();
      await ashby.close();
    },
  };
}

/** The notification of a run, once the delivery worker finished with it. */
export async function deliveredNotification(world: ImportsWorld, id: string): Promise<Notification> {
  const outbox = createNotificationRepos(world.t.connector.deps).outbox;
  return eventually(
    async () => {
      const found = await outbox.findById(id);
      return found && ['delivered', 'skipped', 'failed'].includes(found.status) ? found : undefined;
    },
    10_000,
    `notification ${id}`,
  );
}

/**
 * Runs an import as the connector does, under its lease: a run outside the lease would look
 * left by a dead process to the every-minute resume job, which would run the import beside it.
 */
export async function runImport(world: ImportsWorld, importId: string, trigger: ImportTrigger = 'manual'): Promise<ImportRun> {
  const outcome = await runImportExclusive(world.t.connector.deps.scheduler, world.feature.service, importId, trigger);
  const runId = outcome.ran && outcome.status === 'completed' ? outcome.report['runId'] : undefined;
  const run = typeof runId === 'string' ? await world.feature.runs.findById(runId) : undefined;
  if (!run) throw new Error(`the import did not run: ${JSON.stringify(outcome)}`);
  return run;
}
