/** Dev aid: serve the demo service and screenshot every page (npx tsx test/e2e/shoot-demo.ts). */
import { startServer } from '../../src-main/transport/http.js';
import { createDemoService } from './demo-service.js';
import { launchBrowser, screenshot, watchErrors } from './browser.js';

const service = createDemoService({ runs: 12 });
const server = await startServer(service, { port: 0 });
const browser = await launchBrowser();
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
const errors = watchErrors(page);
const base = server.url.replace(/\/$/, '');
for (const [name, hash] of [['runs', '#/runs'], ['setup', '#/setup'], ['run', '#/run/run-003'], ['rdiv', '#/rdiv?runs=run-001,run-004'],
  ['compare', '#/compare?runs=run-001,run-002,run-003,run-004,run-005,run-006,run-007,run-008'], ['latent', '#/latent/run-004']]) {
  await page.goto(`${base}/${hash}`);
  await page.waitForTimeout(1200);
  console.log(await screenshot(page, `demo-${name}`));
}
console.log('errors:', errors);
await browser.close(); await server.close(); service.close();
