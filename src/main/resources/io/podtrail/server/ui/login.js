// The login screen: asks for a bearer token, checks it against the read API, keeps it in sessionStorage
// (gone when the tab closes). A refused token says why (401 unknown or revoked, 403 a role that may not read).
import { get, setToken, ApiError, forgetFields } from './api.js';
import { el } from './format.js';

function explain(status, text) {
  if (status === 401) return [el('b', {}, 'Token refused (401). '), text, '. Check that you copied the whole token.'];
  if (status === 403) return [el('b', {}, 'Not allowed (403). '), text, '. Use an analyst or admin token.'];
  if (status) return [el('b', {}, `The server answered ${status}. `), text];
  return [el('b', {}, 'Cannot reach the server. '), text];
}

export function loginView(onDone, message) {
  const input = el('input', { id: 'token', type: 'password', autocomplete: 'off', spellcheck: 'false',
    placeholder: 'ptk_…', 'aria-label': 'Token' });
  const alert = el('div', { id: 'login-error', class: 'alert', role: 'alert' });
  const button = el('button', { class: 'btn primary', type: 'submit', id: 'login' }, 'Sign in');
  const show = (status, text) => { alert.replaceChildren(...explain(status, text)); alert.classList.remove('hidden'); };
  if (message) show(message.status, message.text); else alert.classList.add('hidden');
  const form = el('form', { class: 'login', onsubmit: async e => {
    e.preventDefault();
    const t = input.value.trim();
    if (!t) { show(0, 'Enter a token.'); return; }
    button.disabled = true;
    setToken(t);
    forgetFields();
    try {
      await get('/api/v1/fields');
      onDone();
    } catch (err) {
      setToken(null);
      if (err instanceof ApiError) show(err.status, err.message); else show(0, String(err.message || err));
    } finally {
      button.disabled = false;
    }
  } },
  el('h1', {}, 'Sign in to Podtrail'),
  el('p', {}, 'Paste an analyst or admin token. ', el('span', { class: 'mono' }, 'podtrail token create --role analyst'),
    ' makes one; ', el('span', { class: 'mono' }, './podtrail demo'), ' prints its admin token.'),
  el('label', { for: 'token' }, 'Token'),
  input,
  alert,
  el('div', { class: 'row' }, button));
  setTimeout(() => input.focus(), 0);
  return form;
}
