// The shell: login, top navigation and a hash router (#/SCREEN?STATE). Each screen is a module with
// mount(container, ctx) returning {update(params), destroy()}; its whole state lives in the URL's query part,
// so a link reproduces the view and the browser's back and forward walk through the states.
import { token, setToken, forgetFields } from './api.js';
import { el } from './format.js';
import { loginView } from './login.js';
import * as activity from './activity.js';
import * as sessions from './sessions.js';
import * as session from './session.js';
import * as policy from './policy.js';

// `nav`: the entry of the top navigation that is highlighted while the screen is shown
const SCREENS = [
  { id: 'activity', title: 'Activity', module: activity, nav: 'activity' },
  { id: 'sessions', title: 'Sessions', module: sessions, nav: 'sessions' },
  { id: 'policy', title: 'Policy events', module: policy, nav: 'policy' },
  { id: 'session', title: 'Session', module: session, nav: 'sessions', hidden: true },
];

let current = null;
let loginMessage = null;

function route() {
  const h = location.hash.replace(/^#\/?/, '');
  const i = h.indexOf('?');
  const name = (i < 0 ? h : h.slice(0, i)) || SCREENS[0].id;
  return { name, params: new URLSearchParams(i < 0 ? '' : h.slice(i + 1)) };
}

const ctx = {
  /** Shows the state `params` of the current screen; a new history entry unless `replace`. */
  navigate(params, replace = false) {
    const hash = '#/' + route().name + (params.toString() ? '?' + params.toString() : '');
    if (hash === location.hash) return;
    if (replace) {
      history.replaceState(null, '', hash);
      render();
    } else {
      location.hash = hash;
    }
  },
  /** A link to the state `params` of screen `name`, for an <a href>. */
  link(name, params) {
    const q = params instanceof URLSearchParams ? params : new URLSearchParams(params);
    return '#/' + name + (q.toString() ? '?' + q.toString() : '');
  },
  /** The token was refused (401): back to the login screen with the server's reason. */
  unauthorized(err) {
    loginMessage = { status: err.status, text: err.message };
    signOut();
  },
};

function signOut() {
  setToken(null);
  forgetFields();
  if (current) current.instance.destroy();
  current = null;
  render();
}

function renderChrome(active) {
  const nav = document.getElementById('nav');
  nav.replaceChildren(...(active ? SCREENS.filter(s => !s.hidden).map(s =>
    el('a', { href: '#/' + s.id, id: 'nav-' + s.id, class: s.id === active ? 'active' : null }, s.title)) : []));
  const who = document.getElementById('who');
  who.replaceChildren(...(active ? [el('span', {}, 'Signed in with a token'),
    el('button', { id: 'signout', onclick: () => { loginMessage = null; signOut(); } }, 'Sign out')] : []));
}

function render() {
  const view = document.getElementById('view');
  if (!token()) {
    renderChrome(null);
    view.replaceChildren(loginView(() => { loginMessage = null; render(); }, loginMessage));
    return;
  }
  const r = route();
  const screen = SCREENS.find(s => s.id === r.name) || SCREENS[0];
  renderChrome(screen.nav);
  if (!current || current.id !== screen.id) {
    if (current) current.instance.destroy();
    view.replaceChildren();
    current = { id: screen.id, instance: screen.module.mount(view, ctx) };
  }
  current.instance.update(r.params);
}

window.addEventListener('hashchange', render);
render();
