// Drives the gateway's console in Debian's Chromium, as an operator would: finds a device in the table,
// opens its page, reads a value, writes one and sees the result, observes a resource and sees it change live,
// and looks at the campaigns page. Screenshots go to the folder given. Exit code 0 when every step held.
//
//   node console.test.mjs <gateway base URL> <endpoint> <screenshot folder>
//
// ConsoleBrowserTest starts the gateway and the (Leshan) device and runs this; the device's temperature
// changes every half second while it runs.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [base, endpoint, shots] = process.argv.slice(2);
if (!base || !endpoint || !shots) {
  console.error('usage: node console.test.mjs <base URL> <endpoint> <screenshot folder>');
  process.exit(2);
}
mkdirSync(shots, { recursive: true });
const STEP = 15_000;

function step(name) {
  console.log(`[console] ${new Date().toISOString()} ${name}`);
}

async function expectText(locator, predicate, what) {
  const deadline = Date.now() + STEP;
  let last = '';
  while (Date.now() < deadline) {
    last = (await locator.textContent({ timeout: STEP })) ?? '';
    if (predicate(last)) return last;
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  throw new Error(`${what}: still '${last}' after ${STEP} ms`);
}

const profile = mkdtempSync(join(tmpdir(), 'console-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: 760 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failed = false;
try {
  const page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(STEP);
  const outside = [];
  page.on('request', request => {
    if (!request.url().startsWith(base) && !request.url().startsWith('data:')) outside.push(request.url());
  });
  page.on('pageerror', error => { console.error('[console] page error: ' + error.message); failed = true; });

  step('device table');
  await page.goto(base + '/#/devices');
  const row = page.locator(`[data-testid=devices] tr[data-endpoint="${endpoint}"]`);
  await row.waitFor();
  await expectText(row.getByTestId('state'), t => t === 'registered', 'state in the table');
  await page.getByTestId('search').fill(endpoint.slice(0, -2) + '*');
  await expectText(page.locator('[data-testid=devices] tbody'), t => t.includes(endpoint), 'search by glob');
  await page.getByTestId('search').fill('nobody-has-this-name');
  await expectText(page.locator('[data-testid=devices] tbody'), t => !t.includes(endpoint), 'search that matches nothing');
  await page.getByTestId('search').fill(endpoint);
  await row.waitFor();
  await page.screenshot({ path: join(shots, 'console-devices.png') });

  step('device page');
  await row.getByRole('link', { name: endpoint }).click();
  await page.getByTestId('objects').waitFor();
  await expectText(page.getByTestId('objects'), t => t.includes('/3/0 Device') && t.includes('Light Control'), 'object tree');
  const result = page.getByTestId('result');

  step('read /3/0/0');
  const manufacturer = page.locator('tr[data-path="/3/0/0"]');
  await manufacturer.locator('button[data-action=read]').click();
  await expectText(result, t => t.startsWith('read /3/0/0: success'), 'read result');
  await expectText(manufacturer.getByTestId('value'), t => t === 'Open Mobile Alliance', 'value read');

  step('write /3311/0/5851 = 42');
  const dimmer = page.locator('tr[data-path="/3311/0/5851"]');
  await dimmer.getByTestId('write-value').fill('42');
  await dimmer.locator('button[data-action=write]').click();
  await expectText(result, t => t.startsWith('write /3311/0/5851: success 2.04'), 'write result');
  await dimmer.locator('button[data-action=read]').click();
  await expectText(dimmer.getByTestId('value'), t => t === '42', 'dimmer read back');

  step('observe /3303/0/5700 and see it change');
  const temperature = page.locator('tr[data-path="/3303/0/5700"]');
  await temperature.locator('button[data-action=observe]').click();
  await expectText(result, t => t.startsWith('observe /3303/0/5700: success'), 'observe result');
  const live = page.locator('[data-testid=live-values] tr[data-path="/3303/0/5700"] td.value');
  const first = await expectText(live, t => t !== '', 'first live value');
  await expectText(live, t => t !== '' && t !== first, 'a live update after ' + first);
  await expectText(page.locator('#live'), () => true, 'live badge');
  await expectText(page.getByTestId('events'), t => t.includes('registered'), 'event history');
  await page.screenshot({ path: join(shots, 'console-device.png'), fullPage: true });
  // the README's picture (docs/console.png): the first screen of the device page
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(shots, 'console-readme.png') });

  step('campaigns');
  await page.goto(base + '/#/campaigns');
  await page.getByTestId('campaigns').waitFor();
  await expectText(page.locator('[data-testid=campaigns] tbody'), t => t.length > 0, 'campaign table');
  await page.screenshot({ path: join(shots, 'console-campaigns.png') });

  if (outside.length > 0) throw new Error('the console fetched from elsewhere: ' + outside.join(', '));
  step('done');
} catch (e) {
  failed = true;
  console.error('[console] FAILED: ' + e.message);
  try { await context.pages()[0]?.screenshot({ path: join(shots, 'console-failure.png'), fullPage: true }); } catch {}
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
