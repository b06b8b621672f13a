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

/** What Slack allows in `metadata.event_type`: letters, digits, underscores and dashes. */
const EVENT_TYPE_PATTERN = /^[A-Za-z0-9_-]+$/;
/** The warning Slack gives when it drops metadata whose event_type breaks that rule. */
export const INVALID_METADATA_SCHEMA = 'invalid_metadata_schema';

export interface MessageContent {
  text?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  metadata?: MessageMetadata;
  /** Warnings for `response_metadata.warnings` (the message is posted all the same). */
  warnings: string[];
}

/** Checks blocks for a message surface; `invalid_blocks` with Slack-style messages. */
export function checkMessageBlocks(blocks: unknown[]): void {
  const problems = validateBlocks(blocks, 'message');
  if (problems.length > 0) fail('invalid_blocks', [formatProblems(problems)].flat());
}

/**
 * Malformed metadata (not an object, no event_type or event_payload) is refused. An
 * event_type with characters Slack does not allow is not: the message is posted without
 * its metadata and the answer carries the `invalid_metadata_schema` warning.
 */
function parseMetadata(args: RawArgs): { metadata?: MessageMetadata; warnings: string[] } {
  const metadata = optionalJson(args, 'metadata', 'invalid_metadata_format');
  if (metadata === undefined) return { warnings: [] };
  if (!isRecord(metadata)) fail('invalid_metadata_format', ['[ERROR] metadata must be an object']);
  const { event_type: eventType, event_payload: eventPayload } = metadata;
  if (typeof eventType !== 'string' || eventType === '' || eventType.length > MAX_EVENT_TYPE_LENGTH) {
    fail('invalid_metadata_format', ['[ERROR] metadata.event_type must be a non-empty string [json-pointer:/metadata/event_type]']);
  }
  if (!isRecord(eventPayload)) {
    fail('invalid_metadata_format', ['[ERROR] metadata.event_payload must be an object [json-pointer:/metadata/event_payload]']);
  }
  if (!EVENT_TYPE_PATTERN.test(eventType)) return { warnings: [INVALID_METADATA_SCHEMA] };
  return { metadata: { event_type: eventType, event_payload: eventPayload }, warnings: [] };
}

/** Slack's way of answering warnings: a `warning` string and `response_metadata.warnings`. */
export function warningFields(warnings: readonly string[]): Record<string, unknown> {
  return warnings.length === 0 ? {} : { warning: warnings.join(','), response_metadata: { warnings: [...warnings] } };
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
  const { metadata, warnings } = parseMetadata(args);
  return { text, blocks, attachments, ...(metadata ? { metadata } : {}), warnings };
}
