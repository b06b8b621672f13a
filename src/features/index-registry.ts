/**
 * Every collection's index definitions, gathered from the repositories that own them: every
 * collection the connector writes is listed, even without an index of its own, since this list
 * is also what says which collections hold tenant data (the single-workspace migration).
 * Created at start (`ensureIndexes`) and run against the embedded store by a test, so an
 * index FerretDB 1.24 cannot build fails the suite rather than production.
 */
import { ASHBY_IMPORT_INDEXES } from './ashby/imports/import.repository';
import { ASHBY_IMPORT_ROW_INDEXES } from './ashby/imports/import-row.repository';
import { ASHBY_IMPORT_RUN_INDEXES } from './ashby/imports/import-run.repository';
import { APPLICATION_INDEXES } from './applications/application.repository';
import { ASHBY_CONNECTION_INDEXES } from './ashby/connections/connection.repository';
import { AUDIT_INDEXES } from './audit/audit.repository';
import { MAPPING_EXCLUSION_INDEXES, MAPPING_INDEXES, MAPPING_PASS_INDEXES } from './mapping/mapping.repository';
import { PREFERENCES_INDEXES } from './notifications/preferences.repository';
import { SLACK_USER_VERSION_INDEXES } from './mapping/slack-user-versions.repository';
import { DM_HISTORY_READ_INDEXES } from './notifications/delivery/dm-history.repository';
import { MEMBER_IMPORT_PREVIEW_INDEXES } from './members/home/member-import-preview.repository';
import { MEMBER_INDEXES } from './members/member.repository';
import {
  NOTIFICATION_CLAIM_INDEXES,
  NOTIFICATION_OPEN_INDEXES,
  NOTIFICATION_OUTCOME_INDEXES,
  NOTIFICATION_QUEUE_INDEXES,
  OUTBOX_INDEXES,
} from './notifications/outbox.repository';
import { PROVISIONING_CONFIG_INDEXES } from './provisioning/provisioning-config.repository';
import { SYNC_ACTION_INDEXES, SYNC_PAGE_INDEXES, SYNC_RUN_INDEXES } from './provisioning/sync-run.repository';
import { WORKSPACE_INDEXES } from './workspace/workspace.repository';
import { HOME_AREA_INDEXES } from './home/home-area.repository';
import { JOB_RUN_INDEXES } from '../platform/scheduler/job-run.repository';
import { LEASE_CLAIM_INDEXES, LEASE_INDEXES } from '../platform/scheduler/lease.repository';
import { JOB_TICK_INDEXES } from '../platform/scheduler/tick.repository';
import { TENANT_JOB_MARKER_INDEXES } from '../platform/scheduler/tenant-job-markers.repository';
import type { CollectionIndexes } from '../db/indexes';
import { SEEN_EVENT_INDEXES } from '../slack/repeated-events';
import { TENANT_INDEXES } from './tenants/tenant.repository';
import { STORE_MIGRATION_INDEXES } from './tenants/single-workspace-migration';
import { INSTALLATION_INDEXES } from './installs/installation.repository';
import { INSTALL_LINK_INDEXES, INSTALL_LINK_USE_INDEXES } from './installs/install-link.repository';
import { OAUTH_STATE_INDEXES, OAUTH_STATE_USE_INDEXES } from './installs/oauth-state.store';
import { DELIVERY_TENANT_INDEXES } from './notifications/outbox/delivery-tenants.repository';

export const ALL_INDEXES: readonly CollectionIndexes[] = [
  TENANT_INDEXES,
  STORE_MIGRATION_INDEXES,
  INSTALLATION_INDEXES,
  INSTALL_LINK_INDEXES,
  INSTALL_LINK_USE_INDEXES,
  OAUTH_STATE_INDEXES,
  OAUTH_STATE_USE_INDEXES,
  DELIVERY_TENANT_INDEXES,
  LEASE_INDEXES,
  LEASE_CLAIM_INDEXES,
  JOB_RUN_INDEXES,
  JOB_TICK_INDEXES,
  TENANT_JOB_MARKER_INDEXES,
  SEEN_EVENT_INDEXES,
  WORKSPACE_INDEXES,
  MEMBER_INDEXES,
  MAPPING_INDEXES,
  MAPPING_PASS_INDEXES,
  MAPPING_EXCLUSION_INDEXES,
  PREFERENCES_INDEXES,
  SLACK_USER_VERSION_INDEXES,
  DM_HISTORY_READ_INDEXES,
  AUDIT_INDEXES,
  MEMBER_IMPORT_PREVIEW_INDEXES,
  OUTBOX_INDEXES,
  NOTIFICATION_QUEUE_INDEXES,
  NOTIFICATION_CLAIM_INDEXES,
  NOTIFICATION_OUTCOME_INDEXES,
  NOTIFICATION_OPEN_INDEXES,
  PROVISIONING_CONFIG_INDEXES,
  SYNC_RUN_INDEXES,
  SYNC_ACTION_INDEXES,
  SYNC_PAGE_INDEXES,
  ASHBY_IMPORT_INDEXES,
  ASHBY_IMPORT_RUN_INDEXES,
  ASHBY_IMPORT_ROW_INDEXES,
  APPLICATION_INDEXES,
  ASHBY_CONNECTION_INDEXES,
  HOME_AREA_INDEXES,
];
