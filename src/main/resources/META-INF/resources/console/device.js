// One device: its status, its object tree named by the models (units, R/W/E marks) with read, write,
// execute and observe buttons, the live values its observations report, its firmware state and its events.
import { request, command, follow } from './api.js';
import { el, state, show, clear } from './dom.js';

export function deviceView(main, endpoint, setLive) {
  clear(main).append(el('p', {}, 'Loading ' + endpoint + '…'));
  let stopStream = () => {};
  let closed = false;
  request('/api/v1/devices/' + encodeURIComponent(endpoint)).then(answer => {
    if (closed) return;
    if (answer.status !== 200) {
      clear(main).append(el('p', { 'data-testid': 'not-found' }, (answer.body && answer.body.error) || 'error ' + answer.status),
        el('a', { href: '#/devices' }, '← devices'));
      return;
    }
    stopStream = render(main, answer.body, setLive);
  });
  return () => { closed = true; stopStream(); };
}

function render(main, doc, setLive) {
  const endpoint = doc.endpoint;
  const statusLine = el('div', { class: 'toolbar', 'data-testid': 'status' });
  const valueCells = new Map();
  const liveBody = el('tbody', { 'data-testid': 'live-values' });
  const firmware = el('div', { 'data-testid': 'firmware' });
  const events = el('ol', { class: 'events', 'data-testid': 'events' });
  const result = el('pre', { 'data-testid': 'result' }, 'results of commands appear here');

  function showStatus(s) {
    clear(statusLine).append(el('strong', {}, s.endpoint), state(s.state),
      el('span', { class: 'muted' }, `LwM2M ${s.lwm2mVersion} · binding ${s.binding} · lifetime ${s.lifetime} s · ${s.queueMode ? 'queue mode · ' : ''}${s.address}`));
  }

  function showValue(path, value, time) {
    const cell = valueCells.get(path);
    if (cell) {
      cell.textContent = show(value);
      cell.closest('tr').classList.remove('flash');
      void cell.offsetWidth;
      cell.closest('tr').classList.add('flash');
    }
  }

  function liveValue(path, value, time) {
    let row = liveBody.querySelector(`tr[data-path="${CSS.escape(path)}"]`);
    if (!row) {
      row = el('tr', { dataset: { path } }, el('td', {}, path), el('td', { class: 'value' }), el('td', { class: 'muted' }));
      liveBody.append(row);
    }
    row.children[1].textContent = show(value);
    row.children[2].textContent = time;
    row.classList.remove('flash');
    void row.offsetWidth;
    row.classList.add('flash');
    showValue(path, value, time);
  }

  function showFirmware(f) {
    clear(firmware);
    if (!f) { firmware.append(el('span', { class: 'muted' }, 'no firmware update seen')); return; }
    firmware.append(state(f.state), ' ', `${f.bytesSent}/${f.bytesTotal} bytes`,
      f.firmwareVersion ? ` · version ${f.firmwareVersion}` : '', f.error ? ` · ${f.error}` : '',
      el('div', { class: 'muted' }, f.time));
  }

  function addEvent(e) {
    const detail = e.event === 'updated' && e.changes ? ' ' + JSON.stringify(e.changes)
      : e.event === 'firmware' ? ` ${e.state}` : '';
    events.prepend(el('li', {}, el('span', { class: 'muted' }, e.time + ' '), e.event, detail));
  }

  async function run(op, path, extra = {}) {
    result.textContent = `${op} ${path} …`;
    const answer = await command(endpoint, op, { path, ...extra });
    const r = answer.body || {};
    result.textContent = `${op} ${path}: ${r.status || answer.status}${r.code ? ' ' + r.code : ''}${r.error ? ' – ' + r.error : ''}\n`
      + JSON.stringify(r, null, 2);
    result.dataset.status = r.status || String(answer.status);
    result.dataset.op = op;
    if (r.values) for (const [p, v] of Object.entries(r.values)) showValue(p, v, r.time);
    return r;
  }

  function resourceRow(objectId, instanceId, resource) {
    const path = `/${objectId}/${instanceId}/${resource.id}`;
    const ops = resource.operations || '';
    const value = el('td', { class: 'value', 'data-testid': 'value' });
    valueCells.set(path, value);
    const seen = doc.values[path];
    if (seen) value.textContent = show(seen.value);
    const buttons = el('td', {});
    if (ops.includes('R')) {
      buttons.append(el('button', { type: 'button', 'data-action': 'read', onclick: () => run('read', path) }, 'read'),
        el('button', { type: 'button', 'data-action': 'observe', onclick: () => run('observe', path) }, 'observe'));
    }
    if (ops.includes('W') && !resource.multiple) {
      const input = el('input', { class: 'write', 'data-testid': 'write-value', placeholder: resource.type });
      buttons.append(input, el('button', {
        type: 'button', 'data-action': 'write',
        onclick: () => run('write', path, { value: typed(input.value, resource.type) }),
      }, 'write'));
    }
    if (ops.includes('E')) {
      buttons.append(el('button', { type: 'button', 'data-action': 'execute', onclick: () => run('execute', path) }, 'execute'));
    }
    return el('tr', { dataset: { path } },
      el('td', {}, String(resource.id)), el('td', { title: resource.description }, resource.name),
      el('td', { class: 'marks' }, ops || '–'), el('td', { class: 'muted' }, resource.type),
      value, el('td', { class: 'units' }, resource.units), buttons);
  }

  function objectTree() {
    const tree = el('div', { 'data-testid': 'objects' });
    const withInstances = new Set(doc.instances.filter(i => i.instanceId !== undefined).map(i => i.objectId));
    for (const instance of doc.instances) {
      // an object link beside links to its instances (</3>;ver=1.1,</3/0>) only names the version
      if (instance.instanceId === undefined && withInstances.has(instance.objectId)) continue;
      const model = doc.models[String(instance.objectId)];
      const title = `${instance.path} ${instance.name}`;
      const box = el('details', { open: instance.objectId >= 3 && instance.objectId !== 5, dataset: { path: instance.path } },
        el('summary', {}, title));
      if (model && instance.instanceId !== undefined) {
        box.append(el('table', {},
          el('thead', {}, el('tr', {}, ...['id', 'resource', 'R/W/E', 'type', 'value', 'units', ''].map(h => el('th', {}, h)))),
          el('tbody', {}, ...model.resources.map(r => resourceRow(instance.objectId, instance.instanceId, r)))));
      } else {
        box.append(el('p', { class: 'muted' }, model ? 'announced without instances' : 'no model knows this object'));
      }
      tree.append(box);
    }
    return tree;
  }

  showStatus(doc);
  showFirmware(doc.firmware);
  doc.events.forEach(addEvent);
  for (const [path, v] of Object.entries(doc.values)) liveValue(path, v.value, v.time);
  clear(main).append(
    el('a', { href: '#/devices' }, '← devices'), statusLine,
    el('div', { class: 'grid' },
      el('div', {}, el('section', {}, el('h2', {}, 'Objects'), objectTree())),
      el('div', {},
        el('section', {}, el('h2', {}, 'Last command'), result),
        el('section', {}, el('h2', {}, 'Live values'),
          el('table', {}, el('thead', {}, el('tr', {}, el('th', {}, 'path'), el('th', {}, 'value'), el('th', {}, 'time'))), liveBody)),
        el('section', {}, el('h2', {}, 'Firmware'), firmware),
        el('section', {}, el('h2', {}, 'Events'), events))));

  return follow(endpoint, (name, message) => {
    if (name === 'data') {
      for (const [path, value] of Object.entries(message.values || {})) liveValue(path, value, message.time);
    } else if (name === 'event') {
      addEvent(message);
      if (message.event === 'firmware') showFirmware(message);
      else if (message.state) showStatus(message);
    }
  }, setLive);
}

/** What the operator typed, as the resource's JSON type. */
function typed(text, type) {
  const t = text.trim();
  if (type === 'integer' || type === 'unsigned_integer' || type === 'float' || type === 'time') {
    const n = Number(t);
    return Number.isNaN(n) ? t : n;
  }
  if (type === 'boolean') return t === 'true' || t === '1';
  return text;
}
