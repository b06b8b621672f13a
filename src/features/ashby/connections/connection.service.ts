/**
 * Ashby connections as admins and imports use them (issue 6). Business rules only, no Bolt:
 *
 * - A key is checked against Ashby before anything is saved (create and replace); a wrong or
 *   revoked key, or an Ashby that cannot answer, is an error on the key field and nothing is
 *   stored.
 * - An application is on at most one connection's access list, so an import always knows
 *   which connection to use.
 * - The key is encrypted with ENCRYPTION_KEY before it is stored and decrypted only by
 *   `apiKeyOf`, for the call that needs it. It is never logged and never put in a result
 *   message (Ashby's own message is shown with the key cut out, should it ever echo it).
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../../platform/clock';
import { ConnectorError } from '../../../platform/errors';
import type { Logger } from '../../../platform/logger';
import { decryptSecret, encryptSecret } from '../../../platform/secrets';
import { truncate } from '../../../slack/block-text';
import type { ApplicationCatalog } from '../../applications';
import type { AshbyApiFactory, KeyCheck } from '../ashby-api.types';
import type { AshbyConnectionRepository } from './connection.repository';
import {
  API_KEY_MAX_LENGTH,
  BROKEN_REASON_MAX_LENGTH,
  CONNECTION_NAME_MAX_LENGTH,
  lastFourOf,
  MAX_ACCESS_LIST,
  type AshbyConnection,
} from './connection.types';

export interface AshbyConnectionServiceDeps {
  connections: AshbyConnectionRepository;
  applications: ApplicationCatalog;
  /** Builds an Ashby client for one key (checkKey is all this service uses). */
  ashby: AshbyApiFactory;
  /** config.encryptionKey: 32 bytes. */
  encryptionKey: Buffer;
  clock: Clock;
  logger: Logger;
}

/** The form fields a problem belongs to (the modal maps them to its blocks). */
export type ConnectionField = 'name' | 'applications' | 'apiKey';
export type ConnectionFieldErrors = Partial<Record<ConnectionField, string>>;

export type SaveConnectionResult =
  | { ok: true; connection: AshbyConnection }
  /** Bad input, an application on another connection, or a key Ashby refused: nothing was saved. */
  | { ok: false; reason: 'invalid'; errors: ConnectionFieldErrors }
  | { ok: false; reason: 'not_found' };

export type RemoveConnectionResult = { ok: true; connection: AshbyConnection } | { ok: false; reason: 'not_found' };

export interface ConnectionSettingsInput {
  name: string;
  applicationIds: readonly string[];
}

/** The connection or its stored key is gone (a removed connection, used by a run already under way). */
export class AshbyConnectionNotFoundError extends ConnectorError {
  constructor(connectionId: string) {
    super('ashby_connection_not_found', `Ashby connection ${connectionId} no longer exists.`, { connectionId });
  }
}

export class AshbyConnectionService {
  constructor(private readonly deps: AshbyConnectionServiceDeps) {}

  /** Every connection, oldest first. */
  list(): Promise<AshbyConnection[]> {
    return this.deps.connections.list();
  }

  get(id: string): Promise<AshbyConnection | undefined> {
    return this.deps.connections.findById(id);
  }

  /**
   * Adds a connection: checks the input, then the key with Ashby, then stores it with the
   * key encrypted. Any problem is a field error and nothing is stored.
   */
  async create(input: ConnectionSettingsInput & { apiKey: string }, by: string): Promise<SaveConnectionResult> {
    const settings = await this.checkSettings(input, undefined);
    const apiKey = checkApiKeyText(input.apiKey);
    const errors: ConnectionFieldErrors = { ...settings.errors, ...(apiKey.error ? { apiKey: apiKey.error } : {}) };
    if (!settings.value || apiKey.value === undefined) return { ok: false, reason: 'invalid', errors };
    const keyProblem = await this.checkKeyWithAshby(apiKey.value);
    if (keyProblem) return { ok: false, reason: 'invalid', errors: { apiKey: keyProblem } };
    // Checked again after the (slow) key check: another admin may have listed an application meanwhile.
    const again = await this.checkSettings(input, undefined);
    if (!again.value) return { ok: false, reason: 'invalid', errors: again.errors };
    const now = this.deps.clock.now();
    const connection: AshbyConnection = {
      id: `ac-${randomUUID()}`,
      name: again.value.name,
      applicationIds: again.value.applicationIds,
      keyLast4: lastFourOf(apiKey.value),
      status: 'ok',
      createdBy: by,
      createdAt: now,
      updatedBy: by,
      updatedAt: now,
    };
    await this.deps.connections.insert(connection, encryptSecret(apiKey.value, this.deps.encryptionKey));
    this.deps.logger.info({ connectionId: connection.id, memberId: by, applications: connection.applicationIds.length }, 'ashby connection created');
    return { ok: true, connection };
  }

  /** Changes the name and the access list (the key stays). */
  async update(id: string, input: ConnectionSettingsInput, by: string): Promise<SaveConnectionResult> {
    const existing = await this.deps.connections.findById(id);
    if (!existing) return { ok: false, reason: 'not_found' };
    const settings = await this.checkSettings(input, id);
    if (!settings.value) return { ok: false, reason: 'invalid', errors: settings.errors };
    const now = this.deps.clock.now();
    if (!(await this.deps.connections.updateSettings(id, settings.value, by, now))) return { ok: false, reason: 'not_found' };
    this.deps.logger.info({ connectionId: id, memberId: by, applications: settings.value.applicationIds.length }, 'ashby connection updated');
    return { ok: true, connection: { ...existing, ...settings.value, updatedBy: by, updatedAt: now } };
  }

  /** Replaces the key once Ashby accepts the new one; a broken connection is mended by it. */
  async replaceKey(id: string, newKey: string, by: string): Promise<SaveConnectionResult> {
    const existing = await this.deps.connections.findById(id);
    if (!existing) return { ok: false, reason: 'not_found' };
    const apiKey = checkApiKeyText(newKey);
    if (apiKey.value === undefined) return { ok: false, reason: 'invalid', errors: { apiKey: apiKey.error } };
    const keyProblem = await this.checkKeyWithAshby(apiKey.value);
    if (keyProblem) return { ok: false, reason: 'invalid', errors: { apiKey: keyProblem } };
    const now = this.deps.clock.now();
    const keyLast4 = lastFourOf(apiKey.value);
    if (!(await this.deps.connections.replaceKey(id, encryptSecret(apiKey.value, this.deps.encryptionKey), keyLast4, by, now)))
      return { ok: false, reason: 'not_found' };
    this.deps.logger.info({ connectionId: id, memberId: by, wasBroken: existing.status === 'broken' }, 'ashby connection key replaced');
    const { brokenReason: _reason, brokenAt: _at, ...rest } = existing;
    return { ok: true, connection: { ...rest, keyLast4, status: 'ok', updatedBy: by, updatedAt: now } };
  }

  /** Deletes the connection and its key. Imports of its applications stop until another connection lists them. */
  async remove(id: string, by: string): Promise<RemoveConnectionResult> {
    const existing = await this.deps.connections.findById(id);
    if (!existing || !(await this.deps.connections.remove(id))) return { ok: false, reason: 'not_found' };
    this.deps.logger.info({ connectionId: id, memberId: by }, 'ashby connection removed');
    return { ok: true, connection: existing };
  }

  /** Ashby refused the key during an import: shown as broken in the Home until the key is replaced. */
  async markBroken(connectionId: string, reason: string): Promise<void> {
    const cut = truncate(reason.replace(/\s+/g, ' ').trim() || 'Ashby refused the API key.', BROKEN_REASON_MAX_LENGTH);
    const found = await this.deps.connections.markBroken(connectionId, cut, this.deps.clock.now());
    this.deps.logger.warn({ connectionId, reason: cut, found }, 'ashby connection marked broken');
  }

  /** Clears the broken state (e.g. a run with the same key succeeded again). */
  async clearBroken(connectionId: string): Promise<void> {
    await this.deps.connections.clearBroken(connectionId);
  }

  /**
   * The one connection whose access list has `applicationId`: an application is on one list
   * at most (create and update refuse a second). Should a race have put it on two, the
   * oldest wins, the same one every time.
   */
  async findForApplication(applicationId: string): Promise<AshbyConnection | undefined> {
    return (await this.deps.connections.withApplication(applicationId))[0];
  }

  /**
   * The connection's API key, decrypted for the call that needs it. Never log it, never put it
   * in an error or a view. Throws AshbyConnectionNotFoundError when the connection is gone,
   * SecretDecryptionError when the stored value does not decrypt (tampered, other key).
   */
  async apiKeyOf(connection: Pick<AshbyConnection, 'id'>): Promise<string> {
    const stored = await this.deps.connections.encryptedKeyOf(connection.id);
    if (!stored) throw new AshbyConnectionNotFoundError(connection.id);
    return decryptSecret(stored, this.deps.encryptionKey);
  }

  /** A problem with the key for the key field, or undefined when Ashby accepts it. */
  private async checkKeyWithAshby(apiKey: string): Promise<string | undefined> {
    let check: KeyCheck;
    try {
      check = await this.deps.ashby(apiKey).checkKey();
    } catch (error) {
      // checkKey answers {ok: false} for what it knows; anything thrown is unexpected. Logged
      // without the error's text, in case a lower layer put the key in it.
      this.deps.logger.warn({ errorName: (error as Error)?.name, errorCode: (error as { code?: unknown })?.code }, 'ashby key check failed');
      return 'Ashby could not check the key right now. Nothing was saved; try again in a moment.';
    }
    if (check.ok) return undefined;
    this.deps.logger.info({ kind: check.kind }, 'ashby refused a key on save');
    const detail = withoutKey(check.message, apiKey);
    switch (check.kind) {
      case 'unauthorized':
      case 'forbidden':
        return truncate(`Ashby refused this API key${detail ? ` (${detail})` : ''}. Check it in Ashby under Admin → API Keys and paste it again.`, 300);
      case 'rate_limited':
        return 'Ashby is rate limiting requests, so the key could not be checked. Nothing was saved; try again in a minute.';
      default:
        return truncate(`Ashby could not check the key right now${detail ? ` (${detail})` : ''}. Nothing was saved; try again in a moment.`, 300);
    }
  }

  /** Name and access list, normalised, or the errors by field. `selfId`: the connection being edited. */
  private async checkSettings(
    input: ConnectionSettingsInput,
    selfId: string | undefined,
  ): Promise<{ value?: { name: string; applicationIds: string[] }; errors: ConnectionFieldErrors }> {
    const errors: ConnectionFieldErrors = {};
    const name = input.name.replace(/\s+/g, ' ').trim();
    if (name === '' || Array.from(name).length > CONNECTION_NAME_MAX_LENGTH) errors.name = `Enter a name of 1 to ${CONNECTION_NAME_MAX_LENGTH} characters.`;
    const applicationIds = [...new Set(input.applicationIds)];
    if (applicationIds.length > MAX_ACCESS_LIST) {
      errors.applications = `Choose at most ${MAX_ACCESS_LIST} applications.`;
    } else if (applicationIds.length > 0) {
      const known = await this.deps.applications.findByIds(applicationIds);
      const missing = applicationIds.filter((id) => !known.some((a) => a.id === id));
      if (missing.length > 0) {
        errors.applications = truncate(`Not a registered application: ${missing.join(', ')}. Choose from the list.`, 300);
      } else {
        const taken: string[] = [];
        for (const application of known) {
          const other = (await this.deps.connections.withApplication(application.id)).find((c) => c.id !== selfId);
          if (other) taken.push(`${application.name} is already on “${other.name}”`);
        }
        if (taken.length > 0) errors.applications = truncate(`${taken.join('; ')}. An application uses one connection: remove it there first.`, 300);
      }
    }
    if (Object.keys(errors).length > 0) return { errors };
    return { value: { name, applicationIds }, errors };
  }
}

/** The key as typed, trimmed, or what is wrong with it (the message never repeats it). */
function checkApiKeyText(text: string): { value?: string; error?: string } {
  const key = text.trim();
  if (key === '') return { error: 'Enter the API key from Ashby (Admin → API Keys).' };
  if (/\s/.test(key)) return { error: 'An Ashby API key has no spaces or line breaks: paste it again.' };
  if (key.length > API_KEY_MAX_LENGTH) return { error: `An Ashby API key is at most ${API_KEY_MAX_LENGTH} characters: paste it again.` };
  return { value: key };
}

/** Ashby's message for the admin, with the key cut out should it ever be echoed. */
function withoutKey(message: string, apiKey: string): string {
  return truncate(message.split(apiKey).join('…').replace(/\s+/g, ' ').trim(), 150);
}
