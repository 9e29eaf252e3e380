/**
 * Issue 17 item 14: the Devices view acts on a detected serial board. `lowbit serve` lists a socat
 * PTY as a CP2102N bridge (LOWBIT_SIMULATED_SERIAL), so the board guess is the ESP32-DevKitC; the
 * ESP32 ROM simulator answers on the PTY's other end. Without a model the Flash button is disabled
 * with a hint; with the demo model open it flashes over the real serialport stack and the ESP32
 * ROM protocol, and the simulator's flash holds the model. Screenshots:
 * test-output/screenshots/devices-serial-*.png.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { SerialTransport } from '../../main/devices/link/serial';
import { esp32WithTable, MODEL_OFFSET } from '../devices/sim/esp32-fixtures';
import { openPtyPair, type PtyPair } from '../devices/sim/pty';
import { peer } from '../support/peers';
import { ROOT } from '../support/shared';
import { expect, shootBoth, startServe, test as base, type ServeHost } from './fixtures';

const socat = peer('socat');

const test = base.extend<object, { pty: PtyPair; serve: ServeHost }>({
  pty: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const pty = await openPtyPair();
      await use(pty);
      await pty.kill();
    },
    { scope: 'worker' },
  ],
  serve: [
    async ({ pty }, use) => {
      const list = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lowbit-serial-')), 'ports.json');
      fs.writeFileSync(list, JSON.stringify([{ path: pty.a, vid: 0x10c4, pid: 0xea60, product: 'CP2102N' }]));
      const { host, child }: { host: ServeHost; child: ChildProcess } = await startServe({
        LOWBIT_SIMULATED_SERIAL: list,
      });
      await use(host);
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
    { scope: 'worker' },
  ],
});

test.describe.configure({ timeout: 180_000 });
test.skip(!socat.ok, socat.why);

test('a serial ESP32 board: Flash is offered once a model is open, and writes the model', async ({
  page,
  serve,
  pty,
}) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(serve.url);
  await page.getByTestId('open-devices').click();
  const row = page.locator(`[data-testid="serial-row"][data-path="${pty.a}"]`);
  await expect(row).toContainText('esp32-devkitc');
  await expect(row.getByTestId('serial-flash')).toBeDisabled();
  await expect(row).toContainText('Open a model to flash it.');
  await shootBoth(page, 'devices-serial-no-model');

  await page.getByTestId('devices-close').click();
  await page.getByTestId('try-demo').click();
  await expect(page.getByTestId('current-model')).toContainText('fashion_cnn.tflite');
  await page.getByTestId('open-devices').click();
  const button = row.getByTestId('serial-flash');
  await expect(button).toHaveText('Flash fashion_cnn.tflite (ESP32 ROM loader)');
  await expect(button).toBeEnabled();

  const sim = esp32WithTable();
  const dev = new SerialTransport(pty.b, { baud: 115200 });
  await dev.open();
  const served = sim.serve(dev);
  try {
    await button.click();
    const status = page.getByTestId('serial-flash-status');
    await expect(status).toHaveAttribute('data-status', 'succeeded', { timeout: 120_000 });
    await expect(status).toContainText(/Flashed \d+ bytes, verified by md5/);
    await shootBoth(page, 'devices-serial-flashed');
  } finally {
    sim.stop();
    await served;
    await dev.close();
  }
  // The model partition starts with Lowbit's container and holds the demo model's bytes.
  const model = new Uint8Array(fs.readFileSync(path.join(ROOT, 'assets', 'demo', 'fashion_cnn.tflite')));
  const flashed = sim.flash.subarray(MODEL_OFFSET, MODEL_OFFSET + 0x80000);
  const at = Buffer.from(flashed).indexOf(Buffer.from(model.subarray(0, 64)));
  expect(at).toBeGreaterThanOrEqual(0);
  expect(Buffer.from(flashed.subarray(at, at + model.length)).equals(Buffer.from(model))).toBe(true);
});
