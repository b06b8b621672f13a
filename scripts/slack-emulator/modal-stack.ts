/**
 * What Slack does with the user's modals once the app acknowledges a view_submission, by the
 * ack's `response_action`: `update` replaces the submitted view, `push` adds one on top (a
 * stack holds at most 3 views), `clear` closes them all, `errors` keeps the view and shows a
 * message under each named input block, and no response_action closes the submitted view
 * (the one below, if any, shows again). A view the ack asks for is checked as views.open
 * would; an ack Slack would refuse leaves the modals as they were and says why.
 */
import { validateView } from './block-kit';
import { buildView, MAX_MODAL_STACK, saveView } from './methods/views';
import type { SubmissionOutcome, WorkspaceState } from './state';

/** Applies the app's ack of `submission` (a view_submission payload) to the user's modal stack; undefined when the view is not the one open on top. */
export function applySubmissionAck(state: WorkspaceState, submission: Record<string, unknown>, ack: Record<string, unknown>): SubmissionOutcome | undefined {
  const userId = isRecord(submission.user) && typeof submission.user.id === 'string' ? submission.user.id : undefined;
  const viewId = isRecord(submission.view) && typeof submission.view.id === 'string' ? submission.view.id : undefined;
  const stack = userId === undefined ? undefined : state.modalStacks.get(userId);
  // Only the view on top can be submitted; anything else is a forged or stale payload.
  if (userId === undefined || viewId === undefined || !stack || stack[stack.length - 1] !== viewId) return undefined;
  const outcome = decide(state, stack, viewId, ack);
  const recorded: SubmissionOutcome = { userId, viewId, ...outcome };
  state.submissions.push(recorded);
  if (stack.length === 0) state.modalStacks.delete(userId);
  return recorded;
}

function decide(state: WorkspaceState, stack: string[], viewId: string, ack: Record<string, unknown>): Omit<SubmissionOutcome, 'userId' | 'viewId'> {
  const action = ack.response_action;
  switch (action) {
    case undefined:
    case '':
      stack.pop();
      return { action: 'close' };
    case 'clear':
      stack.splice(0);
      return { action };
    case 'errors':
      return fieldErrors(state, viewId, ack.errors);
    case 'update': {
      const refused = viewProblem(ack.view);
      if (refused !== undefined) return { action, refused };
      const current = state.views.get(viewId);
      saveView(
        state,
        buildView(state, ack.view as Record<string, unknown>, {
          id: viewId,
          root: current?.root_view_id ?? viewId,
          previous: current?.previous_view_id ?? null,
        }),
      );
      return { action };
    }
    case 'push': {
      const refused = viewProblem(ack.view) ?? (stack.length >= MAX_MODAL_STACK ? 'push_limit_reached' : undefined);
      if (refused !== undefined) return { action, refused };
      const id = state.nextId('V');
      saveView(state, buildView(state, ack.view as Record<string, unknown>, { id, root: stack[0] ?? id, previous: viewId }));
      stack.push(id);
      return { action };
    }
    default:
      return { action: String(action), refused: `unknown response_action ${JSON.stringify(action)}` };
  }
}

/** `errors` must name input blocks of the submitted view, each with a message. */
function fieldErrors(state: WorkspaceState, viewId: string, errors: unknown): Omit<SubmissionOutcome, 'userId' | 'viewId'> {
  if (!isRecord(errors) || Object.keys(errors).length === 0 || !Object.values(errors).every((message) => typeof message === 'string' && message !== '')) {
    return { action: 'errors', refused: 'errors must map block_ids to messages' };
  }
  const inputs = new Set(
    (state.views.get(viewId)?.blocks ?? []).flatMap((block) =>
      isRecord(block) && block.type === 'input' && typeof block.block_id === 'string' ? [block.block_id] : [],
    ),
  );
  const unknown = Object.keys(errors).filter((blockId) => !inputs.has(blockId));
  const recorded = { action: 'errors', errors: errors as Record<string, string> };
  return unknown.length === 0 ? recorded : { ...recorded, refused: `errors name no input block of the view: ${unknown.join(', ')}` };
}

/** Why Slack would refuse the view an ack asks for; undefined when it is a valid modal. */
function viewProblem(view: unknown): string | undefined {
  if (!isRecord(view) || view.type !== 'modal') return 'the ack must carry a modal view';
  const problems = validateView(view);
  return problems.length === 0 ? undefined : `invalid view: ${problems.map((p) => `${p.message} [${p.pointer}]`).join('; ')}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
