/**
 * The sandbox's demo data: Slack workspaces for the emulator, platform workspaces with members
 * of every account type (registered through the connector's HTTP API, as the platform does),
 * an application, and Ashby hires behind one API key.
 */
import path from 'node:path';
import { loadSeedFile, type Seed } from '../slack-emulator';
import type { AshbyEmulator } from '../ashby-emulator';
import type { PlatformClient } from './platform-client';

/** Ashby's key for the demo connection, shown on the page to paste into the App Home. */
export const DEMO_ASHBY_KEY = 'sandbox-ashby-key-7f3a';

/** The Slack workspaces: the primary (installed with the bot token), and two to connect through OAuth. */
export function demoSlackSeeds(): [Seed, ...Seed[]] {
  const primary = loadSeedFile(path.resolve(__dirname, '../slack-emulator/seed.example.json'));
  const acme: Seed = {
    team: { id: 'T0ACME0001', name: 'Acme Planning', domain: 'acme-planning', email_domain: 'acme.example.com' },
    users: [
      { id: 'U0ACMEOWN1', name: 'amir', real_name: 'Amir Haddad', is_admin: true, is_owner: true, profile: { email: 'amir@acme.example.com' } },
      { id: 'U0ACMEMEM1', name: 'lena', real_name: 'Lena Vogel', profile: { email: 'lena@acme.example.com' } },
      { id: 'U0ACMEMEM2', name: 'omar', real_name: 'Omar Diallo', profile: { email: 'omar@acme.example.com' } },
    ],
    usergroups: [{ id: 'S0ACMEFIN1', handle: 'finance', name: 'Finance', users: ['U0ACMEMEM1'] }],
  };
  const initech: Seed = {
    team: { id: 'T0INITECH1', name: 'Initech', domain: 'initech', email_domain: 'initech.example.com', app_approval: 'required' },
    users: [
      { id: 'U0INITADM1', name: 'peter', real_name: 'Peter Gibbons', is_admin: true, profile: { email: 'peter@initech.example.com' } },
      { id: 'U0INITMEM1', name: 'joanna', real_name: 'Joanna Lee', profile: { email: 'joanna@initech.example.com' } },
    ],
  };
  return [primary, acme, initech];
}

export interface DemoWorkspace {
  id: string;
  name: string;
  /** The Slack workspace it is (or is meant to be) connected to. */
  slackTeamId: string;
  members: Array<{ id: string; name: string; email: string; accountType: 'standard_member' | 'workspace_admin' | 'security_admin' | 'primary_owner' }>;
}

/** Platform workspaces; `default` is the one the bot token connects. */
export function demoWorkspaces(defaultWorkspaceId: string): DemoWorkspace[] {
  return [
    {
      id: defaultWorkspaceId,
      name: 'Pigment Demo',
      slackTeamId: 'T0PIGMENT1',
      members: [
        { id: 'm-bruno', name: 'Bruno Leroy', email: 'bruno@example.com', accountType: 'primary_owner' },
        { id: 'm-alice', name: 'Alice Martin', email: 'alice@example.com', accountType: 'security_admin' },
        { id: 'm-chloe', name: 'Chloé Dubois', email: 'chloe@example.com', accountType: 'workspace_admin' },
        { id: 'm-emma', name: 'Emma Rossi', email: 'emma.rossi@example.com', accountType: 'standard_member' },
        // Slack knows David as david@example.com: matching by email misses him, an admin maps him by hand.
        { id: 'm-david', name: 'David Chen', email: 'd.chen@example.com', accountType: 'standard_member' },
        { id: 'm-ines', name: 'Inès Moreau', email: 'ines@example.com', accountType: 'standard_member' },
      ],
    },
    {
      id: 'acme',
      name: 'Acme Planning',
      slackTeamId: 'T0ACME0001',
      members: [
        { id: 'm-amir', name: 'Amir Haddad', email: 'amir@acme.example.com', accountType: 'primary_owner' },
        { id: 'm-lena', name: 'Lena Vogel', email: 'lena@acme.example.com', accountType: 'security_admin' },
        { id: 'm-omar', name: 'Omar Diallo', email: 'omar@acme.example.com', accountType: 'standard_member' },
      ],
    },
    {
      id: 'initech',
      name: 'Initech',
      slackTeamId: 'T0INITECH1',
      members: [
        { id: 'm-peter', name: 'Peter Gibbons', email: 'peter@initech.example.com', accountType: 'security_admin' },
        { id: 'm-joanna', name: 'Joanna Lee', email: 'joanna@initech.example.com', accountType: 'standard_member' },
      ],
    },
  ];
}

/** Registers the platform workspaces, their members and an application; PUTs, so a restart changes nothing. */
export async function registerDemoWorkspaces(platform: PlatformClient, workspaces: DemoWorkspace[], baseUrlOf: (id: string) => string): Promise<void> {
  for (const workspace of workspaces) {
    await platform.call('PUT', `/workspaces/${workspace.id}`, { name: workspace.name, baseUrl: baseUrlOf(workspace.id) });
    for (const member of workspace.members) {
      await platform.call('PUT', `/workspaces/${workspace.id}/members/${member.id}`, {
        email: member.email,
        name: member.name,
        accountType: member.accountType,
      });
    }
    await platform.call('PUT', `/workspaces/${workspace.id}/applications/recruiting`, { name: 'Recruiting plan' });
  }
}

/** Hired candidates in Ashby, read by an Ashby import once a connection with DEMO_ASHBY_KEY exists. */
export function seedAshby(ashby: AshbyEmulator): void {
  ashby.keys.add(DEMO_ASHBY_KEY, { title: 'Sandbox key' });
  const hires = [
    ['Noah Becker', 'noah.becker@example.com', 'Financial Analyst'],
    ['Mia Laurent', 'mia.laurent@example.com', 'FP&A Manager'],
    ['Leo Santos', 'leo.santos@example.com', 'Data Engineer'],
    ['Zoe Kim', 'zoe.kim@example.com', 'Revenue Operations Lead'],
  ] as const;
  for (const [candidateName, email, jobTitle] of hires) ashby.applications.add({ candidateName, email, jobTitle, status: 'Hired' });
  ashby.applications.add({ candidateName: 'Sam Archer', email: 'sam.archer@example.com', jobTitle: 'Controller', status: 'Active' });
}
