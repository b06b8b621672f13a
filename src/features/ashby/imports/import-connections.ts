/**
 * What an import needs from Ashby connections and platform applications (./connections and
 * ../../applications build them): the narrow view keeps the import service testable on its
 * own and free of how connections store their keys.
 */

export interface ImportConnection {
  id: string;
  name: string;
}

export interface ImportConnectionSource {
  /** The one connection whose access list has the application, if any. */
  findForApplication(applicationId: string): Promise<ImportConnection | undefined>;
  /** The connection's API key, decrypted for this run only; never logged, never stored elsewhere. */
  apiKeyOf(connection: ImportConnection): Promise<string>;
  /** Ashby refused the key: the connection shows as broken until its key is replaced. */
  markBroken(connectionId: string, reason: string): Promise<void>;
}

export interface ImportApplication {
  id: string;
  name: string;
}

export interface ImportApplicationSource {
  list(): Promise<ImportApplication[]>;
  findByIds(ids: readonly string[]): Promise<ImportApplication[]>;
}

/** What the setup and runs say when no connection lists the application (as the platform's own help does). */
export function noConnectionText(applicationName: string): string {
  return `Add ${applicationName} to an Ashby connection's access list first.`;
}
