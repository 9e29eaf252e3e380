/**
 * Issue 14: the Devices view acting on USB devices, in browser mode against a real `lowbit serve`
 * whose USB bus is simulated (LOWBIT_SIMULATED_USB=test/devices/sim/usb-bus.ts): an RP2040 in
 * BOOTSEL that the real PICOBOOT driver flashes, an STM32F746 that the DfuSe driver flashes, and a
 * Coral USB Accelerator waiting for its
 * firmware that this user may not open. Screenshots in both themes
 * (test-output/screenshots/devices-usb-*.png).
 */
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { ROOT } from '../support/shared';
import { expect, shootBoth, startServe, test as base, type ServeHost } from './fixtures';
import { expectStickyHeaderFlush } from './sticky';

const test = base.extend({
  serve: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const { host, child }: { host: ServeHost; child: ChildProcess } = await startServe({
        LOWBIT_SIMULATED_USB: path.join(ROOT, 'test/devices/sim/usb-bus.ts'),
      });
      await use(host);
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
    { scope: 'worker' },
  ],
});

const row = (page: import('@playwright/test').Page, ids: string) =>
  page.locator(`[data-testid="usb-row"][data-ids="${ids}"]`);

test('without a model: the BOOTSEL board offers PICOBOOT once a model is open; the Coral shows its firmware state and the udev rule', async ({
  page,
  serve,
}) => {
  await page.goto(serve.url);
  await page.getByTestId('open-devices').click();
  const pico = row(page, '2e8a:0003');
  await expect(pico).toContainText('raspberry-pi-pico');
  await expect(pico.getByTestId('usb-flash-picoboot')).toBeDisabled();
  await expect(pico.getByTestId('usb-open-model-hint')).toBeVisible();
  const coral = row(page, '1a6e:089a');
  await expect(coral.getByTestId('usb-note')).toHaveAttribute('data-coral', 'needs-firmware');
  await expect(coral.getByTestId('usb-note')).toContainText('Coral USB Accelerator without firmware');
  await expect(coral.getByTestId('usb-permission-hint')).toContainText(
    'SUBSYSTEM=="usb", ATTRS{idVendor}=="1a6e", ATTRS{idProduct}=="089a", MODE="0660", GROUP="plugdev"',
  );
  await expect(pico.getByTestId('usb-permission-hint')).toHaveCount(0);
  await shootBoth(page, 'devices-usb-no-model');
  // Load firmware goes through the service's devices.coralFirmware job; this Coral refuses to be
  // opened, so the answer is one line naming the permission problem, never success.
  await coral.getByTestId('usb-coral-firmware').click();
  await expect(page.getByTestId('usb-coral-status')).toHaveAttribute('data-status', 'failed');
  await expect(page.getByTestId('usb-coral-error')).toContainText(/1a6e:089a.*permission denied/);
  await expect(page.getByTestId('usb-coral-result')).toHaveCount(0);
  await shootBoth(page, 'devices-usb-coral-denied');
});

test('with the demo model open: Flash over PICOBOOT, then over DfuSe, each verified by read-back', async ({
  page,
  serve,
}) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(serve.url);
  await page.getByTestId('try-demo').click();
  await expect(page.getByTestId('current-model')).toContainText('fashion_cnn.tflite');
  await page.getByTestId('open-devices').click();
  const button = row(page, '2e8a:0003').getByTestId('usb-flash-picoboot');
  await expect(button).toBeEnabled();
  await expect(button).toHaveText('Flash fashion_cnn.tflite over PICOBOOT');
  await shootBoth(page, 'devices-usb');
  await button.click();
  const status = page.getByTestId('usb-flash-status');
  await expect(status).toHaveAttribute('data-status', 'succeeded', { timeout: 30_000 });
  await expect(page.getByTestId('usb-flash-result')).toHaveText(
    /^Flashed \d+ bytes to RP2040 at 0x10100000, verified by readback\.$/,
  );
  await shootBoth(page, 'devices-usb-flashed');
  // The STM32 in its USB bootloader: DfuSe, at the board guess's model address.
  const dfuse = row(page, '0483:df11').getByTestId('usb-flash-dfuse');
  await expect(dfuse).toHaveText('Flash fashion_cnn.tflite over DfuSe');
  await dfuse.click();
  await expect(status).toHaveAttribute('data-status', 'succeeded', { timeout: 30_000 });
  await expect(page.getByTestId('usb-flash-result')).toContainText(/at 0x08080000, verified by readback/);
  await shootBoth(page, 'devices-usb-dfuse-flashed');
});

// Its own serve: the flash tests above leave the shared simulated bus with fewer devices.
test('in a short window the USB table scrolls under its header, with no row above it', async ({ page }) => {
  const { child, host } = await startServe({
    LOWBIT_SIMULATED_USB: path.join(ROOT, 'test/devices/sim/usb-bus.ts'),
  });
  try {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1280, height: 360 });
    await page.goto(host.url);
    await page.getByTestId('open-devices').click();
    await expect(page.getByTestId('usb-row')).toHaveCount(3);
    await expectStickyHeaderFlush(page.getByTestId('usb-table'));
    await shootBoth(page, 'devices-usb-scrolled-1280x360');
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
});
