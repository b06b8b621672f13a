// The sandbox page's script (plain JavaScript, no build step): draws the parts the server
// renders, and turns clicks into what Slack would send (through /sandbox/api/*).
(() => {
  const params = new URLSearchParams(location.search);
  const who = { team: params.get('team') || '', user: params.get('user') || '', tab: document.body.dataset.tab || 'home' };
  let version = '';
  let busy = 0;
  // Set while a person fills a platform form, so the periodic redraw does not undo their choices.
  let panelEdited = false;
  let panelHtml = '';
  const files = new Map();

  const $ = (id) => document.getElementById(id);

  async function post(route, body) {
    busy += 1;
    document.body.classList.add('busy');
    try {
      const response = await fetch(`/sandbox/api/${route}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ team: who.team, user: who.user, tab: who.tab, ...body }),
      });
      const answer = await response.json();
      // What Slack would show as "something went wrong": the page says what the app or the emulator answered.
      if (answer.ok === false) {
        console.warn(`sandbox ${route}: ${answer.error}`);
        $('toast').textContent = `${route}: ${answer.error}`;
        $('toast').hidden = false;
      }
      return answer;
    } finally {
      busy -= 1;
      if (busy === 0) document.body.classList.remove('busy');
      refresh(true);
    }
  }

  // Redraws are htmx's (#poll in the page: hx-get /sandbox/parts every 700 ms and on
  // `sandbox:refresh`, out-of-band swaps of the server-rendered parts). hx-sync="this:replace"
  // aborts a redraw still under way when a newer one starts, so an older answer never replaces a
  // newer one; the server's version check sends the Slack parts only when they changed.
  let panelAt = 0;
  let panelWanted = true;
  let started = false;

  function refresh(withPanel) {
    if (withPanel) panelWanted = true;
    htmx.trigger(document.body, 'sandbox:refresh');
  }

  // hx-vals="js:{...sandboxPoll()}" on #poll: what the next redraw asks for. The panel (it asks the
  // connector's HTTP API) is redrawn every 3 s or after an action, and never while a form in it is edited.
  window.sandboxPoll = () => {
    const withPanel = (panelWanted || Date.now() - panelAt > 3000) && !panelEdited && !$('panel').contains(document.activeElement);
    if (withPanel) {
      panelWanted = false;
      panelAt = Date.now();
    }
    return { team: who.team, user: who.user, tab: who.tab, version, panel: withPanel ? '1' : '0' };
  };

  // Polls wait while an action is under way (its own redraw follows it).
  document.body.addEventListener('htmx:confirm', (event) => {
    if (event.target.id === 'poll' && busy > 0 && event.detail.triggeringEvent?.type !== 'sandbox:refresh') event.preventDefault();
  });

  // A press (mousedown ... click) on an element that a redraw replaces half-way is lost: the
  // click goes to what is left. A part with a press under way waits for the next redraw, which
  // sends it again (the version is forgotten, the panel wanted).
  let pressed = null;
  document.addEventListener('pointerdown', (event) => {
    pressed = event.target;
  });
  // The click follows pointerup in the same task: forget the press only after it.
  document.addEventListener('pointerup', () => setTimeout(() => (pressed = null)));
  document.addEventListener('pointercancel', () => (pressed = null));

  document.body.addEventListener('htmx:oobBeforeSwap', (event) => {
    const target = event.detail.target;
    if (pressed && target.contains(pressed)) {
      event.detail.shouldSwap = false;
      if (target.id === 'panel') panelWanted = true;
      else version = '';
      return;
    }
    if (target.id !== 'panel') return;
    // Htmx cannot tell "same HTML" or "being edited": the panel is left alone then, so a click or an edit is not undone.
    const holder = document.createElement('div');
    holder.append(event.detail.fragment.cloneNode(true));
    if (panelEdited || target.contains(document.activeElement) || holder.innerHTML === panelHtml) event.detail.shouldSwap = false;
    else panelHtml = holder.innerHTML;
  });

  document.body.addEventListener('htmx:oobAfterSwap', (event) => {
    const state = event.detail.target;
    if (state.id !== 'screen-state') return;
    const drawn = $('screen-state');
    who.team = drawn.dataset.team;
    who.user = drawn.dataset.user;
    if (drawn.dataset.version !== version) {
      version = drawn.dataset.version;
      document.body.dataset.version = String(Date.now());
    }
    if (!started) {
      started = true;
      syncUrl();
    }
  });

  function plain(text) {
    return { type: 'plain_text', text, emoji: true };
  }

  function optionOf(_select, option) {
    return { text: plain(option.textContent), value: option.value };
  }

  /** The value of one element as Slack puts it in `state.values` (and in a block action). */
  function stateValueOf(el) {
    const kind = el.dataset.kind;
    switch (kind) {
      case 'static_select':
      case 'external_select': {
        const option = el.selectedOptions[0];
        return { type: kind, selected_option: option && option.value !== '' ? optionOf(el, option) : null };
      }
      case 'multi_static_select':
      case 'multi_external_select':
        return { type: kind, selected_options: [...el.selectedOptions].map((option) => optionOf(el, option)) };
      case 'users_select':
        return { type: kind, selected_user: el.value || null };
      case 'multi_users_select':
        return { type: kind, selected_users: [...el.selectedOptions].map((option) => option.value) };
      case 'checkboxes':
        return {
          type: kind,
          selected_options: [...el.querySelectorAll('input:checked')].map((input) => ({
            text: plain(input.nextElementSibling.textContent.trim()),
            value: input.value,
          })),
        };
      case 'radio_buttons': {
        const input = el.querySelector('input:checked');
        return { type: kind, selected_option: input ? { text: plain(input.nextElementSibling.textContent.trim()), value: input.value } : null };
      }
      case 'datepicker':
        return { type: kind, selected_date: el.value || null };
      case 'timepicker':
        return { type: kind, selected_time: el.value || null };
      case 'file_input':
        return { type: kind, files: files.get(el) || [] };
      case 'number_input':
      case 'plain_text_input':
      case 'email_text_input':
      case 'url_text_input':
        return { type: kind, value: el.value === '' ? null : el.value };
      default:
        return undefined;
    }
  }

  /** `view.state.values` of a surface: every stateful element, by block and action id. */
  function stateOf(surface) {
    const values = {};
    for (const el of surface.querySelectorAll('[data-action-id]')) {
      const value = stateValueOf(el);
      if (value === undefined) continue;
      const block = el.dataset.blockId || '';
      values[block] = values[block] || {};
      values[block][el.dataset.actionId] = value;
    }
    return values;
  }

  function sourceOf(el) {
    const surface = el.closest('[data-surface]');
    if (!surface) return undefined;
    if (surface.dataset.surface === 'message') return { surface, source: { kind: 'message', channel: surface.dataset.channel, ts: surface.dataset.ts } };
    return { surface, source: { kind: 'view', viewId: surface.dataset.viewId } };
  }

  function act(el, extra) {
    const found = sourceOf(el);
    if (!found) return;
    if (el.dataset.confirm && !window.confirm(el.dataset.confirm)) return;
    const action = { action_id: el.dataset.actionId, ...(el.dataset.blockId ? { block_id: el.dataset.blockId } : {}), ...extra };
    const state = found.source.kind === 'view' ? stateOf(found.surface) : undefined;
    return post('action', { source: found.source, action, ...(state ? { state } : {}) });
  }

  document.addEventListener('click', (event) => {
    const target = event.target;
    const tab = target.closest('[data-tab]');
    if (tab?.closest('#sidebar')) {
      event.preventDefault();
      who.tab = tab.dataset.tab;
      syncUrl();
      version = '';
      post('open-tab', {});
      return;
    }
    const modalButton = target.closest('[data-modal]');
    if (modalButton) {
      const modal = modalButton.closest('.modal');
      if (modalButton.dataset.modal === 'submit') post('submit', { viewId: modal.dataset.viewId, state: stateOf(modal) });
      else post('close', { viewId: modal.dataset.viewId });
      return;
    }
    const button = target.closest('button.bk-button[data-action-id]');
    if (button) {
      if (button.dataset.url) window.open(button.dataset.url, '_blank', 'noopener');
      act(button, { type: 'button', ...(button.dataset.value !== undefined ? { value: button.dataset.value } : {}) });
      return;
    }
  });

  for (const kind of ['input', 'change']) {
    document.addEventListener(kind, (event) => {
      if (event.target.closest('#panel form[data-platform]')) panelEdited = true;
    });
  }

  document.addEventListener('change', (event) => {
    const target = event.target;
    if (target.id === 'as') {
      const [team, user] = target.value.split(':');
      who.team = team;
      who.user = user;
      syncUrl();
      version = '';
      post('open-tab', {});
      return;
    }
    const el = target.closest('[data-action-id]');
    if (!el) return;
    if (el.dataset.kind === 'file_input') {
      upload(el);
      return;
    }
    if (el.dataset.dispatch !== 'true') return;
    if (el.dataset.kind === 'overflow') {
      const option = el.selectedOptions[0];
      if (!option || option.value === '') return;
      if (option.dataset.url) window.open(option.dataset.url, '_blank', 'noopener');
      act(el, { type: 'overflow', selected_option: optionOf(el, option) });
      return;
    }
    const value = stateValueOf(el);
    if (value) act(el, value);
  });

  // External selects ask the app for their options (block_suggestion) when opened.
  document.addEventListener('focusin', async (event) => {
    const el = event.target;
    if (!(el instanceof HTMLSelectElement) || el.dataset.external !== 'true' || el.dataset.loaded === 'true') return;
    const found = sourceOf(el);
    if (found?.source.kind !== 'view') return;
    el.dataset.loaded = 'true';
    const answer = await post('suggest', { viewId: found.source.viewId, action_id: el.dataset.actionId, block_id: el.dataset.blockId, value: '' });
    const chosen = new Set([...el.selectedOptions].map((option) => option.value));
    const options = [...(answer.options || []), ...(answer.option_groups || []).flatMap((group) => group.options || [])];
    for (const option of options) {
      if (chosen.has(option.value)) continue;
      const tag = document.createElement('option');
      tag.value = option.value;
      tag.textContent = option.text.text;
      el.appendChild(tag);
    }
  });

  async function upload(el) {
    const picked = [];
    for (const file of el.files) {
      const bytes = new Uint8Array(await file.arrayBuffer());
      let binary = '';
      for (const byte of bytes) binary += String.fromCharCode(byte);
      const answer = await post('upload', { name: file.name, content: btoa(binary) });
      if (answer.ok) picked.push(answer.file);
    }
    files.set(el, picked);
  }

  // The panel's forms and fault switches are htmx's (hx-post in platform-panel.ts, with who is acting from
  // sandboxWho); what follows each of them is the same as after any action.
  window.sandboxWho = () => ({ team: who.team, user: who.user, tab: who.tab });
  const isApi = (event) => event.detail.requestConfig?.path?.startsWith('/sandbox/api/');
  document.body.addEventListener('htmx:beforeRequest', (event) => {
    if (!isApi(event)) return;
    // The panel is redrawn only while nothing in it has focus: let go of the form or the switch.
    document.activeElement?.blur();
    panelEdited = false;
    busy += 1;
    document.body.classList.add('busy');
  });
  document.body.addEventListener('htmx:afterRequest', (event) => {
    if (!isApi(event)) return;
    busy -= 1;
    if (busy === 0) document.body.classList.remove('busy');
    let answer = {};
    try {
      answer = JSON.parse(event.detail.xhr.responseText);
    } catch {
      answer = { ok: false, error: `HTTP ${event.detail.xhr.status}` };
    }
    if (answer.ok === false) {
      const route = event.detail.requestConfig.path.slice('/sandbox/api/'.length);
      console.warn(`sandbox ${route}: ${answer.error}`);
      $('toast').textContent = `${route}: ${answer.error}`;
      $('toast').hidden = false;
    }
    refresh(true);
  });

  function syncUrl() {
    history.replaceState(null, '', `/sandbox?${new URLSearchParams({ team: who.team, user: who.user, tab: who.tab })}`);
    document.body.dataset.tab = who.tab;
  }

  post('open-tab', {});
})();
