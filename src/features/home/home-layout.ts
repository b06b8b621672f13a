/**
 * Which of the rendered sections the Home shows, and how: pure. A viewer with an admin area
 * gets what needs attention, a row of their areas and the open area's sections; anyone else
 * (a member) gets the short Home, every section they have in order, with no row.
 */
import type { KnownBlock } from '@slack/types';
import { ADMIN_AREAS, HOME_AREAS, parseHomeArea, type HomeArea } from './home-areas';
import type { AttentionItem, RenderedSection } from './home-sections';

export interface HomeLayoutInput {
  sections: readonly RenderedSection[];
  /** The area the viewer chose last, as stored: possibly stale (renamed, or no longer theirs). */
  remembered?: string;
  /** The area the viewer just clicked, if any. */
  requested?: HomeArea;
}

export interface HomeLayout {
  /** The blocks of each section shown, in order (none empty). */
  sections: KnownBlock[][];
  attention: AttentionItem[];
  /** Absent on the short Home. */
  areas?: { available: HomeArea[]; selected: HomeArea };
}

export function arrangeHome(input: HomeLayoutInput): HomeLayout {
  const shown = input.sections.filter((s) => s.blocks.length > 0);
  const attention = input.sections.flatMap((s) => s.attention);
  const available = HOME_AREAS.filter((area) => shown.some((s) => s.area === area));
  if (!available.some((area) => ADMIN_AREAS.has(area))) return { sections: shown.map((s) => s.blocks), attention };
  const remembered = parseHomeArea(input.remembered);
  const selected = [input.requested, remembered, 'overview' as const].find((a): a is HomeArea => a !== undefined && available.includes(a)) ?? available[0]!;
  return { sections: shown.filter((s) => s.area === selected).map((s) => s.blocks), attention, areas: { available, selected } };
}
