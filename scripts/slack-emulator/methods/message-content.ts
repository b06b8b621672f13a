/**
 * The content shared by chat.postMessage and chat.update: text, blocks, attachments and
 * metadata, parsed and checked against Slack's limits.
 */
import { formatProblems, MAX_MESSAGE_BLOCKS_TEXT, messageBlocksTextLength, validateBlocks } from '../block-kit';
import type { MessageMetadata } from '../state';
import { fail, isRecord, optionalJson, optionalString, type RawArgs } from './context';

/** Slack refuses message text above 40,000 characters. */
export const MAX_TEXT_LENGTH = 40_000;
const MAX_EVENT_TYPE_LENGTH = 255;

export interface MessageContent {
  text?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  metadata?: MessageMetadata;
}

/** Checks blocks for a message surface; `invalid_blocks` with Slack-style messages. */
export function checkMessageBlocks(blocks: unknown[]): void {
  const problems = validateBlocks(blocks, 'message');
  if (problems.length > 0) fail('invalid_blocks', [formatProblems(problems)].flat());
}

function parseMetadata(args: RawArgs): MessageMetadata | undefined {
  const metadata = optionalJson(args, 'metadata', 'invalid_metadata_format');
  if (metadata === undefined) return undefined;
  if (!isRecord(metadata)) fail('invalid_metadata_format', ['[ERROR] metadata must be an object']);
  const { event_type: eventType, event_payload: eventPayload } = metadata;
  if (typeof eventType !== 'string' || eventType === '' || eventType.length > MAX_EVENT_TYPE_LENGTH) {
    fail('invalid_metadata_format', ['[ERROR] metadata.event_type must be a non-empty string [json-pointer:/metadata/event_type]']);
  }
  if (!isRecord(eventPayload)) {
    fail('invalid_metadata_format', ['[ERROR] metadata.event_payload must be an object [json-pointer:/metadata/event_payload]']);
  }
  return { event_type: eventType, event_payload: eventPayload };
}

function parseArray(args: RawArgs, name: 'blocks' | 'attachments'): unknown[] | undefined {
  const errorCode = `invalid_${name}_format`;
  const value = optionalJson(args, name, errorCode);
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) fail(errorCode, [`[ERROR] ${name} must be an array`]);
  return value.length === 0 ? undefined : value;
}

/** Reads and checks a message's content; `no_text` when there is nothing to show. */
export function parseMessageContent(args: RawArgs): MessageContent {
  const text = optionalString(args, 'text');
  const blocks = parseArray(args, 'blocks');
  const attachments = parseArray(args, 'attachments');
  if (text === undefined && blocks === undefined && attachments === undefined) fail('no_text');
  if (text !== undefined && text.length > MAX_TEXT_LENGTH) fail('msg_too_long');
  if (blocks) checkMessageBlocks(blocks);
  // Valid blocks can still be too much altogether; Slack says nothing more than the code.
  if (blocks && messageBlocksTextLength(blocks) > MAX_MESSAGE_BLOCKS_TEXT) fail('msg_blocks_too_long');
  return { text, blocks, attachments, metadata: parseMetadata(args) };
}
