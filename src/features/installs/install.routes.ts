/**
 * The install flow's routes (shared/CONTRACT.md):
 *
 * - `POST /api/v1/workspaces/:workspaceId/slack/install-links` `{memberId}` → 201 `{url, expiresAt}`
 *   for a Security Admin or Primary Owner of that workspace, 403 otherwise, 409 while OAuth
 *   installs are not configured;
 * - `GET /api/v1/workspaces/:workspaceId/slack`: the connection's state for the platform;
 * - the pages: `GET`/`POST /slack/install/:token` and `GET /slack/oauth_redirect` (no bearer:
 *   the link's token and the OAuth state are the credentials).
 */
import { z } from 'zod';
import { parseRequest } from '../../platform/http/parse-request';
import type { ApiResponse, Router } from '../../platform/http/router';
import { currentTenantId } from '../../tenancy/tenant-scope';
import type { WorkspaceService } from '../workspace/workspace.service';
import { INSTALL_PATH, REDIRECT_PATH, type InstallFlow } from './install-flow';
import { failurePage } from './install-pages';
import type { InstallationRepository } from './installation.repository';

const linkBodySchema = z.strictObject(
  { memberId: z.string({ message: 'must be a string' }).min(1, 'must not be empty').max(200, 'must be at most 200 characters') },
  { message: 'must be a JSON object' },
);

export interface InstallRouteDeps {
  /** Undefined while SLACK_CLIENT_ID / SECRET / STATE_SECRET are not set. */
  flow: InstallFlow | undefined;
  installations: InstallationRepository;
  workspace: WorkspaceService;
}

export function registerInstallRoutes(router: Router, deps: InstallRouteDeps): void {
  router.addForTenant('POST', '/slack/install-links', async ({ body }): Promise<ApiResponse> => {
    const { memberId } = parseRequest(linkBodySchema, body);
    if (!deps.flow) {
      return {
        status: 409,
        body: { error: 'oauth_not_configured', message: 'Slack installs need SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET on the connector.' },
      };
    }
    const link = await deps.flow.createLink(currentTenantId(), memberId);
    if (!link) {
      return {
        status: 403,
        body: {
          error: 'not_allowed',
          message: `Member ${memberId} is not an active Security Admin or Primary Owner of this workspace; only they can connect Slack.`,
        },
      };
    }
    return { status: 201, body: { url: link.url, expiresAt: link.expiresAt.toISOString() } };
  });

  router.addForTenant('GET', '/slack', async (): Promise<ApiResponse> => {
    const installation = await deps.installations.forTenant(currentTenantId());
    const state = await deps.workspace.refresh();
    if (!installation || !state) return { status: 200, body: { status: 'none' } };
    const { workspace } = state;
    const status = state.kind === 'mismatch' ? 'disconnected' : workspace.status;
    const reason = state.kind === 'mismatch' ? 'token_for_another_workspace' : workspace.disconnectReason;
    return {
      status: 200,
      body: {
        status,
        ...(status === 'disconnected' && reason ? { reason } : {}),
        team: { id: installation.teamId, name: installation.teamName },
        installedAt: installation.installedAt.toISOString(),
        installedBy: {
          ...(installation.installedByMemberId ? { memberId: installation.installedByMemberId } : {}),
          ...(installation.installerSlackUserId ? { slackUserId: installation.installerSlackUserId } : {}),
          mode: installation.mode,
        },
      },
    };
  });

  const notConfigured = async (_req: unknown, res: import('node:http').ServerResponse) => {
    const page = failurePage({ kind: 'oauth_not_configured' });
    res.writeHead(page.status, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page.html);
  };
  const flow = deps.flow;
  router.addRaw('GET', `${INSTALL_PATH}/:token`, flow ? (_req, res, params) => flow.showDisclaimer(res, params.token!) : notConfigured);
  router.addRaw('POST', `${INSTALL_PATH}/:token`, flow ? (req, res, params) => flow.acknowledge(req, res, params.token!) : notConfigured);
  router.addRaw('GET', REDIRECT_PATH, flow ? (req, res) => flow.callback(req, res) : notConfigured);
}
