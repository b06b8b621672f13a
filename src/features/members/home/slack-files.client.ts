/**
 * Files to and from Slack for the member import modal: downloading what an admin uploaded
 * through a `file_input`, and sending the template CSV to their DM with Slack's external
 * upload flow (files.getUploadURLExternal → POST the bytes → files.completeUploadExternal).
 */
import type { WebClient } from '@slack/web-api';

export type DownloadFailureReason = 'not_slack_url' | 'sign_in_page' | 'http_error' | 'too_large' | 'not_csv';

export type DownloadResult = { ok: true; bytes: Buffer } | { ok: false; reason: DownloadFailureReason; message: string };

export interface DownloadOptions {
  botToken: string;
  /** The Web API base the connector uses; its host is trusted with the bot token too (the emulator serves files there). */
  apiUrl: string;
  /** Larger files are refused without reading them whole. */
  maxBytes: number;
  fetch?: typeof fetch;
}

/** Content types a CSV arrives with, depending on the browser and OS that uploaded it. */
const CSV_LIKE = /^(text\/(csv|plain|comma-separated-values|x-csv)|application\/(csv|x-csv|octet-stream|vnd\.ms-excel|binary))$/;

/**
 * Downloads a file's `url_private_download` with the bot token in the Authorization header.
 *
 * Slack answers a download without (or with a wrong) token by an HTML sign-in page with HTTP
 * 200, so an HTML answer is a failure, never "the file". The token is only ever sent to Slack:
 * the API's own host or an https `*.slack.com` host.
 */
export async function downloadSlackFile(url: string, options: DownloadOptions): Promise<DownloadResult> {
  if (!isSlackFileUrl(url, options.apiUrl)) {
    return { ok: false, reason: 'not_slack_url', message: 'The file does not come from Slack, so it was not downloaded.' };
  }
  // Redirects are followed by hand, at most three, each checked again: the bot token goes to Slack only.
  let target = url;
  let response = await (options.fetch ?? fetch)(target, { headers: { Authorization: `Bearer ${options.botToken}` }, redirect: 'manual' });
  for (let hops = 0; response.status >= 300 && response.status < 400 && hops < 3; hops += 1) {
    const location = response.headers.get('location');
    await response.body?.cancel();
    if (!location) break;
    target = new URL(location, target).toString();
    if (!isSlackFileUrl(target, options.apiUrl)) {
      return { ok: false, reason: 'not_slack_url', message: 'Slack sent the download elsewhere, so it was not followed.' };
    }
    response = await (options.fetch ?? fetch)(target, { headers: { Authorization: `Bearer ${options.botToken}` }, redirect: 'manual' });
  }
  if (!response.ok) {
    await response.body?.cancel();
    return { ok: false, reason: 'http_error', message: `Slack did not hand over the file (HTTP ${response.status}). Upload it again.` };
  }
  const contentType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (contentType === 'text/html') {
    await response.body?.cancel();
    return signInPage();
  }
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > options.maxBytes) {
    await response.body?.cancel();
    return tooLarge(declared, options.maxBytes);
  }
  const bytes = await readCapped(response, options.maxBytes);
  if (bytes === undefined) return tooLarge(undefined, options.maxBytes);
  if (looksLikeHtml(bytes)) return signInPage();
  if (contentType !== '' && !CSV_LIKE.test(contentType)) {
    return {
      ok: false,
      reason: 'not_csv',
      message: `The file is not a CSV file (it is ${contentType}). In your spreadsheet, use File › Save As › CSV UTF-8, then upload that file.`,
    };
  }
  return { ok: true, bytes };
}

/** True for the API's own origin, or https on slack.com and its subdomains (files.slack.com). */
export function isSlackFileUrl(url: string, apiUrl: string): boolean {
  let target: URL;
  let api: URL;
  try {
    target = new URL(url);
    api = new URL(apiUrl);
  } catch {
    return false;
  }
  if (target.origin === api.origin) return true;
  return target.protocol === 'https:' && (target.hostname === 'slack.com' || target.hostname.endsWith('.slack.com'));
}

async function readCapped(response: Response, maxBytes: number): Promise<Buffer | undefined> {
  if (!response.body) return Buffer.alloc(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function looksLikeHtml(bytes: Buffer): boolean {
  const head = bytes
    .subarray(0, 512)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart()
    .toLowerCase();
  return head.startsWith('<!doctype html') || head.startsWith('<html');
}

function signInPage(): DownloadResult {
  return {
    ok: false,
    reason: 'sign_in_page',
    message:
      'Slack answered with a sign-in page instead of the file, so the app could not read it. Check that the app has the files:read scope, then upload the file again.',
  };
}

function tooLarge(size: number | undefined, maxBytes: number): DownloadResult {
  const limit = `${Math.round(maxBytes / (1024 * 1024))} MB`;
  return {
    ok: false,
    reason: 'too_large',
    message:
      size === undefined
        ? `The file is larger than ${limit}, the largest accepted.`
        : `The file is ${(size / (1024 * 1024)).toFixed(1)} MB; the largest accepted is ${limit}.`,
  };
}

/** Thrown when Slack refuses the bytes POSTed to an upload URL. */
export class SlackUploadError extends Error {
  readonly code = 'slack_upload_failed';
  constructor(readonly status: number) {
    super(`uploading the file to Slack failed with HTTP ${status}`);
    this.name = 'SlackUploadError';
  }
}

export interface DmUpload {
  userId: string;
  filename: string;
  title: string;
  content: Buffer;
  initialComment?: string;
}

/**
 * Sends a file to the app's DM with `userId` through Slack's external upload flow. Slack
 * errors (e.g. `ratelimited`) are thrown as the SDK throws them.
 */
export async function uploadFileToDm(client: WebClient, upload: DmUpload, fetchImpl: typeof fetch = fetch): Promise<{ fileId: string; channelId: string }> {
  const opened = await client.conversations.open({ users: upload.userId });
  const channelId = opened.channel?.id;
  if (!channelId) throw new Error('conversations.open answered without a channel id');
  const target = await client.files.getUploadURLExternal({ filename: upload.filename, length: upload.content.length });
  if (!target.upload_url || !target.file_id) throw new Error('files.getUploadURLExternal answered without upload_url or file_id');
  // The raw bytes; the upload URL is signed by Slack, so no token goes with them.
  const posted = await fetchImpl(target.upload_url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/octet-stream' },
    body: new Uint8Array(upload.content),
  });
  await posted.body?.cancel();
  if (!posted.ok) throw new SlackUploadError(posted.status);
  await client.files.completeUploadExternal({
    files: [{ id: target.file_id, title: upload.title }],
    channel_id: channelId,
    ...(upload.initialComment ? { initial_comment: upload.initialComment } : {}),
  });
  return { fileId: target.file_id, channelId };
}
