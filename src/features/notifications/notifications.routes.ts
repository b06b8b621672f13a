/**
 * The notification hand-off and member preferences over HTTP (shared/CONTRACT.md):
 *
 * - `POST /api/v1/notifications`: validates, stores the notification in the outbox (`queued`)
 *   and only then answers 202 `{id, status}`. The caller's `id` is the idempotency key: the
 *   same id with the same content again answers 200 with the notification's current status
 *   (nothing is stored or sent twice); the same id with different content answers 409
 *   `id_reused` and changes nothing.
 * - `GET /api/v1/notifications/:id`: `{id, status, reason?, slack?, openedInSlackAt?}`, or 404.
 * - `PUT /api/v1/members/:memberId/preferences`: `{slack: {conversation?, automation?,
 *   scheduled_import?, async_task?: boolean}}`, any subset; answers 200 with all four, or
 *   404 for a member the directory does not know.
 *
 * Bad bodies throw a ZodError (400 with field paths from the HTTP server) before anything is
 * read or written; an unreachable store surfaces as a driver error (503).
 */
import { parseRequest } from '../../platform/http/parse-request';
import type { ApiResponse, Router } from '../../platform/http/router';
import type { Clock } from '../../platform/clock';
import type { Logger } from '../../platform/logger';
import { z } from 'zod';
import { memberIdSchema, notificationFingerprint, notificationIdSchema, notificationRequestSchema, preferencesPatchSchema } from './notification.schema';
import { toNotificationStatusJson, type MemberPreferences } from './notification.types';
import type { OutboxRepository } from './outbox.repository';
import type { PreferencesService } from './preferences.service';

export interface NotificationRoutesDeps {
  outbox: OutboxRepository;
  preferences: PreferencesService;
  clock: Clock;
  logger: Logger;
  /** PIGMENT_BASE_URL, without trailing slash. */
  /** The tenant's platform base URL (links must start with it). */
  pigmentBaseUrl: () => string;
  /** Called after a new notification is stored (wakes this process's worker). */
  onQueued?: () => void;
}

const notificationParamsSchema = z.object({ id: notificationIdSchema });
const memberParamsSchema = z.object({ memberId: memberIdSchema });

/** What the API shows of preferences. */
export function toPreferencesJson(preferences: MemberPreferences): { memberId: string; slack: MemberPreferences['slack'] } {
  return { memberId: preferences.memberId, slack: { ...preferences.slack } };
}

export function registerNotificationRoutes(router: Router, deps: NotificationRoutesDeps): void {
  router.addForTenant('POST', '/notifications', async ({ body }): Promise<ApiResponse> => {
    const request = parseRequest(notificationRequestSchema(deps.pigmentBaseUrl()), body);
    const fingerprint = notificationFingerprint(request);
    const result = await deps.outbox.enqueue(request, fingerprint, deps.clock.now());
    if (result.outcome === 'created') {
      deps.logger.debug({ notificationId: request.id, type: request.type, subtype: request.subtype }, 'notification queued');
      deps.onQueued?.();
      return { status: 202, body: { id: request.id, status: result.notification.status } };
    }
    if (result.existing.fingerprint !== fingerprint) {
      return {
        status: 409,
        body: {
          error: 'id_reused',
          id: request.id,
          message:
            'A different notification was already accepted with this id. Ids are idempotency keys: send a new id for a new notification. Nothing was written.',
        },
      };
    }
    return { status: 200, body: toNotificationStatusJson(result.existing) };
  });

  router.addForTenant('GET', '/notifications/:id', async ({ params }): Promise<ApiResponse> => {
    const { id } = parseRequest(notificationParamsSchema, params);
    const notification = await deps.outbox.findById(id);
    if (!notification) return { status: 404, body: { error: 'notification_not_found', message: `No notification ${id}.` } };
    return { status: 200, body: toNotificationStatusJson(notification) };
  });

  router.addForTenant('PUT', '/members/:memberId/preferences', async ({ params, body }): Promise<ApiResponse> => {
    const { memberId } = parseRequest(memberParamsSchema, params);
    const patch = parseRequest(preferencesPatchSchema, body);
    const result = await deps.preferences.setForMember(memberId, patch.slack);
    if (result.ok) return { status: 200, body: toPreferencesJson(result.preferences) };
    if (result.reason === 'member_not_found')
      return { status: 404, body: { error: 'member_not_found', message: `No member ${memberId}; nothing was written.` } };
    throw new Error(`unexpected preferences result: ${result.reason}`);
  });
}
