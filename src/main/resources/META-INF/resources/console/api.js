// The console's link to the operator API: JSON requests with the bearer token (when the gateway wants one),
// and the Server-Sent Events stream, read with fetch so that the token travels in a header, not in the URL.

const TOKEN_KEY = 'lwm2m-gateway-token';
let onUnauthorized = () => {};

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value); else sessionStorage.removeItem(TOKEN_KEY);
}

/** Called with no argument whenever the API answers 401. */
export function whenUnauthorized(callback) {
  onUnauthorized = callback;
}

function headers(extra = {}) {
  const h = { ...extra };
  const t = token();
  if (t) h.Authorization = 'Bearer ' + t;
  return h;
}

/** An endpoint name as one path segment: "urn:imei:1/2" becomes "urn%3Aimei%3A1%2F2". */
export function segment(name) {
  return encodeURIComponent(name);
}

/** GET or POST a JSON document; resolves to {status, body}. */
export async function request(path, { method = 'GET', body } = {}) {
  const response = await fetch(path, {
    method,
    headers: headers(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401) onUnauthorized();
  const text = await response.text();
  let parsed = null;
  try { parsed = text ? JSON.parse(text) : null; } catch { parsed = { error: text }; }
  return { status: response.status, body: parsed };
}

/** Runs a command and resolves to its result document (or the 202 answer). */
export function command(endpoint, op, doc) {
  return request(`/api/v1/devices/${segment(endpoint)}/commands/${op}`, { method: 'POST', body: doc });
}

/**
 * Follows /api/v1/events (of one endpoint, when given): calls onMessage(name, doc) for each SSE event and
 * onState(true|false) as the stream connects and drops; reconnects after a drop. Returns a function that stops.
 */
export function follow(endpoint, onMessage, onState = () => {}) {
  let stopped = false;
  let controller;
  const url = '/api/v1/events' + (endpoint ? '?endpoint=' + encodeURIComponent(endpoint) : '');
  async function run() {
    while (!stopped) {
      controller = new AbortController();
      try {
        const response = await fetch(url, { headers: headers({ Accept: 'text/event-stream' }), signal: controller.signal });
        if (response.status === 401) { onUnauthorized(); onState(false); return; }
        if (!response.ok || !response.body) throw new Error('event stream: ' + response.status);
        await read(response.body, onMessage, onState);
      } catch (e) {
        if (stopped) return;
      }
      onState(false);
      await new Promise(resolve => setTimeout(resolve, 2000));
    }
  }
  run();
  return () => { stopped = true; if (controller) controller.abort(); };
}

async function read(body, onMessage, onState) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
      let name = 'message';
      const data = [];
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith('event:')) name = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length === 0) continue;
      let doc;
      try { doc = JSON.parse(data.join('\n')); } catch { continue; }
      if (name === 'connected') onState(true); else onMessage(name, doc);
    }
  }
}
