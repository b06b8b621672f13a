/**
 * Ashby (issue 6): connections (encrypted API keys with application access lists, managed in
 * the App Home) and the imports of hired candidates that use them. The client (./client)
 * speaks Ashby's API; the applications come from the platform (../applications).
 */
import type { App } from '@slack/bolt';
import type { ApplicationCatalog } from '../applications';
import type { MemberServices } from '../members';
import type { ScreenDeps } from '../ports';
import { createAshbyApi, type RetryOptions } from './client';
import { registerConnections, type AshbyConnectionService } from './connections';
import { registerImports, type ImportsFeature, type Notify } from './imports';

/**
 * Checking a key on save: an admin is waiting on the modal, so fewer and shorter tries than
 * an import makes (a check that still fails says "try again in a moment").
 */
export const KEY_CHECK_RETRY: RetryOptions = { maxAttempts: 2, baseDelayMs: 500, maxDelayMs: 2_000, maxRetryAfterMs: 5_000, timeoutMs: 10_000 };

export interface AshbyServices {
  connections: AshbyConnectionService;
  applications: ApplicationCatalog;
  imports: ImportsFeature;
}

/** `notify` hands the imports' outcome notifications to the notification pipeline. */
export function register(app: App, deps: ScreenDeps, ports: { notify: Notify; members: MemberServices; applications: ApplicationCatalog }): AshbyServices {
  const { applications } = ports;
  const keyChecks = createAshbyApi({ baseUrl: deps.config.ashbyApiUrl, logger: deps.logger, retry: KEY_CHECK_RETRY });
  const connections = registerConnections(app, deps, { applications, ashby: keyChecks });
  // Imports retry with the client's defaults: nobody waits on a run.
  const reads = createAshbyApi({ baseUrl: deps.config.ashbyApiUrl, logger: deps.logger });
  const imports = registerImports(app, deps, { connections, applications, ashby: reads, notify: ports.notify, members: ports.members });
  return { connections, applications, imports };
}
