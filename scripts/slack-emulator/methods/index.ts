/** Every Web API method the emulator implements, by name. */
import { appsMethods } from './apps';
import { authMethods } from './auth';
import { chatMethods } from './chat';
import type { MethodTable } from './context';
import { conversationsMethods } from './conversations';
import { filesMethods } from './files';
import { teamMethods } from './team';
import { usergroupsMethods } from './usergroups';
import { usersMethods } from './users';
import { viewsMethods } from './views';

export const METHODS: Readonly<MethodTable> = {
  ...authMethods,
  ...appsMethods,
  ...teamMethods,
  ...usersMethods,
  ...usergroupsMethods,
  ...conversationsMethods,
  ...chatMethods,
  ...viewsMethods,
  ...filesMethods,
};

export * from './context';
