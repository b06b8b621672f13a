/**
 * The App Home view: a header; what needs the viewer's attention; the row of areas (for
 * admins), the open area's sections with dividers between them; and "Open Pigment". Pure;
 * keeps to Slack's 100-block limit (sections past it are cut with a note).
 */
import type { Button, HomeView, KnownBlock } from '@slack/types';
import { cutEscaped, mrkdwn, mrkdwnText, plain } from '../../slack/block-text';
import { HOME_AREA_LABELS, type HomeArea } from './home-areas';
import type { AttentionItem } from './home-sections';
import { HOME_BLOCKS, HOME_IDS } from './ids';

export const HOME_BLOCK_LIMIT = 100;
/** Longest team name shown (after escaping): Slack bounds team names, but the view must not rely on it. */
const TEAM_NAME_MAX = 200;
/** Attention items shown at most: a short list stays read; past it the areas say the rest. */
export const ATTENTION_SHOWN = 5;
/** An attention line's longest text: one short sentence, well inside a section's 3,000. */
const ATTENTION_TEXT_MAX = 600;

export interface HomeModel {
  workspaceName: string;
  pigmentBaseUrl: string;
  /** Each section's blocks, in order; empty ones are skipped. */
  sections: KnownBlock[][];
  /** What needs the viewer's attention, shown first. */
  attention?: readonly AttentionItem[];
  /** The viewer's areas and the open one; absent on the short (member's) Home. */
  areas?: { available: readonly HomeArea[]; selected: HomeArea };
}

export function renderHome(model: HomeModel): HomeView {
  const head: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'Pigment for Slack', emoji: true } },
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `Connected to *${mrkdwnText(model.workspaceName, TEAM_NAME_MAX)}*` }],
    },
    ...renderAttention(model.attention ?? [], model.areas?.selected),
    ...(model.areas && model.areas.available.length > 1 ? [renderAreaRow(model.areas.available, model.areas.selected)] : []),
  ];
  const tail: KnownBlock[] = [
    { type: 'divider' },
    {
      type: 'actions',
      block_id: HOME_BLOCKS.footer,
      elements: [
        {
          type: 'button',
          action_id: HOME_IDS.openInPigment,
          text: { type: 'plain_text', text: 'Open Pigment', emoji: true },
          url: model.pigmentBaseUrl,
        },
      ],
    },
  ];
  const body: KnownBlock[] = [];
  const room = HOME_BLOCK_LIMIT - head.length - tail.length - 1;
  for (const section of model.sections.filter((s) => s.length > 0)) {
    // A section that opens with its own divider gets no second one.
    const separator: KnownBlock[] = section[0]?.type === 'divider' ? [] : [{ type: 'divider' }];
    const needed = section.length + separator.length;
    if (body.length + needed > room) {
      body.push({ type: 'context', elements: [{ type: 'mrkdwn', text: 'Some panels are hidden: the Home tab is full.' }] });
      break;
    }
    body.push(...separator, ...section);
  }
  return { type: 'home', blocks: [...head, ...body, ...tail] };
}

/**
 * One line per item, with a button to the area that deals with it, unless that area is
 * open already (its sections are just below). Past ATTENTION_SHOWN, one line says how many more.
 */
function renderAttention(items: readonly AttentionItem[], selected: HomeArea | undefined): KnownBlock[] {
  const blocks: KnownBlock[] = items.slice(0, ATTENTION_SHOWN).map((item, index) => {
    const button: Button = {
      type: 'button',
      action_id: HOME_IDS.attention(index),
      text: plain(`Open ${HOME_AREA_LABELS[item.area]}`, 75),
      value: item.area,
    };
    return {
      type: 'section',
      block_id: HOME_BLOCKS.attention(index),
      text: mrkdwn(cutEscaped(item.text, ATTENTION_TEXT_MAX)),
      ...(selected !== undefined && selected !== item.area ? { accessory: button } : {}),
    };
  });
  const more = items.length - ATTENTION_SHOWN;
  if (more > 0) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `…and ${more} more: each area shows its own.` }] });
  return blocks;
}

/** The area buttons, the open one highlighted. */
function renderAreaRow(available: readonly HomeArea[], selected: HomeArea): KnownBlock {
  return {
    type: 'actions',
    block_id: HOME_BLOCKS.areas,
    elements: available.map((area) => ({
      type: 'button',
      action_id: HOME_IDS.area(area),
      text: plain(HOME_AREA_LABELS[area], 75),
      value: area,
      ...(area === selected ? { style: 'primary' as const } : {}),
    })),
  };
}

export { escapeMrkdwn } from '../../slack/block-text';
