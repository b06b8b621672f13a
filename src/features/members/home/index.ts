/**
 * The member directory in the App Home, for admins allowed `members.manage`: a section with
 * the counts by status, the CSV import modals and the member details modals.
 */
import type { App } from '@slack/bolt';
import type { ScreenDeps } from '../../ports';
import type { MemberServices } from '../index';
import { isAllowed } from '../permissions';
import type { MembersHomeContext } from './listener-support';
import { registerDetailsListeners } from './member-details.listeners';
import { MemberImportPreviewRepository } from './member-import-preview.repository';
import type { MappingLookup } from '../../mapping/mapping-lookup';
import { registerImportListeners } from './member-import.listeners';
import { renderMembersSection } from './members-section.view';
import { withinBudget } from '../../../platform/within-budget';

export { MemberImportPreviewRepository, MEMBER_IMPORT_PREVIEW_INDEXES } from './member-import-preview.repository';
export { MEMBERS_HOME_IDS } from './ids';

/** How long the Home waits for the one count a tenant whose members predate maintained counts needs. */
const MEMBER_COUNTS_BUDGET_MS = 2_500;

/** The Home section's place: workspace 10, own status 20, mapping 30, members 40. */
export const MEMBERS_SECTION_ORDER = 40;

export interface MembersHomePorts {
  /** The feature's services (one ownership registry for all). */
  members: MemberServices;
  mapping: Pick<MappingLookup, 'lookup'>;
}

export function register(app: App, deps: ScreenDeps, ports: MembersHomePorts): void {
  const logger = deps.logger.child({ feature: 'members', component: 'home' });
  const previews = new MemberImportPreviewRepository(deps.db);
  const ctx: MembersHomeContext = { deps, services: ports.members, mapping: ports.mapping, logger, previews: () => previews };

  deps.home.sections.add({
    order: MEMBERS_SECTION_ORDER,
    name: 'members.directory',
    area: 'members',
    render: async ({ actor }) => {
      if (!isAllowed(actor.member, 'members.manage')) return [];
      // Maintained counts answer at once; only a tenant counted before them waits for one count.
      const counting = ports.members.directory.countByStatus();
      // Past the budget the count goes on for the next render: never leave its rejection unhandled.
      counting.catch((error: unknown) => logger.error({ err: error }, 'counting members failed'));
      const counts = await withinBudget(counting, MEMBER_COUNTS_BUDGET_MS);
      return renderMembersSection({ canManage: true, counts });
    },
  });

  registerImportListeners(app, ctx);
  registerDetailsListeners(app, ctx);
}
