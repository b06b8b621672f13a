/**
 * Ashby emulator: a real node:http server speaking Ashby's API wire format, for tests that run
 * the real Ashby client (src/features/ashby/client) and the connector against it.
 *
 * ## Start and stop
 *
 *     const ashby = await createAshbyEmulator({ keys: { 'key-live-1234': {} } });
 *     // give ashby.url to the client / connector in place of https://api.ashbyhq.com
 *     // (config: ASHBY_API_URL=ashby.url)
 *     await ashby.close();
 *
 * Options: `port` (0 = random), `host`, `now` (clock for createdAt/updatedAt), `maxPageSize`
 * (100: the most a page holds, whatever `limit` asks), `maxIncrementalPages` (50: beyond that an
 * incremental read is refused with `incremental_sync_too_large`), `keys` (key → options).
 *
 * ## Wire format (as Ashby's reference and guides describe it)
 *
 * - `POST /<endpoint>` (e.g. `/application.list`) with a JSON object body; HTTP Basic auth with the
 *   API key as username and an empty password. Non-POST → 405.
 * - Success: `{success: true, results}`; list endpoints add `moreDataAvailable`, and `nextCursor`
 *   while there is more, or `syncToken` on the last page.
 * - Errors: `{success: false, errors: [code], errorInfo: {code, message, requestId, meta?}}`.
 *   - no key → 401 `unauthenticated`; unknown key → 403 `invalid_api_key`; revoked key → 403
 *     `api_key_deactivated` (Ashby: missing key 401, wrong or deactivated key 403);
 *   - key without the endpoint's permission → 403 `missing_endpoint_permission`, with
 *     `errorInfo.meta.requiredPermission` and the permission named in the message;
 *   - unknown endpoint → 404 `endpoint_not_found`;
 *   - bad parameters / non-object body → HTTP 200 with `invalid_input` (Ashby's reference lists
 *     its error responses under 200);
 *   - expired or unknown syncToken → HTTP 200 `sync_token_expired`; too many changed records for
 *     an incremental read → HTTP 200 `incremental_sync_too_large`; unknown cursor → HTTP 200
 *     `invalid_next_cursor`. The client should then start a full read.
 *   - faults from `failNext`: 429 with `Retry-After` (seconds) and `rate_limit_exceeded`, 5xx with
 *     `internal_server_error` (or any body, e.g. an HTML page), or a dropped connection.
 *
 * ## Endpoints (permission required)
 *
 * - `apiKey.info` (apiKeysRead) → `results: {title, createdAt, scopes: ['candidates:read', …]}`.
 * - `application.list` (candidatesRead): `limit`, `cursor`, `syncToken`, `status`
 *   (Hired | Archived | Active | Lead), `jobId`, `createdAfter` (ms since epoch), `expand`
 *   (ignored). Results are WireApplication (./types.ts): `id, createdAt, updatedAt, status,
 *   customFields: [{id, title, value}], candidate: {id, name, primaryEmailAddress: {value, type,
 *   isPrimary} | null}, job: {id, title, locationId, departmentId}, currentInterviewStage, …`.
 *   With a syncToken: only applications changed since the read that issued it that match the
 *   filters now (an application that left Hired is not returned to a `status: Hired` read).
 * - `offer.list` (offersRead): `limit`, `cursor`, `syncToken`, `applicationId`,
 *   `acceptanceStatus[]`, `offerStatus[]`. Results: `{id, decidedAt, applicationId,
 *   acceptanceStatus, offerStatus, latestVersion: {id, startDate, salary: {currencyCode, value} |
 *   null, createdAt, openingId, customFields, fileHandles, author, approvalStatus}}`.
 * - `department.list` (organizationRead): `{id, name, externalName, isArchived, parentId, …}`;
 *   `includeArchived` (false by default).
 * - `customField.list` (hiringProcessMetadataRead): `{id, isPrivate, title, objectType,
 *   isArchived, fieldType}`; `includeArchived` (false by default).
 *
 * ## Test controls
 *
 * - `keys.add(key, {title?, permissions?})` (all read permissions by default), `keys.revoke(key)`,
 *   `keys.setPermissions(key, [...])`.
 * - `applications.add({candidateName, email?, status? = 'Hired', jobId?, jobTitle?, departmentId?,
 *   customFields?: {fieldId: value} | WireCustomFieldValue[], id?, createdAt?})` → the wire record;
 *   `applications.update(id, patch)` (counts as a change for sync tokens);
 *   `applications.addMalformed(raw, {status?, id?})` → a record returned verbatim;
 *   `applications.remove(id)`, `applications.all()`.
 * - `offers.add({applicationId, versions: [{startDate?, salary?: {currencyCode, value}}, …],
 *   acceptanceStatus? = 'Accepted', offerStatus? = 'CandidateAccepted'})` (last version = latest);
 *   `offers.addVersion(offerId, version)`; `offers.versions(offerId)`; `offers.addMalformed(raw)`.
 * - `departments.add({name, id?, parentId?, isArchived?})`,
 *   `customFields.add({title, id?, objectType? = 'Application', fieldType? = 'String'})`
 *   (add custom fields before applications that use them, so values carry their title).
 * - `syncTokens.expireAll()`: every token issued so far gets `sync_token_expired`.
 * - `failNext({status?: 429 | 5xx, count? = 1, retryAfterS? = 1, endpoint?, body?, network?: 'reset'})`.
 *   Faults are checked before authentication, as a gateway's would be.
 * - `calls()`: `[{endpoint, body, key, password, accept, contentType, status}]`; `clearCalls()`.
 */
export { createAshbyEmulator, errorEnvelope, type AshbyEmulator, type AshbyEmulatorOptions } from './emulator';
export {
  ALL_READ_PERMISSIONS,
  APPLICATION_STATUSES,
  ENDPOINT_PERMISSIONS,
  type ApiKeyOptions,
  type ApplicationPatch,
  type ApplicationSeed,
  type ApplicationStatus,
  type AshbyEndpoint,
  type AshbyPermission,
  type CustomFieldSeed,
  type DepartmentSeed,
  type FaultSpec,
  type OfferSeed,
  type OfferVersionSeed,
  type RecordedCall,
  type WireApplication,
  type WireCustomFieldDefinition,
  type WireCustomFieldValue,
  type WireDepartment,
  type WireOffer,
  type WireOfferVersion,
} from './types';
