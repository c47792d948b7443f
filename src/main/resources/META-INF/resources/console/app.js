// The console: hash routes to three views, each rendering into <main> and returning a function that stops
// what it started (its event stream, its timers) when the operator moves on.
import { setToken, whenUnauthorized } from './api.js';
import { devicesView } from './devices.js';
import { deviceView } from './device.js';
import { campaignsView } from './campaigns.js';

const main = document.getElementById('view');
const live = document.getElementById('live');
let stop = () => {};

export function setLive(on) {
  live.className = 'live ' + (on ? 'on' : 'off');
  live.dataset.state = on ? 'on' : 'off';
}

function route() {
  stop();
  const hash = decodeURIComponent(location.hash.slice(1)) || '/devices';
  let view;
  let nav = 'devices';
  if (hash.startsWith('/device/')) {
    view = deviceView(main, hash.slice('/device/'.length), setLive);
  } else if (hash.startsWith('/campaigns')) {
    view = campaignsView(main);
    nav = 'campaigns';
  } else {
    view = devicesView(main, setLive);
  }
  for (const a of document.querySelectorAll('[data-nav]')) a.classList.toggle('active', a.dataset.nav === nav);
  stop = view || (() => {});
}

const form = document.getElementById('token-form');
whenUnauthorized(() => { form.hidden = false; });
form.addEventListener('submit', event => {
  event.preventDefault();
  setToken(document.getElementById('token').value.trim());
  form.hidden = true;
  route();
});

window.addEventListener('hashchange', route);
route();
