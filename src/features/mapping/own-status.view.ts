/**
 * What every viewer sees about themself: connected as which member, or not connected and whom
 * to ask. Pure.
 */
import type { KnownBlock } from '@slack/types';
import type { Member } from '../members/member.types';
import { escapeMrkdwn } from '../home';

export interface OwnStatusModel {
  member?: Member;
  /** The viewer's mapping, when they are connected. */
  connection?: { active: boolean; source: 'auto' | 'manual' };
  /** Security Admins and Primary Owners to ask, as Slack user ids where connected, else names. */
  admins: Array<{ name: string; slackUserId?: string }>;
}

const MAX_ADMINS_SHOWN = 5;

export function renderOwnStatus(model: OwnStatusModel): KnownBlock[] {
  if (model.member && model.connection) {
    const who = `*${escapeMrkdwn(model.member.name)}* (${escapeMrkdwn(model.member.email)})`;
    const text = model.connection.active
      ? `:large_green_circle: You are connected to Pigment as ${who}. Your notifications arrive here.`
      : `:double_vertical_bar: You are connected to Pigment as ${who}, but your Slack account is deactivated: nothing is delivered.`;
    return [{ type: 'section', text: { type: 'mrkdwn', text } }];
  }
  const ask = whomToAsk(model.admins);
  const text = model.member
    ? `:white_circle: Your Slack account is not connected to Pigment yet. It is connected automatically within the hour when your Slack email matches your Pigment email (${escapeMrkdwn(model.member.email)}); otherwise ${ask}`
    : `:white_circle: Your Slack account is not connected to a Pigment member. If you use Pigment, ${ask}`;
  return [{ type: 'section', text: { type: 'mrkdwn', text } }];
}

function whomToAsk(admins: OwnStatusModel['admins']): string {
  if (admins.length === 0) return 'ask your Pigment administrator to connect you.';
  const shown = admins.slice(0, MAX_ADMINS_SHOWN).map((a) => (a.slackUserId ? `<@${a.slackUserId}>` : escapeMrkdwn(a.name)));
  const more = admins.length > MAX_ADMINS_SHOWN ? ` or another of ${admins.length} admins` : '';
  return `ask ${shown.join(', ')}${more} to connect you.`;
}
