/**
 * The member details modals: the searchable, paged directory; one member's details; editing
 * name and account type; deactivating (with a successor when the member owns something) and
 * reactivating. Authorised on the server for every action; results update the modal and
 * republish the admin's Home.
 */
import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { publishHome } from '../../home';
import type { Actor } from '../actor.service';
import type { Member } from '../member.types';
import {
  assignableAccountTypes,
  canManageMember,
  type DeactivateResult,
  type OwnedCount,
  type ReactivateResult,
  type UpdateProfileResult,
} from '../members.service';
import { plural, userText } from './block-text';
import { MEMBERS_HOME_IDS, SHOW_MEMBER_ACTION } from './ids';
import { gated, renderRefusal } from '../require-permission';
import { managerAction, modalOf, withFailureView, type MembersHomeContext } from './listener-support';
import {
  decodeDirectoryMetadata,
  decodeMemberMetadata,
  decodeSuccessorMetadata,
  DIRECTORY_PAGE_SIZE,
  matchSuccessor,
  readEditValues,
  readSearchText,
  readSuccessor,
  renderDetailsView,
  renderDirectoryView,
  renderEditView,
  renderSuccessorView,
  SUCCESSOR_LIMIT,
  type DirectoryMetadata,
} from './member-details.view';
import { renderInfoView, type Notice } from './member-import.view';

export function registerDetailsListeners(app: App, ctx: MembersHomeContext): void {
  const { deps } = ctx;
  const members = ctx.services.directory;
  const manage = deps.requirePermission('members.manage');

  async function directoryView(text: string, start?: DirectoryMetadata['start'], notice?: Notice) {
    const page = await members.searchPage({ text, ...(start ? { after: start } : {}), limit: DIRECTORY_PAGE_SIZE + 1 });
    return renderDirectoryView({
      text,
      ...(start ? { start } : {}),
      members: page.slice(0, DIRECTORY_PAGE_SIZE),
      hasMore: page.length > DIRECTORY_PAGE_SIZE,
      ...(notice ? { notice } : {}),
    });
  }

  /** The details view of `memberId`, or an info view when the member no longer exists. */
  async function detailsView(actor: Actor, memberId: string, notice?: Notice) {
    const member = await members.findById(memberId);
    if (!member) return renderInfoView({ title: 'Member', text: 'This member no longer exists.' });
    const mapping = await ctx.mapping.lookup(memberId);
    return renderDetailsView({
      member,
      ...(mapping ? { mapping } : {}),
      canManage: canManageMember(actor.member, member.accountType),
      isSelf: actor.member?.id === member.id,
      ...(notice ? { notice } : {}),
    });
  }

  async function successorCandidates(member: Member, text: string): Promise<Member[]> {
    const page = await members.searchPage({ text, statuses: ['activated'], limit: SUCCESSOR_LIMIT + 2 });
    return page.filter((candidate) => candidate.id !== member.id).slice(0, SUCCESSOR_LIMIT + 1);
  }

  /** After a status change: the admin's Home shows the new counts. */
  async function afterChange(client: WebClient, userId: string): Promise<void> {
    await publishHome(client, deps.home, userId);
  }

  // ---------------------------------------------------------------------------------------------
  // Directory

  app.action(MEMBERS_HOME_IDS.detailsOpen, manage, async ({ context, client }) => {
    const { action } = managerAction(context);
    await client.views.open({ trigger_id: action.triggerId, view: await directoryView('') });
  });

  // Enter in the search field.
  app.action(MEMBERS_HOME_IDS.search, manage, async ({ context, client }) => {
    const { action } = managerAction(context);
    const view = modalOf(action);
    await client.views.update({ view_id: view.id, view: await directoryView(action.value.trim()) });
  });

  // The "Search" submit button: same as Enter, answered in the ack.
  app.view(MEMBERS_HOME_IDS.directoryView, manage, async ({ ack, view }) => {
    const text = readSearchText(view.state.values, MEMBERS_HOME_IDS.searchBlock, MEMBERS_HOME_IDS.search);
    await ack({ response_action: 'update', view: await directoryView(text) });
  });

  for (const [actionId, which] of [
    [MEMBERS_HOME_IDS.directoryNext, 'next'],
    [MEMBERS_HOME_IDS.directoryFirst, 'first'],
  ] as const) {
    app.action(actionId, manage, async ({ context, client }) => {
      const { action } = managerAction(context);
      const view = modalOf(action);
      const metadata = decodeDirectoryMetadata(view.privateMetadata) ?? { text: '' };
      await client.views.update({ view_id: view.id, view: await directoryView(metadata.text, which === 'next' ? metadata.next : undefined) });
    });
  }

  app.action(SHOW_MEMBER_ACTION, manage, async ({ context, client }) => {
    const { actor, action } = managerAction(context);
    modalOf(action); // The details are pushed over the directory: a press from anywhere else is forged.
    await client.views.push({ trigger_id: action.triggerId, view: await detailsView(actor, action.value) });
  });

  // ---------------------------------------------------------------------------------------------
  // Edit

  app.action(MEMBERS_HOME_IDS.edit, manage, async ({ context, client }) => {
    const { actor, action } = managerAction(context);
    const view = modalOf(action);
    const memberId = decodeMemberMetadata(view.privateMetadata)?.memberId;
    const member = memberId ? await members.findById(memberId) : undefined;
    if (!member) {
      await client.views.update({ view_id: view.id, view: renderInfoView({ title: 'Member', text: 'This member no longer exists.' }) });
      return;
    }
    await client.views.update({ view_id: view.id, view: renderEditView({ member, accountTypes: assignableAccountTypes(actor.member) }) });
  });

  app.action(MEMBERS_HOME_IDS.editCancel, manage, async ({ context, client }) => {
    const { actor, action } = managerAction(context);
    const view = modalOf(action);
    const memberId = decodeMemberMetadata(view.privateMetadata)?.memberId;
    if (!memberId) throw new Error('the edit form lost its member id');
    await client.views.update({ view_id: view.id, view: await detailsView(actor, memberId) });
  });

  app.view(MEMBERS_HOME_IDS.editView, manage, async ({ ack, context, view }) => {
    const { actor } = gated(context);
    const memberId = decodeMemberMetadata(view.private_metadata)?.memberId;
    const values = readEditValues(view.state.values);
    if (!memberId || !values) {
      await ack({
        response_action: 'errors',
        errors: { [MEMBERS_HOME_IDS.nameBlock]: 'This form cannot be read any more: close it and open the member again.' },
      });
      return;
    }
    const result = await ctx.services.service.updateProfile(actor, memberId, values);
    const errors = editErrors(result);
    if (errors) {
      await ack({ response_action: 'errors', errors });
      return;
    }
    if (!result.ok) {
      await ack({
        response_action: 'update',
        view: result.reason === 'not_allowed' ? renderRefusal('members.manage') : renderInfoView({ title: 'Member', text: 'This member no longer exists.' }),
      });
      return;
    }
    await ack({
      response_action: 'update',
      view: await detailsView(actor, memberId, { kind: 'info', text: result.changed ? 'Saved.' : 'Nothing to change.' }),
    });
  });

  // ---------------------------------------------------------------------------------------------
  // Deactivate, reactivate

  app.action(MEMBERS_HOME_IDS.deactivate, manage, async ({ context, client }) => {
    const { actor, action } = managerAction(context);
    const view = modalOf(action);
    const memberId = decodeMemberMetadata(view.privateMetadata)?.memberId;
    if (!memberId) throw new Error('the details view lost its member id');
    const result = await ctx.services.service.deactivate(actor, memberId, {});
    if (!result.ok && result.reason === 'successor_required') {
      const member = await members.findById(memberId);
      if (member) {
        await client.views.update({
          view_id: view.id,
          view: renderSuccessorView({ member, owned: result.owned, text: '', candidates: await successorCandidates(member, '') }),
        });
        return;
      }
    }
    await client.views.update({ view_id: view.id, view: await detailsView(actor, memberId, deactivateNotice(result)) });
    if (result.ok) await afterChange(client, action.userId);
  });

  app.action(MEMBERS_HOME_IDS.successorSearch, manage, async ({ context, client }) => {
    const { action } = managerAction(context);
    const view = modalOf(action);
    const memberId = decodeSuccessorMetadata(view.privateMetadata)?.memberId;
    const member = memberId ? await members.findById(memberId) : undefined;
    if (!member) {
      await client.views.update({ view_id: view.id, view: renderInfoView({ title: 'Member', text: 'This member no longer exists.' }) });
      return;
    }
    const text = action.value.trim();
    const owned = await ctx.services.ownership.ownedBy(member.id);
    await client.views.update({ view_id: view.id, view: renderSuccessorView({ member, owned, text, candidates: await successorCandidates(member, text) }) });
  });

  app.view(MEMBERS_HOME_IDS.successorView, manage, async ({ ack, context, view, client }) => {
    const { actor } = gated(context);
    const metadata = decodeSuccessorMetadata(view.private_metadata);
    if (!metadata) {
      await ack({
        response_action: 'errors',
        errors: { [MEMBERS_HOME_IDS.successorSearchBlock]: 'This form cannot be read any more: close it and open the member again.' },
      });
      return;
    }
    const hasSelect = view.blocks.some((block) => block.block_id === MEMBERS_HOME_IDS.successorBlock);
    const choice = readSuccessor(view.state.values);
    if (!choice) {
      await ack({
        response_action: 'errors',
        errors: { [hasSelect ? MEMBERS_HOME_IDS.successorBlock : MEMBERS_HOME_IDS.successorSearchBlock]: 'Choose the member who takes over.' },
      });
      return;
    }
    // Handing over runs every owner's transfer: it may take longer than Slack waits for the ack.
    await ack({ response_action: 'update', view: renderInfoView({ title: 'Member', text: ':hourglass_flowing_sand: Handing over and deactivating…' }) });
    const userId = actor.slackUserId;
    await withFailureView(client, view.id, 'Member', async () => {
      const member = await members.findById(metadata.memberId);
      if (!member) {
        await client.views.update({ view_id: view.id, view: renderInfoView({ title: 'Member', text: 'This member no longer exists.' }) });
        return;
      }
      const successorId = matchSuccessor(choice, await successorCandidates(member, metadata.text));
      const result = successorId
        ? await ctx.services.service.deactivate(actor, member.id, { successorId })
        : ({ ok: false, reason: 'invalid_successor', owned: await ctx.services.ownership.ownedBy(member.id) } as const);
      if (!result.ok && (result.reason === 'invalid_successor' || result.reason === 'successor_required')) {
        await client.views.update({
          view_id: view.id,
          view: renderSuccessorView({
            member,
            owned: result.owned,
            text: metadata.text,
            candidates: await successorCandidates(member, metadata.text),
            notice: { kind: 'error', text: 'Choose an activated member other than the one you deactivate. Nothing was changed.' },
          }),
        });
        return;
      }
      const successor = result.ok && successorId ? await members.findById(successorId) : undefined;
      await client.views.update({ view_id: view.id, view: await detailsView(actor, member.id, deactivateNotice(result, successor)) });
      if (result.ok) await afterChange(client, userId);
    });
  });

  app.action(MEMBERS_HOME_IDS.reactivate, manage, async ({ context, client }) => {
    const { actor, action } = managerAction(context);
    const view = modalOf(action);
    const memberId = decodeMemberMetadata(view.privateMetadata)?.memberId;
    if (!memberId) throw new Error('the details view lost its member id');
    const result = await ctx.services.service.reactivate(actor, memberId);
    await client.views.update({ view_id: view.id, view: await detailsView(actor, memberId, reactivateNotice(result)) });
    if (result.ok) await afterChange(client, action.userId);
  });
}

/** Inline errors for the edit form; undefined when the result is not a field problem. */
function editErrors(result: UpdateProfileResult): Record<string, string> | undefined {
  if (result.ok) return undefined;
  switch (result.reason) {
    case 'invalid_name':
      return { [MEMBERS_HOME_IDS.nameBlock]: 'Enter a name of 1 to 200 characters.' };
    case 'above_own_rank':
      return { [MEMBERS_HOME_IDS.accountTypeBlock]: 'Only an admin of at least this account type can give it, or change this member.' };
    case 'own_account_type':
      return { [MEMBERS_HOME_IDS.accountTypeBlock]: 'You cannot change your own account type: ask another admin.' };
    default:
      return undefined;
  }
}

const NOT_ALLOWED = 'You cannot manage members any more: nothing was changed.';

function deactivateNotice(result: DeactivateResult, successor?: Member): Notice {
  if (result.ok) {
    const handedOver =
      result.transferred.length > 0
        ? ` ${describeOwned(result.transferred)} went to ${successor ? `*${userText(successor.name, 120)}*` : 'the new owner'}.`
        : '';
    return { kind: 'info', text: `Deactivated. The member stays in the directory with their history.${handedOver}` };
  }
  switch (result.reason) {
    case 'self':
      return { kind: 'error', text: 'You cannot deactivate yourself.' };
    case 'already_deactivated':
      return { kind: 'info', text: 'This member is already deactivated.' };
    case 'above_own_rank':
      return { kind: 'error', text: 'Only an admin of at least the same account type can deactivate this member.' };
    case 'not_allowed':
      return { kind: 'error', text: NOT_ALLOWED };
    case 'not_found':
      return { kind: 'error', text: 'This member no longer exists.' };
    case 'successor_required':
    case 'invalid_successor':
      return { kind: 'error', text: `This member owns ${describeOwned(result.owned)}: choose someone to take over.` };
  }
}

function reactivateNotice(result: ReactivateResult): Notice {
  if (result.ok) return { kind: 'info', text: 'Reactivated.' };
  switch (result.reason) {
    case 'not_deactivated':
      return { kind: 'info', text: 'This member is not deactivated.' };
    case 'above_own_rank':
      return { kind: 'error', text: 'Only an admin of at least the same account type can reactivate this member.' };
    case 'not_allowed':
      return { kind: 'error', text: NOT_ALLOWED };
    case 'not_found':
      return { kind: 'error', text: 'This member no longer exists.' };
  }
}

function describeOwned(owned: readonly OwnedCount[]): string {
  return owned.map((item) => plural(item.count, item.kind.replace(/_/g, ' '))).join(', ');
}
