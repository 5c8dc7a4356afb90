// Loads the Portcullis dashboard against a running stack, waits for the scraper to show up in the
// top list and in the active intercepts, releases it with the button, and takes a screenshot.
// usage: node dashboard.test.mjs <dashboard-url> <api-token> <scraper-ip> <screenshot.png>
import { chromium } from 'playwright-core';

const [url, token, scraper, screenshot] = process.argv.slice(2);
let page;
const fail = async (msg) => {
  console.error('FAIL: ' + msg);
  if (page) {
    console.error('status line: ' + (await page.textContent('#status').catch(() => '?')));
    console.error('top IPs: ' + (await page.textContent('#topSecond').catch(() => '?')).replace(/\s+/g, ' '));
    await page.screenshot({ path: screenshot.replace(/\.png$/, '-failure.png'), fullPage: true }).catch(() => {});
  }
  process.exit(1);
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  page = await browser.newPage({ viewport: { width: 1400, height: 1100 } });
  page.on('pageerror', (e) => console.error('page error: ' + e.message));
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  // reads need a token too: without one the dashboard asks for it
  await page.waitForFunction(() => /token/.test(document.querySelector('#status').textContent), null, { timeout: 15000 })
    .catch(() => fail('without a token the dashboard did not ask for one'));
  await page.fill('#token', token);
  await page.dispatchEvent('#token', 'change');
  await page.waitForFunction(() => [...document.querySelectorAll('#app option')].some((o) => o.value === 'shop'), null,
    { timeout: 30000 }).catch(() => fail('app "shop" never appeared in the selector'));
  await page.selectOption('#app', 'shop');
  const inTop = `#topSecond tbody td:text-is("${scraper}")`;
  await page.waitForSelector(inTop, { timeout: 30000 }).catch(() => fail('the scraper never appeared in the top IPs'));
  console.log('scraper is in the top IPs');
  const row = `#intercepts tbody tr[data-target="${scraper}"]`;
  await page.waitForSelector(row, { timeout: 30000 }).catch(() => fail('the scraper never appeared in the intercepts'));
  console.log('scraper is intercepted: ' + (await page.textContent(row)).replace(/\s+/g, ' '));
  await page.screenshot({ path: screenshot.replace(/\.png$/, '-intercepted.png'), fullPage: true });
  // the test stops the scraper's traffic when it reads the line above; wait until its last over-limit
  // second has left the scan windows, so that the release is not immediately followed by a new intercept
  await page.waitForTimeout(3000);
  await page.click(`${row} button`);
  await page.waitForSelector(row, { state: 'detached', timeout: 15000 }).catch(() => fail('Release did not remove the intercept'));
  const status = await page.textContent('#status');
  if (/error|401|403/i.test(status)) fail('dashboard status after release: ' + status);
  console.log('released with the button; status: ' + status);

  // a per-address limit set and removed with the form and the button
  await page.fill('#limitSet input[name=cidr]', '198.51.100.77');
  await page.fill('#limitSet input[name=perSecond]', '7');
  await page.click('#limitSet button');
  const limitRow = '#limits tbody tr[data-cidr="198.51.100.77/32"]';
  await page.waitForSelector(limitRow, { timeout: 15000 }).catch(() => fail('Set limit did not add the limit'));
  console.log('limit set: ' + (await page.textContent(limitRow)).replace(/\s+/g, ' '));
  await page.click(`${limitRow} button`);
  await page.waitForSelector(limitRow, { state: 'detached', timeout: 15000 }).catch(() => fail('Remove did not remove the limit'));
  // and one for every app
  await page.selectOption('#limitSet select[name=scope]', 'global');
  await page.fill('#limitSet input[name=cidr]', '198.51.100.0/24');
  await page.fill('#limitSet input[name=perSecond]', '9');
  await page.click('#limitSet button');
  const globalRow = '#globalLimits tbody tr[data-cidr="198.51.100.0/24"]';
  await page.waitForSelector(globalRow, { timeout: 15000 }).catch(() => fail('Set limit for every app did not add it'));
  console.log('limit for every app set: ' + (await page.textContent(globalRow)).replace(/\s+/g, ' '));
  await page.click(`${globalRow} button`);
  await page.waitForSelector(globalRow, { state: 'detached', timeout: 15000 }).catch(() => fail('Remove did not remove the global limit'));

  // the app policy edited in place and saved with its version (If-Match)
  const before = await page.textContent('#policyVersion');
  const policy = JSON.parse(await page.inputValue('#policy'));
  policy.limitPerMinute = 100000;
  await page.fill('#policy', JSON.stringify(policy));
  await page.click('#policySave');
  await page.waitForFunction((v) => document.getElementById('policyVersion').textContent !== v, before, { timeout: 15000 })
    .catch(() => fail('Save app policy did not store a new version'));
  if (!(await page.inputValue('#policy')).includes('100000')) fail('the saved policy does not show the new limit');
  console.log('app policy saved: ' + before + ' -> ' + (await page.textContent('#policyVersion')));
  await page.waitForSelector('#audit tbody tr:has(td:text-is("POLICY_CHANGED")):has(td:text-is("demo-admin"))', { timeout: 15000 })
    .catch(() => fail('the policy change is not in the audit tail'));
  await page.screenshot({ path: screenshot, fullPage: true });

  // the views: requests per node, quota usage, the history and one address's hour
  const nodeRow = '#nodeRates tbody tr[data-node="shop-1:8080"]';
  await page.waitForSelector(nodeRow + ':has(td:text-is("reporting"))', { timeout: 30000 })
    .catch(() => fail('node shop-1:8080 is not shown reporting'));
  console.log('node: ' + (await page.textContent(nodeRow)).replace(/\s+/g, ' '));
  const quotaRow = '#quotas tbody tr[data-caller="partner-9"]';
  await page.waitForSelector(quotaRow, { timeout: 30000 }).catch(() => fail('partner-9\'s quota usage is not shown'));
  console.log('quota usage: ' + (await page.textContent(quotaRow)).replace(/\s+/g, ' '));
  await page.waitForSelector(`#history tbody td:has-text("${scraper}")`, { timeout: 30000 })
    .catch(() => fail('the scraper is not in the history'));
  await page.fill('#addressForm input[name=ip]', scraper);
  await page.click('#addressForm button');
  await page.waitForFunction(() => /[1-9][0-9]* requests in the last hour/.test(document.getElementById('addressTotal').textContent),
    null, { timeout: 30000 }).catch(() => fail('the address chart did not load'));
  console.log('address history: ' + await page.textContent('#addressTotal'));
  await page.screenshot({ path: screenshot.replace(/\.png$/, '-views.png'), fullPage: true });
  console.log('views shown');
} finally {
  await browser.close();
}
