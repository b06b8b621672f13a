/**
 * The App Home view: a header, each feature's sections with dividers between them, and
 * "Open Pigment". Pure; keeps to Slack's 100-block limit (sections past it are cut with a note).
 */
import type { HomeView, KnownBlock } from '@slack/types';
import { mrkdwnText } from '../../slack/block-text';
import { HOME_IDS } from './ids';

export const HOME_BLOCK_LIMIT = 100;
/** Longest team name shown (after escaping): Slack bounds team names, but the view must not rely on it. */
const TEAM_NAME_MAX = 200;

export interface HomeModel {
  workspaceName: string;
  pigmentBaseUrl: string;
  /** Each feature's blocks, in order; empty ones are skipped. */
  sections: KnownBlock[][];
}

export function renderHome(model: HomeModel): HomeView {
  const head: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'Pigment for Slack', emoji: true } },
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `Connected to *${mrkdwnText(model.workspaceName, TEAM_NAME_MAX)}*` }],
    },
  ];
  const tail: KnownBlock[] = [
    { type: 'divider' },
    {
      type: 'actions',
      block_id: 'home.footer',
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
    const needed = section.length + 1;
    if (body.length + needed > room) {
      body.push({ type: 'context', elements: [{ type: 'mrkdwn', text: 'Some panels are hidden: the Home tab is full.' }] });
      break;
    }
    body.push({ type: 'divider' }, ...section);
  }
  return { type: 'home', blocks: [...head, ...body, ...tail] };
}

export { escapeMrkdwn } from '../../slack/block-text';
