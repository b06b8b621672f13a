/**
 * The notifications feature's services, shared by its HTTP routes, its worker and its App Home
 * part, and its ports for other features: `notify` (an import's outcome) and `welcome` (a member a
 * provisioning sync created).
 */
import type { Clock } from '../../platform/clock';
import type { MemberDirectory } from '../members/member-directory';
import { notificationFingerprint, notificationRequestSchema } from './notification.schema';
import type { NotificationRequest } from './notification.types';
import { WELCOME_TITLE } from './messages/welcome.message';
import { OutboxRepository, type EnqueueResult } from './outbox.repository';
import { PreferencesRepository } from './preferences.repository';
import { PreferencesService } from './preferences.service';
import type { CollectionSource } from '../../db/tenant-collection';
import type { Db } from 'mongodb';
import { DeliveryTenants } from './outbox/delivery-tenants.repository';
import { OrphanSweepMarks } from './delivery/orphan-sweep-marks';
import type { Scheduler } from '../../platform/scheduler/scheduler';

/**
 * The notification repositories, built from the tenant-scoped database and the raw one (where
 * the delivery worker's marks of due tenants live), for the composition root and tests. With the
 * scheduler, hand-offs mark their tenant for the orphan sweep (orphan-sweep-marks.ts).
 */
export function createNotificationRepos(deps: { db: CollectionSource; globalDb: Db; scheduler?: Pick<Scheduler, 'markTenant'>; clock?: Clock }): {
  outbox: OutboxRepository;
  preferences: PreferencesRepository;
} {
  const sweepMarks = deps.scheduler && deps.clock ? new OrphanSweepMarks(deps.scheduler, deps.clock) : undefined;
  return { outbox: new OutboxRepository(deps.db, new DeliveryTenants(deps.globalDb), sweepMarks), preferences: new PreferencesRepository(deps.db) };
}
export type NotificationRepos = ReturnType<typeof createNotificationRepos>;

/** What `register` built, to share with the worker and the App Home. */
export interface NotificationServices {
  repos: NotificationRepos;
  preferences: PreferencesService;
}

/** Builds the preferences service from the repositories and the shared deps. */
export function createNotificationServices(deps: { clock: Clock; members: Pick<MemberDirectory, 'findById'> }, repos: NotificationRepos): NotificationServices {
  return { repos, preferences: new PreferencesService({ preferences: repos.preferences, members: deps.members, clock: deps.clock }) };
}

/**
 * Hands a notification from another feature (e.g. an import's outcome) to the outbox, as
 * `POST /api/v1/notifications` does: validated (a bad request throws a ZodError), idempotent by
 * id (the same id again changes nothing), and this process's worker woken.
 */
export type Notify = (request: NotificationRequest) => Promise<EnqueueResult>;

export function createNotify(outbox: OutboxRepository, deps: { clock: Clock; pigmentBaseUrl: () => string }, onQueued?: () => void): Notify {
  return async (request) => {
    // The tenant's base URL: links must start with it.
    const parsed = notificationRequestSchema(deps.pigmentBaseUrl()).parse(request);
    const result = await outbox.enqueue(parsed, notificationFingerprint(parsed), deps.clock.now());
    if (result.outcome === 'created') onQueued?.();
    return result;
  };
}

/**
 * Welcomes a member a provisioning sync created: queues the welcome DM, a connector
 * notification (type `welcome`) delivered like any other, so it gets the same claim, history
 * check, retries and order. Its id is derived from the member, so asking again (a resumed
 * sync, another process) queues nothing: `duplicate`.
 */
export type WelcomeMember = (member: { id: string; name: string }) => Promise<EnqueueResult>;

/** The id of a member's welcome in the outbox. */
export function welcomeNotificationId(memberId: string): string {
  return `welcome:${memberId}`;
}

export function createWelcomeMember(outbox: OutboxRepository, deps: { clock: Clock; pigmentBaseUrl: () => string }, onQueued?: () => void): WelcomeMember {
  return async (member) => {
    const request: NotificationRequest = {
      id: welcomeNotificationId(member.id),
      type: 'welcome',
      subtype: 'invited',
      recipient: { memberId: member.id },
      title: WELCOME_TITLE,
      body: '',
      url: deps.pigmentBaseUrl(),
      recipientName: member.name,
    };
    // The fingerprint leaves the name out: a resumed sync that reads a renamed member is the same welcome.
    const result = await outbox.enqueue(request, notificationFingerprint(request), deps.clock.now());
    if (result.outcome === 'created') onQueued?.();
    return result;
  };
}
