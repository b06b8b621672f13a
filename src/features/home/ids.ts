import type { HomeArea } from './home-areas';

/** Ids of the App Home feature (action_id / callback_id values), prefixed by feature. */
export const HOME_IDS = {
  openInPigment: 'home.open_in_pigment',
  /** The row's button for one area (its value repeats the area). */
  area: (area: HomeArea) => `home.area:${area}` as const,
  /** An attention item's "Open …" button, by its place in the list (its value is the area). */
  attention: (index: number) => `home.attention:${index}` as const,
} as const;

/** Matches every attention item's button (action ids are unique within a view, hence the index). */
export const HOME_ATTENTION_PATTERN = /^home\.attention:\d+$/;

/** Block ids of the frame. */
export const HOME_BLOCKS = {
  areas: 'home.areas',
  attention: (index: number) => `home.attention.${index}`,
  footer: 'home.footer',
} as const;
