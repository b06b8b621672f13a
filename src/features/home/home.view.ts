/**
 * The App Home, as a pure function of what the connector knows. Later features add their
 * sections; until then it says what the connector does and where things stand.
 */
import type { types } from '@slack/bolt';

type HomeView = types.HomeView;
import { HOME_IDS } from './ids';

export interface HomeModel {
  workspaceName: string;
  pigmentBaseUrl: string;
}

export function renderHome(model: HomeModel): HomeView {
  return {
    type: 'home',
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: 'Pigment for Slack', emoji: true } },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text:
            `Pigment is connected to *${escapeMrkdwn(model.workspaceName)}*. ` +
            'Your Pigment notifications (comments, mentions, automations, imports and long-running tasks) arrive here as direct messages.',
        },
      },
      { type: 'divider' },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: HOME_IDS.openInPigment,
            text: { type: 'plain_text', text: 'Open Pigment', emoji: true },
            url: model.pigmentBaseUrl,
          },
        ],
      },
    ],
  };
}

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
