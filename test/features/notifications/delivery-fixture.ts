/**
 * A live workspace with mapped members, for the delivery tests: the real connector against
 * the emulator, members saved in the directory, the workspace acknowledged by its Security
 * Admin, and the first full mapping pass done.
 */
import type { SeedUser, SlackMessage } from '../../../scripts/slack-emulator';
import type { AccountType, MemberStatus } from '../../../src/features/members/member.types';
import { emailKey } from '../../../src/features/members/member.types';
import { createNotificationRepos, type Notification } from '../../../src/features/notifications';
import { eventually, type TestConnector } from '../../support/connector';
import { TEST_SECRETS } from '../../support/factories';
import { connectorView, storeRepos } from '../../support/store-repos';

export const TEAM = { id: 'T0DELIVER1', name: 'Acme Delivery', domain: 'acme-delivery' };

export const USERS: SeedUser[] = [
  { id: 'U0ADMIN001', name: 'admin', profile: { email: 'admin@acme.test' } },
  { id: 'U0ANA00001', name: 'ana', profile: { email: 'ana@acme.test' } },
  { id: 'U0BOB00001', name: 'bob', profile: { email: 'bob@acme.test' } },
  { id: 'U0CAROL001', name: 'carol', profile: { email: 'carol@acme.test' } },
  { id: 'U0DAN00001', name: 'dan', profile: { email: 'dan@acme.test' } },
];

export const MEMBERS: Array<{ id: string; email: string; accountType?: AccountType; status?: MemberStatus }> = [
  { id: 'm-admin', email: 'admin@acme.test', accountType: 'security_admin', status: 'activated' },
  { id: 'm-ana', email: 'ana@acme.test', status: 'activated' },
  { id: 'm-bob', email: 'bob@acme.test', status: 'activated' },
  { id: 'm-carol', email: 'carol@acme.test', status: 'activated' },
  { id: 'm-dan', email: 'dan@acme.test', status: 'activated' },
  // In the directory, with no Slack user (yet).
  { id: 'm-erin', email: 'erin@acme.test', status: 'activated' },
];

export const HEADERS = { authorization: `Bearer ${TEST_SECRETS.apiToken}`, 'content-type': 'application/json' };

export function seed() {
  return { team: TEAM, users: USERS };
}

export async function saveMembers(t: TestConnector, members = MEMBERS): Promise<void> {
  for (const member of members) {
    const saved = await storeRepos(t.connector.store.db).members.save(
      {
        id: member.id,
        name: member.id,
        email: member.email,
        emailKey: emailKey(member.email),
        accountType: member.accountType ?? 'standard_member',
        status: member.status ?? 'pending',
        groups: [],
        source: 'api',
      },
      new Date(),
    );
    if (!saved.ok) throw new Error(`could not save ${member.id}`);
  }
}

/** Acknowledges the workspace as the Security Admin and waits for the first full mapping pass. */
export async function goLive(t: TestConnector): Promise<void> {
  const features = connectorView(t.connector);
  const actor = await features.actors.resolve('U0ADMIN001');
  const result = await features.workspace.acknowledge(actor);
  if (!result.ok) throw new Error(`could not acknowledge: ${result.reason}`);
  await eventually(() => features.repos.mappings.lastFullPass(), 10_000, 'the first full mapping pass');
}

let counter = 0;

/** A valid hand-off body; `id` unique per call unless given. */
export function notificationBody(fields: Record<string, unknown> = {}): Record<string, unknown> {
  counter += 1;
  return {
    id: `n-${Date.now().toString(36)}-${counter}`,
    type: 'conversation',
    subtype: 'comment',
    recipient: { memberId: 'm-ana' },
    title: `Comment ${counter}`,
    body: 'Numbers look *good*',
    url: 'https://acme.pigment.test/apps/1/blocks/2',
    actor: { name: 'Bea' },
    ...fields,
  };
}

export async function post(t: TestConnector, body: Record<string, unknown>): Promise<Response> {
  return t.fetch('/api/v1/workspaces/default/notifications', { method: 'POST', headers: HEADERS, body: JSON.stringify(body) });
}

export async function postAll(t: TestConnector, bodies: Array<Record<string, unknown>>): Promise<void> {
  for (const body of bodies) {
    const response = await post(t, body);
    if (response.status !== 202) throw new Error(`POST answered ${response.status}: ${await response.text()}`);
  }
}

export function findNotification(t: TestConnector, id: string): Promise<Notification | undefined> {
  return createNotificationRepos(t.connector.deps).outbox.findById(id);
}

/** Waits until the notification reached a final status. */
export function finished(t: TestConnector, id: string, timeoutMs = 15_000): Promise<Notification> {
  return eventually(
    async () => {
      const n = await findNotification(t, id);
      return n && ['delivered', 'skipped', 'failed'].includes(n.status) ? n : undefined;
    },
    timeoutMs,
    `notification ${id} to finish`,
  );
}

/** The notification ids of the app's messages to a user, oldest first (from the emulator's DM). */
export function notificationIdsIn(messages: SlackMessage[]): string[] {
  return messages.map((m) => (m.metadata as { event_payload?: { notification_id?: string } } | undefined)?.event_payload?.notification_id ?? '?');
}

/** A clock tests can move forward (leases, the mapping wait window). */
export function movableClock() {
  let offsetMs = 0;
  return { now: () => new Date(Date.now() + offsetMs), advance: (ms: number) => void (offsetMs += ms) };
}
