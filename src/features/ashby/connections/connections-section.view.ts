/**
 * The "Ashby connections" section of the App Home, for admins: each connection with its
 * access list, the key's last four characters and whether it works, with Edit, Replace key
 * and Remove; an empty state; a page at a time. Pure.
 */
import type { ActionsBlock, Button, KnownBlock } from '@slack/types';
import { escapeMrkdwn, mrkdwn, mrkdwnText, plain } from '../../../slack/block-text';
import { ASHBY_CONNECTION_IDS as IDS } from './ids';
import type { AshbyConnection } from './connection.types';
import type { AttentionItem } from '../../home';

/** Connections per Home page: 2 blocks each keeps the section small beside the others. */
export const CONNECTIONS_PAGE_SIZE = 5;
/** Application names listed per connection before "and N more". */
const APPLICATIONS_SHOWN = 10;

export interface ConnectionsSectionModel {
  /** This page's connections. */
  connections: readonly AshbyConnection[];
  /** Application id → name, for the access lists (unknown ids are shown as ids). */
  applicationNames: ReadonlyMap<string, string>;
  /** 0-based page, and how many connections there are in all. */
  page: number;
  total: number;
  /** The outcome of the viewer's last action, shown once. */
  notice?: string;
}

/** Row buttons carry the row's index in their action id (unique within the Home) and the connection id as value. */
export function rowActionId(prefix: string, index: number): string {
  return `${prefix}:${index}`;
}

export function rowActionPattern(prefix: string): RegExp {
  return new RegExp(`^${prefix.replace(/\./g, '\\.')}:\\d+$`);
}

/** "A, B and 3 more", escaped for mrkdwn. */
export function accessListText(applicationIds: readonly string[], names: ReadonlyMap<string, string>): string {
  if (applicationIds.length === 0) return '_None yet: no import can use it. Edit it to choose applications._';
  const shown = applicationIds.slice(0, APPLICATIONS_SHOWN).map((id) => mrkdwnText(names.get(id) ?? id, 100));
  const more = applicationIds.length - shown.length;
  return `${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

function statusText(connection: AshbyConnection): string {
  if (connection.status === 'ok') return ':white_check_mark: Working';
  const since = connection.brokenAt ? ` since ${connection.brokenAt.toISOString().slice(0, 10)}` : '';
  return `:warning: *Broken*${since}: ${mrkdwnText(connection.brokenReason ?? 'Ashby refused the API key.', 500)} Replace the key to mend it.`;
}

function button(text: string, actionId: string, value: string, style?: 'primary' | 'danger'): Button {
  return { type: 'button', text: plain(text, 75), action_id: actionId, value, ...(style ? { style } : {}) };
}

/** Connections whose key Ashby refused (imports through them fail until the key is replaced). */
export function connectionsAttention(connections: readonly Pick<AshbyConnection, 'status'>[]): AttentionItem[] {
  const broken = connections.filter((c) => c.status === 'broken').length;
  if (broken === 0) return [];
  const which = broken === 1 ? 'An Ashby connection has a key' : `${broken.toLocaleString('en-US')} Ashby connections have keys`;
  return [{ area: 'ashby', text: `:key: *${which} Ashby refused.* Imports through ${broken === 1 ? 'it' : 'them'} fail until the key is replaced.` }];
}

export function renderConnectionsSection(model: ConnectionsSectionModel): KnownBlock[] {
  const blocks: KnownBlock[] = [
    { type: 'divider' },
    { type: 'header', text: plain('Ashby connections', 150) },
    { type: 'context', elements: [mrkdwn('Imports read hires from Ashby through a connection. Its access list says which Pigment applications may use it.')] },
  ];
  if (model.notice) blocks.push({ type: 'section', text: mrkdwn(model.notice) });
  if (model.total === 0) {
    blocks.push({ type: 'section', text: mrkdwn('No Ashby connection yet. Add one with an API key from Ashby (Admin → API Keys) to import hires.') });
  }
  model.connections.forEach((connection, index) => {
    const lines = [
      `*${mrkdwnText(connection.name, 100)}*  ${statusText(connection)}`,
      `Applications: ${accessListText(connection.applicationIds, model.applicationNames)}`,
      `API key: ends in \`${escapeMrkdwn(connection.keyLast4)}\``,
    ];
    blocks.push({ type: 'section', text: mrkdwn(lines.join('\n')) });
    blocks.push({
      type: 'actions',
      elements: [
        button('Edit', rowActionId(IDS.edit, index), connection.id),
        button('Replace key', rowActionId(IDS.replaceKey, index), connection.id, connection.status === 'broken' ? 'primary' : undefined),
        button('Remove', rowActionId(IDS.remove, index), connection.id, 'danger'),
      ],
    });
  });
  const footer: ActionsBlock = { type: 'actions', elements: [button('Add connection', IDS.add, 'add', model.total === 0 ? 'primary' : undefined)] };
  const pages = Math.max(1, Math.ceil(model.total / CONNECTIONS_PAGE_SIZE));
  if (model.page > 0) footer.elements.push(button('Previous', IDS.previous, String(model.page - 1)));
  if (model.page + 1 < pages) footer.elements.push(button('Next', IDS.next, String(model.page + 1)));
  blocks.push(footer);
  if (pages > 1) blocks.push({ type: 'context', elements: [mrkdwn(`Page ${model.page + 1} of ${pages} · ${model.total} connections`)] });
  return blocks;
}
