/** The Ashby client: `createAshbyApi({baseUrl, logger, retry?, sleep?})` → AshbyApiFactory. */
export { createAshbyApi, type AshbyClientOptions } from './ashby.client';
export { AshbyApiError, isAshbyApiError, type AshbyApiErrorInit } from './ashby-api.error';
export type { RetryOptions } from './ashby-http';
