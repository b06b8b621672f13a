/**
 * The App Home is composed: each feature adds a section that loads its model for the viewer
 * and renders it with a pure view. The home feature joins them in order, area by area, and
 * publishes. A section may also say what needs the viewer's attention, from the same load,
 * so that the Home can lead with it whichever area is open.
 */
import type { KnownBlock } from '@slack/types';
import type { Actor } from '../members/actor.service';
import type { WorkspaceState } from '../workspace/workspace.types';
import type { HomeArea } from './home-areas';

export interface HomeContext {
  actor: Actor;
  workspace: WorkspaceState | undefined;
}

/** Something the viewer should act on, shown above the areas. */
export interface AttentionItem {
  /** Where it is dealt with: the Home opens that area from the item's button. */
  area: HomeArea;
  /** One short line of mrkdwn (user text already escaped), e.g. "*3 members* are not connected". */
  text: string;
}

/** What a section renders: its blocks, and what needs attention in them. */
export interface HomeSectionOutput {
  blocks: KnownBlock[];
  attention?: AttentionItem[];
}

export interface HomeSection {
  /** Lower comes first. */
  order: number;
  /** For logs and tests. */
  name: string;
  /** The area that shows it. */
  area: HomeArea;
  /** Blocks for this viewer ([] to show nothing), with what needs attention when there is something. */
  render(context: HomeContext): Promise<KnownBlock[] | HomeSectionOutput>;
}

/** One section as rendered for one viewer. */
export interface RenderedSection {
  name: string;
  area: HomeArea;
  blocks: KnownBlock[];
  attention: AttentionItem[];
}

export class HomeSections {
  private readonly sections: HomeSection[] = [];

  add(section: HomeSection): void {
    this.sections.push(section);
    this.sections.sort((a, b) => a.order - b.order);
  }

  /**
   * Every section for this viewer, in order. All of them, not only the open area's: the
   * attention items come from every area, and which areas have something decides the row.
   */
  async render(context: HomeContext): Promise<RenderedSection[]> {
    return Promise.all(
      this.sections.map(async (s) => {
        const out = await s.render(context);
        const { blocks, attention = [] } = Array.isArray(out) ? { blocks: out } : out;
        return { name: s.name, area: s.area, blocks, attention };
      }),
    );
  }
}
