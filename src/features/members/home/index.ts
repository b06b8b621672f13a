/**
 * The member directory in the App Home, for admins allowed `members.manage`: a section with
 * the counts by status, the CSV import modals and the member details modals.
 */
import type { App } from '@slack/bolt';
import type { FeatureDeps } from '../../deps';
import type { MemberServices } from '../index';
import { isAllowed } from '../permissions';
import type { MembersHomeContext } from './listener-support';
import { registerDetailsListeners } from './member-details.listeners';
import type { MemberImportPreviewRepository } from './member-import-preview.repository';
import { registerImportListeners } from './member-import.listeners';
import { renderMembersSection } from './members-section.view';

export { MemberImportPreviewRepository, MEMBER_IMPORT_PREVIEW_INDEXES } from './member-import-preview.repository';
export { MEMBERS_HOME_IDS } from './ids';

/** The Home section's place: workspace 10, own status 20, mapping 30, members 40. */
export const MEMBERS_SECTION_ORDER = 40;

export interface MembersHomeOptions {
  /** Defaults to the feature's shared services, `deps.members` (one ownership registry for all). */
  services?: MemberServices;
  /** Defaults to `deps.repos.memberImportPreviews`, read when an import is previewed. */
  previews?: MemberImportPreviewRepository;
}

export function register(app: App, deps: FeatureDeps, options: MembersHomeOptions = {}): void {
  const logger = deps.logger.child({ feature: 'members', component: 'home' });
  const ctx: MembersHomeContext = {
    deps,
    services: options.services ?? deps.members,
    logger,
    previews: () => options.previews ?? deps.repos.memberImportPreviews,
  };

  deps.home.sections.add({
    order: MEMBERS_SECTION_ORDER,
    name: 'members.directory',
    render: async ({ actor }) => {
      if (!isAllowed(actor.member, 'members.manage')) return [];
      return renderMembersSection({ canManage: true, counts: await deps.repos.members.countByStatus() });
    },
  });

  registerImportListeners(app, ctx);
  registerDetailsListeners(app, ctx);
}
