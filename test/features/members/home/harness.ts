/**
 * Driving the member screens through the Slack emulator the way Slack does: button presses
 * and modal submissions as interaction payloads, members saved straight into the directory.
 */
import type { SlackEmulator } from '../../../../scripts/slack-emulator';
import type { SlackView } from '../../../../scripts/slack-emulator/state';
import type { SocketModeAck } from '../../../../scripts/slack-emulator/types';
import type { MemberImportPreviewRepository } from '../../../../src/features/members/home/member-import-preview.repository';
import { emailKey, type AccountType, type MemberStatus } from '../../../../src/features/members/member.types';
import { eventually, type TestConnector } from '../../../support/connector';
import { storeRepos } from '../../../support/store-repos';
import type { StoreRepos } from '../../../support/store-repos';

/** Anything with an emulator to drive: the whole test connector, or a Bolt app of a test's own. */
export type Driver = { emulator: SlackEmulator };

export const TEAM = { id: 'T0ACME0001', name: 'Acme Corp', domain: 'acme' };
export const ADMIN = 'U0ADMIN001';
export const STANDARD = 'U0STAND001';
export const OWNER = 'U0OWNER001';

export const SEED = {
  team: TEAM,
  users: [
    { id: ADMIN, name: 'wanda', real_name: 'Wanda Admin', profile: { email: 'wanda@acme.test' } },
    { id: STANDARD, name: 'sam', real_name: 'Sam Standard', profile: { email: 'sam@acme.test' } },
    { id: OWNER, name: 'olga', real_name: 'Olga Owner', profile: { email: 'olga@acme.test' } },
    { id: 'U0ADA00001', name: 'ada', real_name: 'Ada Lovelace', profile: { email: 'ada@acme.test' } },
  ],
};

/** Wanda (workspace admin), Sam (standard member), Olga (primary owner), Ada and Bruno. */
export async function seedMembers(deps: { repos: StoreRepos }): Promise<void> {
  await addMember(deps, { id: 'm-wanda', name: 'Wanda Admin', email: 'wanda@acme.test', accountType: 'workspace_admin' });
  await addMember(deps, { id: 'm-sam', name: 'Sam Standard', email: 'sam@acme.test' });
  await addMember(deps, { id: 'm-olga', name: 'Olga Owner', email: 'olga@acme.test', accountType: 'primary_owner' });
  await addMember(deps, { id: 'm-ada', name: 'Ada Lovelace', email: 'ada@acme.test' });
  await addMember(deps, { id: 'm-bruno', name: 'Bruno', email: 'bruno@acme.test' });
}

export async function addMember(
  deps: { repos: StoreRepos },
  member: { id: string; name: string; email: string; accountType?: AccountType; status?: MemberStatus; groups?: string[] },
): Promise<void> {
  const result = await deps.repos.members.save(
    {
      id: member.id,
      name: member.name,
      email: member.email,
      emailKey: emailKey(member.email),
      accountType: member.accountType ?? 'standard_member',
      status: member.status ?? 'activated',
      groups: member.groups ?? [],
      source: 'api',
    },
    new Date(),
  );
  if (!result.ok) throw new Error(`could not save ${member.id}`);
}

/** The import previews' repository of the running connector. */
export function wirePreviews(t: TestConnector): MemberImportPreviewRepository {
  return storeRepos(t.connector.store.db).memberImportPreviews;
}

/** A button (or other element) pressed by `userId`, in a modal when `view` is given. */
export function press(
  t: Driver,
  userId: string,
  actionId: string,
  options: { value?: string; view?: SlackView; blockId?: string; type?: string } = {},
): Promise<SocketModeAck> {
  const { view } = options;
  const action: Record<string, unknown> = {
    type: options.type ?? 'button',
    action_id: actionId,
    block_id: options.blockId ?? 'b',
    action_ts: `${Date.now() / 1000}`,
  };
  if (options.value !== undefined) action.value = options.value;
  return t.emulator.socket.sendInteractive(
    t.emulator.interactionPayload(userId, {
      type: 'block_actions',
      container: view ? { type: 'view', view_id: view.id } : { type: 'view', view_id: 'VHOME' },
      ...(view ? { view } : {}),
      actions: [action],
    }),
  );
}

/** The submission of `view` by `userId` with these input values. */
export function submit(t: Driver, userId: string, view: SlackView | Record<string, unknown>, values: Record<string, unknown> = {}): Promise<SocketModeAck> {
  return t.emulator.socket.sendInteractive(t.emulator.interactionPayload(userId, { type: 'view_submission', view: { ...view, state: { values } } }));
}

/** The user's modal stack once its top view has `callbackId` (and passes `check`). */
export async function modalWith(
  t: Driver,
  userId: string,
  callbackId: string,
  check: (view: SlackView) => boolean = () => true,
  what = callbackId,
): Promise<SlackView> {
  return eventually(
    () => {
      const stack = t.emulator.modalStackOf(userId);
      const top = stack[stack.length - 1];
      return top && top.callback_id === callbackId && check(top) ? top : undefined;
    },
    10_000,
    `a modal ${what}`,
  );
}

export function textOf(value: unknown): string {
  return JSON.stringify(value) ?? '';
}

/** Waits a moment for listeners that should do nothing (or nothing more). */
export function settle(ms = 400): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The view as Slack shows it after a `response_action: update` ack (the emulator records acks, it does not apply them). */
export function afterAck(view: SlackView, ack: SocketModeAck): SlackView {
  const payload = ack.payload as { response_action?: string; view?: Record<string, unknown> } | undefined;
  if (payload?.response_action !== 'update' || !payload.view) throw new Error(`expected an update ack, got ${JSON.stringify(payload)}`);
  return { ...view, private_metadata: '', ...payload.view, id: view.id } as SlackView;
}

/** Slack state values for a text input. */
export function textInput(blockId: string, actionId: string, value: string | null): Record<string, unknown> {
  return { [blockId]: { [actionId]: { type: 'plain_text_input', value } } };
}

/** Slack state values for a static select. */
export function selected(blockId: string, actionId: string, value: string | null): Record<string, unknown> {
  return {
    [blockId]: { [actionId]: { type: 'static_select', selected_option: value === null ? null : { text: { type: 'plain_text', text: value }, value } } },
  };
}
