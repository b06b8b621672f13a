/**
 * The kernel every feature is built on: the store, settings, logging, time, the Slack clients,
 * the HTTP router, the scheduler, metrics and the hooks features react to. Features reach
 * each other only through the narrow ports `registerFeatures` hands them, never through here.
 * Built once by the composition root (and by tests, on a test database).
 */
import { WebClient, type Logger as SlackLogger } from '@slack/web-api';
import type { Db } from 'mongodb';
import { Registry } from 'prom-client';
import type { Config } from '../config';
import type { Clock } from '../platform/clock';
import type { Router } from '../platform/http/router';
import type { Logger } from '../platform/logger';
import { JobRunRepository } from '../platform/scheduler/job-run.repository';
import { LeaseRepository } from '../platform/scheduler/lease.repository';
import { Scheduler } from '../platform/scheduler/scheduler';
import { JobTickRepository } from '../platform/scheduler/tick.repository';
import { SlackDirectory } from '../slack/slack-directory';
import type { Member } from './members/member.types';
import type { DeliveryTuning } from './notifications/delivery/delivery-tuning';
import type { Workspace } from './workspace/workspace.types';

export interface FeatureDeps {
  /** The database, for features that build their repositories in `register`. */
  db: Db;
  config: Config;
  logger: Logger;
  clock: Clock;
  /** Bot-token client for work outside listeners (jobs, workers); rate limits surface as errors. */
  slackClient: WebClient;
  /**
   * Bot-token client for DMs: rate limits surface as errors and nothing is retried by the SDK,
   * since a retried chat.postMessage after a timeout could post twice (the worker decides).
   */
  deliveryClient: WebClient;
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
  db: Db;
  config: Config;
  logger: Logger;
  clock: Clock;
  slackClient: WebClient;
  router: Router;
  /** The workspace's team id, known once the bot token was verified. */
  teamId: () => string;
  /** Built from the config when omitted (see FeatureDeps.deliveryClient). */
  deliveryClient?: WebClient;
  /** A registry of its own when omitted (tests, benchmarks). */
  metricsRegistry?: Registry;
  tuning?: ConnectorTuning;
}

/** Slow answers are given up on after this long and handled as "may have arrived". */
const DELIVERY_CALL_TIMEOUT_MS = 15_000;

/** The DM client (see FeatureDeps.deliveryClient). */
export function createDeliveryClient(config: Config, options: { logger?: SlackLogger } = {}): WebClient {
  return new WebClient(config.slack.botToken, {
    slackApiUrl: config.slack.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: DELIVERY_CALL_TIMEOUT_MS,
    ...(options.logger ? { logger: options.logger } : {}),
  });
}

export function createFeatureDeps(input: FeatureDepsInput): FeatureDeps {
  const { db, logger, clock } = input;
  const scheduler = new Scheduler({
    leases: new LeaseRepository(db),
    runs: new JobRunRepository(db),
    ticks: new JobTickRepository(db),
    clock,
    logger: logger.child({ component: 'scheduler' }),
  });
  return {
    db,
    config: input.config,
    logger,
    clock,
    slackClient: input.slackClient,
    deliveryClient: input.deliveryClient ?? createDeliveryClient(input.config),
    metricsRegistry: input.metricsRegistry ?? new Registry(),
    background: [],
    tuning: input.tuning ?? {},
    router: input.router,
    scheduler,
    directory: new SlackDirectory(input.slackClient, input.teamId),
    hooks: { workspaceWentLive: [], memberChanged: [], stopping: [] },
  };
}
