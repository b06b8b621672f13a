/**
 * Files: `files.getUploadURLExternal`, the upload POST to the URL it returns,
 * `files.completeUploadExternal`, and downloads of `url_private_download` with the bot token.
 */
import { extname } from 'node:path';
import type { SlackFile, StoredFile, WorkspaceState } from '../state';
import { botMessage } from './chat';
import { fail, isRecord, optionalInt, optionalJson, optionalString, requiredString, type MethodTable } from './context';
import { resolveMessageChannel } from './conversations';

const MIME_TYPES: Readonly<Record<string, string>> = {
  txt: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** Path prefixes the HTTP layer routes to {@link receiveUpload} and {@link readFileForDownload}. */
export const UPLOAD_PATH = '/upload/v1/';
export const DOWNLOAD_PATH = '/files-pri/';

export interface NewFile {
  name: string;
  title?: string;
  length: number;
  user: string;
}

/** Registers a file (not yet uploaded) with its URLs on the host the client used. */
export function createFile(state: WorkspaceState, host: string, input: NewFile): StoredFile {
  const id = state.nextId('F');
  const filetype = extname(input.name).slice(1).toLowerCase() || 'binary';
  const created = state.nowSeconds();
  const privatePath = `http://${host}${DOWNLOAD_PATH}${state.team.id}-${id}`;
  const file: SlackFile = {
    id,
    name: input.name,
    title: input.title ?? input.name,
    mimetype: MIME_TYPES[filetype] ?? 'application/octet-stream',
    filetype,
    size: input.length,
    user: input.user,
    created,
    timestamp: created,
    url_private: `${privatePath}/${encodeURIComponent(input.name)}`,
    url_private_download: `${privatePath}/download/${encodeURIComponent(input.name)}`,
    permalink: `https://${state.team.domain}.slack.com/files/${input.user}/${id}/${encodeURIComponent(input.name)}`,
    channels: [],
  };
  const stored: StoredFile = { file, declaredLength: input.length, completed: false };
  state.files.set(id, stored);
  return stored;
}

/** Stores the bytes POSTed to an upload URL; `undefined` when the URL names no pending file. */
export function receiveUpload(state: WorkspaceState, fileId: string, bytes: Buffer): StoredFile | undefined {
  const stored = state.files.get(fileId);
  if (!stored || stored.completed) return undefined;
  stored.bytes = bytes;
  stored.file.size = bytes.length;
  return stored;
}

/** The file behind a `/files-pri/T…-F…/…` path, if it exists and has content. */
export function readFileForDownload(state: WorkspaceState, path: string): StoredFile | undefined {
  const match = /^\/files-pri\/[A-Z0-9]+-([A-Z0-9]+)\//.exec(path);
  const stored = match ? state.files.get(match[1] as string) : undefined;
  return stored?.bytes ? stored : undefined;
}

function parseFileList(value: unknown): Array<{ id: string; title?: string }> {
  if (!Array.isArray(value) || value.length === 0) fail('invalid_arguments', ['[ERROR] files must be a non-empty array of {id, title}']);
  return value.map((entry, index) => {
    if (!isRecord(entry) || typeof entry.id !== 'string')
      fail('invalid_arguments', [`[ERROR] files[${index}].id is required [json-pointer:/files/${index}/id]`]);
    return { id: entry.id, title: typeof entry.title === 'string' ? entry.title : undefined };
  });
}

export const filesMethods: MethodTable = {
  'files.getUploadURLExternal': {
    token: 'bot',
    scope: 'files:write',
    handler: ({ args, services: { state }, host }) => {
      const filename = requiredString(args, 'filename');
      const length = optionalInt(args, 'length', 0);
      if (length <= 0) fail('invalid_arguments', ['[ERROR] length must be a positive integer']);
      const stored = createFile(state, host, { name: filename, length, user: state.app.botUserId });
      return { upload_url: `http://${host}${UPLOAD_PATH}${stored.file.id}`, file_id: stored.file.id };
    },
  },
  'files.completeUploadExternal': {
    token: 'bot',
    scope: 'files:write',
    handler: ({ args, services: { state } }) => {
      const entries = parseFileList(optionalJson(args, 'files', 'invalid_arguments'));
      const stored = entries.map((entry) => {
        const file = state.files.get(entry.id);
        if (!file) fail('file_not_found', [`[ERROR] unknown file ${entry.id}`]);
        if (!file.bytes) fail('file_not_found', [`[ERROR] nothing was uploaded for ${entry.id}`]);
        return { file, title: entry.title };
      });
      const channelArgs = [optionalString(args, 'channel_id'), ...(optionalString(args, 'channels')?.split(',') ?? [])];
      const channels = [...new Set(channelArgs.filter((channel): channel is string => channel !== undefined && channel.trim() !== ''))].map((channel) =>
        resolveMessageChannel(state, channel.trim()),
      );
      for (const { file, title } of stored) {
        file.completed = true;
        if (title !== undefined) file.file.title = title;
      }
      const files = stored.map(({ file }) => file.file);
      const initialComment = optionalString(args, 'initial_comment');
      const threadTs = optionalString(args, 'thread_ts');
      for (const channel of channels) {
        for (const file of files) if (!file.channels.includes(channel)) file.channels.push(channel);
        state.appendMessage(channel, botMessage(state, { text: initialComment ?? '', files, upload: true, ...(threadTs ? { thread_ts: threadTs } : {}) }));
      }
      return { files };
    },
  },
};
