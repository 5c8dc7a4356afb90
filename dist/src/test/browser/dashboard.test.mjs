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
  await page.waitForFunction(() => [...document.querySelectorAll('#app option')].some((o) => o.value === 'shop'), null,
    { timeout: 30000 }).catch(() => fail('app "shop" never appeared in the selector'));
  await page.selectOption('#app', 'shop');
  await page.fill('#token', token);
  await page.dispatchEvent('#token', 'change');
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
  await page.screenshot({ path: screenshot, fullPage: true });
} finally {
  await browser.close();
}
