/**
 * The "Set up" and "Edit" modal, pushed over the review list: asks for the member's email on
 * Slack. The same modal serves both (Edit shows the current connection and starts from its
 * email). Pure; also turns the service's refusals into the inline error messages.
 */
import type { KnownBlock, ModalView } from '@slack/types';
import { z } from 'zod';
import type { MappingSource } from '../mapping.types';
import { MANUAL_MAPPING_BLOCKS, MANUAL_MAPPING_IDS } from './ids';
import type { ConnectFailure, ConnectMode } from './manual-mapping.service';
import { ReviewStateSchema, type ReviewState } from './review-members.view';
import { refusalText } from '../../members/permissions';
import { EMAIL_MAX, mrkdwnText, NAME_MAX, plainText } from './view-text';

const METADATA_MAX = 3_000;
/** Slack's email inputs take addresses up to this length. */
const EMAIL_INPUT_MAX = 254;

const ConnectMetadataSchema = z.object({
  memberId: z.string().min(1),
  mode: z.enum(['set_up', 'edit']),
  /** The review modal underneath, refreshed after a change; its state when it is known. */
  list: z.object({ viewId: z.string().min(1), state: ReviewStateSchema.optional() }).optional(),
});

export type ConnectMetadata = z.infer<typeof ConnectMetadataSchema>;

/** As JSON under Slack's 3,000 characters: the list's paging state is dropped first if needed. */
export function encodeConnectMetadata(metadata: ConnectMetadata): string {
  const json = JSON.stringify(metadata);
  if (json.length <= METADATA_MAX || !metadata.list) return json;
  return JSON.stringify({ ...metadata, list: { viewId: metadata.list.viewId } });
}

/** The metadata, or undefined when it is missing or not ours (a forged or stale payload). */
export function decodeConnectMetadata(raw: string | undefined): ConnectMetadata | undefined {
  if (!raw) return undefined;
  try {
    const parsed = ConnectMetadataSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const EmailValues = z.object({
  [MANUAL_MAPPING_BLOCKS.email]: z.object({ [MANUAL_MAPPING_IDS.emailInput]: z.object({ value: z.string().nullish() }) }),
});

/** The email typed in the modal, from a view_submission's `view.state.values` ('' if none). */
export function emailFrom(values: unknown): string {
  const parsed = EmailValues.safeParse(values);
  return parsed.success ? (parsed.data[MANUAL_MAPPING_BLOCKS.email][MANUAL_MAPPING_IDS.emailInput].value ?? '').trim() : '';
}

export interface ConnectMemberModel {
  mode: ConnectMode;
  member: { id: string; name: string; email: string };
  current?: { slackUserId: string; slackEmail: string; source: MappingSource; active: boolean };
  list?: { viewId: string; state: ReviewState };
}

export function renderConnectMember(model: ConnectMemberModel): ModalView {
  const { member, current } = model;
  const who = `*${mrkdwnText(member.name, NAME_MAX)}* (${mrkdwnText(member.email, EMAIL_MAX)})`;
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: current
          ? `Connect ${who} to another Slack account. Pigment looks the email up in Slack.`
          : `Connect ${who} to their Slack account. Pigment looks the email up in Slack.`,
      },
    },
  ];
  if (current) {
    const how = current.source === 'manual' ? 'set up by hand' : 'matched by email';
    const inactive = current.active ? '' : ' · deactivated in Slack';
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `Now connected to <@${current.slackUserId}> (${mrkdwnText(current.slackEmail, EMAIL_MAX)}) · ${how}${inactive}` }],
    });
  }
  const initial = current?.slackEmail ?? member.email;
  blocks.push({
    type: 'input',
    block_id: MANUAL_MAPPING_BLOCKS.email,
    label: { type: 'plain_text', text: 'Their email address on Slack' },
    hint: { type: 'plain_text', text: 'The address of their Slack profile, if it differs from the one in Pigment.' },
    element: {
      type: 'email_text_input',
      action_id: MANUAL_MAPPING_IDS.emailInput,
      placeholder: { type: 'plain_text', text: 'name@example.com' },
      ...(looksLikeEmail(initial) ? { initial_value: initial } : {}),
    },
  });
  const metadata: ConnectMetadata = { memberId: member.id, mode: current ? 'edit' : model.mode, ...(model.list ? { list: model.list } : {}) };
  return {
    type: 'modal',
    callback_id: MANUAL_MAPPING_IDS.connectView,
    title: { type: 'plain_text', text: current ? 'Edit connection' : 'Set up connection' },
    submit: { type: 'plain_text', text: current ? 'Save' : 'Connect' },
    close: { type: 'plain_text', text: 'Back' },
    private_metadata: encodeConnectMetadata(metadata),
    blocks,
  };
}

/** What the email field says when a submission is refused. */
export function connectErrorText(failure: ConnectFailure): string {
  switch (failure.reason) {
    case 'not_allowed':
      return refusalText('mapping.manage');
    case 'member_unavailable':
      return 'This member no longer exists or was deactivated: close this window and refresh the list.';
    case 'invalid_email':
      return 'Enter an email address, like name@example.com.';
    case 'slack_timeout':
      return 'Slack did not answer in time, try again.';
    case 'email_not_found':
      return 'No one in this Slack workspace has this email address.';
    case 'slack_user_deleted':
      return 'This Slack account is deactivated.';
    case 'slack_user_bot':
      return 'This email belongs to a bot or an app, not a person.';
    case 'slack_user_stranger':
      return 'This person is from another organisation (Slack Connect): only members of this workspace can be connected.';
    case 'slack_user_taken': {
      const email = failure.takenBy.email ? ` (${plainText(failure.takenBy.email, EMAIL_MAX)})` : '';
      return `This Slack user is already connected to ${plainText(failure.takenBy.name, 80)}${email}. Remove that connection first.`;
    }
    case 'slack_error':
      return `Slack could not look up this email (${plainText(failure.code, 60)}), try again.`;
  }
}

function looksLikeEmail(text: string): boolean {
  return text.length <= EMAIL_INPUT_MAX && /^[^\s@]+@[^\s@]+$/.test(text);
}
