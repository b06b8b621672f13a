/**
 * Ashby (issue 6): connections (encrypted API keys with application access lists, managed in
 * the App Home) and the imports of hired candidates that use them. The client (./client)
 * speaks Ashby's API; the applications come from the platform (../applications).
 */
import type { App } from '@slack/bolt';
import { ApplicationRepository } from '../applications';
import type { FeatureDeps } from '../deps';
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
  applications: ApplicationRepository;
  imports: ImportsFeature;
}

/** `notify` hands the imports' outcome notifications to the notification pipeline. */
export function register(app: App, deps: FeatureDeps, options: { notify: Notify }): AshbyServices {
  const applications = new ApplicationRepository(deps.db);
  const keyChecks = createAshbyApi({ baseUrl: deps.config.ashbyApiUrl, logger: deps.logger, retry: KEY_CHECK_RETRY });
  const connections = registerConnections(app, deps, { applications, ashby: keyChecks });
  // Imports retry with the client's defaults: nobody waits on a run.
  const reads = createAshbyApi({ baseUrl: deps.config.ashbyApiUrl, logger: deps.logger });
  const imports = registerImports(app, deps, { connections, applications, ashby: reads, notify: options.notify });
  return { connections, applications, imports };
}
