/**
 * The "your connection" section of the App Home (order 20), shown to everyone.
 */
import type { HomeSection } from '../home';
import type { MemberDirectory } from '../members/member-directory';
import type { MappingLookup } from './mapping-lookup';
import { renderOwnStatus } from './own-status.view';

const ADMIN_TYPES = ['security_admin', 'primary_owner'] as const;

export function ownStatusSection(
  members: Pick<MemberDirectory, 'findActiveByAccountTypes'>,
  mappings: Pick<MappingLookup, 'lookup' | 'lookupMany'>,
): HomeSection {
  return {
    order: 20,
    name: 'home.own_status',
    area: 'notifications',
    render: async ({ actor }) => {
      const member = actor.member;
      const mapping = member ? await mappings.lookup(member.id) : undefined;
      const connection = mapping && mapping.slackUserId === actor.slackUserId ? { active: mapping.active, source: mapping.source } : undefined;
      if (member && connection) return renderOwnStatus({ member, connection, admins: [] });
      const adminMembers = (await members.findActiveByAccountTypes([...ADMIN_TYPES], 20)).filter((m) => m.id !== member?.id);
      const adminMappings = new Map((await mappings.lookupMany(adminMembers.map((m) => m.id))).filter((m) => m.active).map((m) => [m.memberId, m.slackUserId]));
      return renderOwnStatus({ member, admins: adminMembers.map((m) => ({ name: m.name, slackUserId: adminMappings.get(m.id) })) });
    },
  };
}
