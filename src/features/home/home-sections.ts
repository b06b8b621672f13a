/**
 * The App Home is composed: each feature adds a section that loads its model for the viewer
 * and renders it with a pure view. The home feature joins them in order and publishes.
 */
import type { KnownBlock } from '@slack/types';
import type { Actor } from '../members/actor.service';
import type { WorkspaceState } from '../workspace/workspace.types';

export interface HomeContext {
  actor: Actor;
  workspace: WorkspaceState | undefined;
}

export interface HomeSection {
  /** Lower comes first. */
  order: number;
  /** For logs and tests. */
  name: string;
  /** Blocks for this viewer; [] to show nothing. */
  render(context: HomeContext): Promise<KnownBlock[]>;
}

export class HomeSections {
  private readonly sections: HomeSection[] = [];

  add(section: HomeSection): void {
    this.sections.push(section);
    this.sections.sort((a, b) => a.order - b.order);
  }

  async render(context: HomeContext): Promise<KnownBlock[][]> {
    return Promise.all(this.sections.map((s) => s.render(context)));
  }
}
