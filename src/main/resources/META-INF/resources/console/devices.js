// The device table: search by endpoint (prefix or glob) and state, pages of 50, refreshed live when a
// device registers, updates, sleeps, wakes or leaves.
import { request, follow } from './api.js';
import { el, state, clear } from './dom.js';

const LIFECYCLE = new Set(['registered', 'updated', 'deregistered', 'expired', 'awake', 'sleeping']);

export function devicesView(main, setLive) {
  const search = el('input', { type: 'search', placeholder: 'endpoint prefix or glob (lamp-*)', 'data-testid': 'search', size: 32 });
  const stateFilter = el('select', { 'data-testid': 'state-filter' },
    el('option', { value: '' }, 'any state'),
    ...['registered', 'awake', 'sleeping'].map(s => el('option', { value: s }, s)));
  const count = el('span', { class: 'muted' });
  const body = el('tbody');
  const more = el('button', { type: 'button', hidden: true }, 'more');
  clear(main).append(
    el('div', { class: 'toolbar' }, search, stateFilter, count),
    el('table', { 'data-testid': 'devices' },
      el('thead', {}, el('tr', {}, ...['endpoint', 'state', 'LwM2M', 'binding', 'queue mode', 'lifetime', 'address', 'objects', 'since'].map(h => el('th', {}, h)))),
      body),
    more);

  let cursor = null;
  let generation = 0;

  function query(after) {
    const params = new URLSearchParams({ limit: '50' });
    if (search.value.trim()) params.set('endpoint', search.value.trim());
    if (stateFilter.value) params.set('state', stateFilter.value);
    if (after) params.set('cursor', after);
    return '/api/v1/devices?' + params;
  }

  function row(doc) {
    const link = el('a', { href: '#/device/' + encodeURIComponent(doc.endpoint) }, doc.endpoint);
    return el('tr', { dataset: { endpoint: doc.endpoint } },
      el('td', {}, link), el('td', {}, state(doc.state)), el('td', {}, doc.lwm2mVersion), el('td', {}, doc.binding),
      el('td', {}, doc.queueMode ? 'yes' : 'no'), el('td', {}, doc.lifetime + ' s'), el('td', {}, doc.address),
      el('td', { class: 'muted' }, doc.objects.join(' ')), el('td', { class: 'muted' }, doc.time));
  }

  async function load(append) {
    const mine = ++generation;
    const answer = await request(query(append ? cursor : null));
    if (mine !== generation) return;
    if (answer.status !== 200) {
      clear(body).append(el('tr', {}, el('td', { colspan: 9 }, (answer.body && answer.body.error) || 'error ' + answer.status)));
      return;
    }
    if (!append) clear(body);
    answer.body.items.forEach(doc => body.append(row(doc)));
    cursor = answer.body.nextCursor;
    more.hidden = !cursor;
    count.textContent = body.children.length + (cursor ? '+' : '') + ' devices';
  }

  let pending = null;
  function reloadSoon() {
    if (pending) return;
    pending = setTimeout(() => { pending = null; load(false); }, 300);
  }

  search.addEventListener('input', reloadSoon);
  stateFilter.addEventListener('change', () => load(false));
  more.addEventListener('click', () => load(true));
  load(false);
  const stopStream = follow(null, (name, doc) => {
    if (name === 'event' && LIFECYCLE.has(doc.event)) reloadSoon();
  }, setLive);
  return () => { stopStream(); clearTimeout(pending); };
}
