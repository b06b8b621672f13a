/** `apps.connections.open`: the Socket Mode URL, for the app-level token only. */
import type { MethodTable } from './context';

export const appsMethods: MethodTable = {
  'apps.connections.open': {
    token: 'app',
    scope: 'connections:write',
    // The URL must use the host the client reached us by, so it works behind any address.
    handler: ({ services, host }) => ({ url: services.openSocketUrl(host) }),
  },
};
