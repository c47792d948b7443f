// Firmware campaigns: each one's state and progress, refreshed every two seconds; cancel a running one.
import { request } from './api.js';
import { el, state, clear } from './dom.js';

export function campaignsView(main) {
  const body = el('tbody');
  const note = el('p', { class: 'muted' },
    'Start a campaign with POST /api/v1/campaigns (or on MQTT lwm2m/campaigns/{id}/start); progress shows here.');
  clear(main).append(note, el('table', { 'data-testid': 'campaigns' },
    el('thead', {}, el('tr', {}, ...['campaign', 'state', 'progress', 'succeeded', 'failed', 'updating', 'pending', 'cancelled', 'total', ''].map(h => el('th', {}, h)))),
    body));

  function bar(c) {
    const part = (n, cls) => el('span', { class: cls, style: `width:${c.total ? (100 * n / c.total) : 0}%` });
    return el('div', { class: 'bar', title: `${c.succeeded + c.failed} of ${c.total} done` },
      part(c.succeeded, 'ok'), part(c.failed, 'ko'), part(c.updating, 'run'));
  }

  async function load() {
    const answer = await request('/api/v1/campaigns');
    if (answer.status !== 200) {
      clear(body).append(el('tr', {}, el('td', { colspan: 10 }, (answer.body && answer.body.error) || 'error ' + answer.status)));
      return;
    }
    clear(body);
    if (answer.body.items.length === 0) body.append(el('tr', {}, el('td', { colspan: 10, class: 'muted' }, 'no campaigns')));
    for (const c of answer.body.items) {
      const cancel = c.state === 'running'
        ? el('button', { type: 'button', onclick: async () => { await request(`/api/v1/campaigns/${encodeURIComponent(c.id)}/cancel`, { method: 'POST' }); load(); } }, 'cancel')
        : '';
      body.append(el('tr', { dataset: { campaign: c.id } }, el('td', {}, c.id), el('td', {}, state(c.state)), el('td', {}, bar(c)),
        el('td', {}, c.succeeded), el('td', {}, c.failed), el('td', {}, c.updating), el('td', {}, c.pending),
        el('td', {}, c.cancelled), el('td', {}, c.total), el('td', {}, cancel)));
    }
  }

  load();
  const timer = setInterval(load, 2000);
  return () => clearInterval(timer);
}
