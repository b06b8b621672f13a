/** A platform application (issue 6): registered by the platform so access lists and imports can name it. */
export interface Application {
  /** The platform's own id. */
  id: string;
  name: string;
  createdAt: Date;
  updatedAt: Date;
}

/** Longest application name. */
export const APPLICATION_NAME_MAX_LENGTH = 200;
/** Longest application id: Slack's limit on an option's value, since access lists pick applications by id. */
export const APPLICATION_ID_MAX_LENGTH = 150;
