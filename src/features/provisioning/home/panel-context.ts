/**
 * What the provisioning panel's listeners (panel, configuration, review) share: their
 * context, the permission they check and the refusal's words.
 */
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { ScreenDeps } from '../../ports';
import type { ProvisioningRepos } from '../provisioning-repos';
import type { SyncService } from '../sync.service';
import type { UsergroupCatalog } from './config-groups';

export const PROVISIONING_PERMISSION = 'provisioning.manage';
export const PROVISIONING_REFUSAL_TEXT = 'Only Security Admins and Primary Owners can manage the provisioning sync.';
export interface PanelContext {
  deps: ScreenDeps;
  repos: ProvisioningRepos;
  sync: SyncService;
  catalog: UsergroupCatalog;
  logger: ScreenDeps['logger'];
  /** Tells a refused user so: a DM (Home buttons) or the modal they clicked in. */
  refuse(client: WebClient, userId: string, what: string): Promise<void>;
}

export const PanelActionBody = z.object({
  user: z.object({ id: z.string().min(1) }),
  trigger_id: z.string().min(1).optional(),
  view: z.object({ id: z.string().min(1), private_metadata: z.string().optional() }).optional(),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().optional() })).min(1),
});

