/**
 * An Ashby connection (issue 6): a name, the platform applications that may use it (its
 * access list) and an API key that is stored encrypted and shown only by its last four
 * characters. A connection whose key Ashby refused is `broken` until the key is replaced.
 */

export interface AshbyConnection {
  id: string;
  name: string;
  /** Platform application ids that may use this connection. */
  applicationIds: string[];
  /** The key's last four characters: all a view ever shows of it. */
  keyLast4: string;
  status: 'ok' | 'broken';
  /** Why Ashby refused the key (set while broken). */
  brokenReason?: string;
  brokenAt?: Date;
  /** Member id of the admin who added it. */
  createdBy: string;
  createdAt: Date;
  /** Member id of the admin who last changed it. */
  updatedBy: string;
  updatedAt: Date;
}

/** The name a new connection gets unless the admin changes it. */
export const DEFAULT_CONNECTION_NAME = 'Ashby connection';
export const CONNECTION_NAME_MAX_LENGTH = 100;
/** Longest API key accepted (Ashby's are far shorter; this only bounds what is stored). */
export const API_KEY_MAX_LENGTH = 500;
/** Applications on one access list (a multi-select's max_selected_items). */
export const MAX_ACCESS_LIST = 100;
/** Longest broken reason kept. */
export const BROKEN_REASON_MAX_LENGTH = 500;

/** The last four characters of a key, for display. */
export function lastFourOf(apiKey: string): string {
  return Array.from(apiKey).slice(-4).join('');
}
