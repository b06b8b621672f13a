/**
 * The areas an admin's Home switches between. Each feature's section belongs to one; the
 * viewer sees the areas that have something for them, one at a time, and the Home remembers
 * the last one they chose (per person, per workspace).
 */
export const HOME_AREAS = ['overview', 'members', 'sync', 'ashby', 'notifications'] as const;
export type HomeArea = (typeof HOME_AREAS)[number];

/** The button labels, in the row's order (each well under the 75 characters of a button). */
export const HOME_AREA_LABELS: Record<HomeArea, string> = {
  overview: 'Overview',
  members: 'Members',
  sync: 'Sync',
  ashby: 'Ashby',
  notifications: 'My notifications',
};

/**
 * Areas only admins have. A viewer with none of them (a member) gets the short Home: every
 * section they have, in order, and no row of areas.
 */
export const ADMIN_AREAS: ReadonlySet<HomeArea> = new Set<HomeArea>(['members', 'sync', 'ashby']);

/** The area named by `value`, or undefined for anything else (a stale or forged value). */
export function parseHomeArea(value: unknown): HomeArea | undefined {
  return typeof value === 'string' && (HOME_AREAS as readonly string[]).includes(value) ? (value as HomeArea) : undefined;
}
