/**
 * The kernel every feature is built on: the store, settings, logging, time, the Slack clients,
 * the HTTP router, the scheduler, metrics and the hooks features react to. Features reach
 * each other only through the narrow ports `registerFeatures` hands them, never through here.
 * Built once by the composition root (and by tests, on a test database).
 */
import type { Db } from 'mongodb';
import { TenantDb, type CollectionSource } from '../db/tenant-collection';
import { Registry } from 'prom-client';
import type { Config } from '../config';
import type { Clock } from '../platform/clock';
import type { Router } from '../platform/http/router';
import type { Logger } from '../platform/logger';
import { JobRunRepository } from '../platform/scheduler/job-run.repository';
import { LeaseRepository } from '../platform/scheduler/lease.repository';
import { Scheduler } from '../platform/scheduler/scheduler';
import { JobTickRepository } from '../platform/scheduler/tick.repository';
import { TenantJobMarkers } from '../platform/scheduler/tenant-job-markers.repository';
import { SlackDirectory } from '../slack/slack-directory';
import type { TenantSlack } from '../slack/tenant-slack';
import type { TenantRegistry } from './tenants/tenant-registry';
import type { Member } from './members/member.types';
import type { DeliveryTuning } from './notifications/delivery/delivery-tuning';
import type { Workspace } from './workspace/workspace.types';

export interface FeatureDeps {
  /** Tenant data: every collection is scoped to the tenant at hand (src/db/tenant-collection.ts). */
  db: CollectionSource;
  /** Cross-tenant data (the tenant registry, installations, install links): queried as is. */
  globalDb: Db;
  /** The platform workspaces (tenants): registry and scopes. */
  tenants: TenantRegistry;
  config: Config;
  logger: Logger;
  clock: Clock;
  /** The current tenant's Slack clients for work outside listeners (jobs, workers). */
  slack: TenantSlack;
  /** Where features add their Prometheus metrics (served on /metrics). */
  metricsRegistry: Registry;
  /** Background work features start (workers); the composition root starts them once the app is up and stops them first. */
  background: BackgroundWorker[];
  /** Knobs tests shorten (leases, polls, backoff); production uses the defaults and the settings. */
  tuning: ConnectorTuning;
  router: Router;
  scheduler: Scheduler;
  /** Slack's user directory (users, groups), rate limits waited out. */
  directory: SlackDirectory;
  /**
   * Hooks features subscribe to, so they react to each other without importing each other:
   * e.g. mapping runs its first full pass when the workspace goes live.
   */
  hooks: {
    workspaceWentLive: Array<(workspace: Workspace) => void>;
    /** A member was created, or their email or status changed (API, CSV, admin, provisioning). */
    memberChanged: Array<(member: Member, before: Member | undefined) => void>;
    /** Work to finish at shutdown while the store is still open (queued member changes). */
    stopping: Array<() => Promise<void>>;
  };
}

/** Something that runs in the background until stopped (e.g. the delivery worker). */
export interface BackgroundWorker {
  name: string;
  start(): void;
  stop(): Promise<void>;
  /** A word or two for /readyz (e.g. `running`, `paused: invalid_auth`). */
  status(): string;
}

export interface ConnectorTuning {
  delivery?: Partial<DeliveryTuning>;
}

export interface FeatureDepsInput {
  /** The plain database; tenant data is reached through a TenantDb over it. */
  db: Db;
  config: Config;
  logger: Logger;
  clock: Clock;
  tenants: TenantRegistry;
  /** Tenants whose scheduled jobs run (those with a live installation). */
  scheduledTenants: () => AsyncIterable<string>;
  slack: TenantSlack;
  router: Router;
  /** A registry of its own when omitted (tests, benchmarks). */
  metricsRegistry?: Registry;
  tuning?: ConnectorTuning;
}

export function createFeatureDeps(input: FeatureDepsInput): FeatureDeps {
  const { logger, clock } = input;
  const db = new TenantDb(input.db);
  const scheduler = new Scheduler({
    leases: new LeaseRepository(db),
    runs: new JobRunRepository(db),
    ticks: new JobTickRepository(db),
    markers: new TenantJobMarkers(input.db),
    tenants: { scheduledIds: input.scheduledTenants, run: (id, work) => input.tenants.run(id, work) },
    clock,
    logger: logger.child({ component: 'scheduler' }),
  });
  return {
    db,
    globalDb: input.db,
    tenants: input.tenants,
    config: input.config,
    logger,
    clock,
    slack: input.slack,
    metricsRegistry: input.metricsRegistry ?? new Registry(),
    background: [],
    tuning: input.tuning ?? {},
    router: input.router,
    scheduler,
    directory: new SlackDirectory(input.slack),
    hooks: { workspaceWentLive: [], memberChanged: [], stopping: [] },
  };
}
