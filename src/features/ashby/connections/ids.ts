/** Action ids, block ids and callback ids of the Ashby connection screens. */
export const ASHBY_CONNECTION_IDS = {
  // App Home buttons (value: the connection id, for the row buttons).
  add: 'ashby.connections.add',
  edit: 'ashby.connections.edit',
  replaceKey: 'ashby.connections.replace_key',
  remove: 'ashby.connections.remove',
  next: 'ashby.connections.next',
  previous: 'ashby.connections.previous',
  // Modals.
  createView: 'ashby.connections.create_view',
  editView: 'ashby.connections.edit_view',
  replaceKeyView: 'ashby.connections.replace_key_view',
  removeView: 'ashby.connections.remove_view',
  /** A modal with a message and no submit (checking, refused, gone). */
  noticeView: 'ashby.connections.notice_view',
  // Inputs (block id and action id alike).
  name: 'ashby.connections.name',
  applications: 'ashby.connections.applications',
  apiKey: 'ashby.connections.api_key',
} as const;
