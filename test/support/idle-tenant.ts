/**
 * A second tenant with a live installation and nothing to do, beside a test connector's own:
 * jobs that visit marked tenants only must leave it alone. `visitsOf` tells which tenants a
 * job took a tick in or stored a report for (the scheduler's bookkeeping is tenant data).
 */
import type { Connector } from '../../src/app';
import { InstallationRepository } from '../../src/features/installs';

export const IDLE_TENANT = 'idle-neighbour';

export async function addIdleInstalledTenant(connector: Connector): Promise<void> {
  await connector.deps.tenants.put(IDLE_TENANT, { name: 'Idle neighbour', baseUrl: 'https://idle.pigment.test' });
  const bound = await new InstallationRepository(connector.store.db, connector.config.encryptionKey).bind({
    teamId: 'T0IDLENEIGH',
    teamName: 'Idle neighbour',
    tenantId: IDLE_TENANT,
    botUserId: 'UIDLEBOT',
    botToken: 'xoxb-idle-neighbour',
    botScopes: ['chat:write'],
    installedAt: new Date(),
    mode: 'token',
  });
  if (!bound.ok) throw new Error(`could not install the idle tenant: ${bound.reason}`);
}

/** The tenants (sorted, once each) where `job` took a tick or stored a run report. */
export async function visitsOf(connector: Connector, job: string): Promise<string[]> {
  const db = connector.store.db;
  const docs = [...(await db.collection('job_ticks').find({ job }).toArray()), ...(await db.collection('job_runs').find({ job }).toArray())];
  return [...new Set(docs.map((doc) => doc['tenantId'] as string))].sort();
}

/** The tenants marked for `job`. */
export async function markedFor(connector: Connector, job: string): Promise<string[]> {
  return (await connector.store.db.collection('tenant_job_markers').find({ job }).toArray()).map((doc) => doc['tenantId'] as string).sort();
}
