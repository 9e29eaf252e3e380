/**
 * Issue 17 item 14 (keyboard and look), in Chromium against `lowbit serve`: the wizard's choice
 * cards move with the arrow keys (one Tab stop per group), passed step pills go back to their step,
 * the keyboard focus is drawn, the page has a favicon, and the Devices view is centred like the
 * wizard. Screenshots in both themes at 1280x800 and 1920x1080:
 * test-output/screenshots/keyboard-<step>-<width>-{light,dark}.png and devices-view-<width>-*.png.
 */
import type { Page } from '@playwright/test';
import { expect, shootBoth, test } from './fixtures';

test.describe.configure({ timeout: 180_000 });

const SIZES = [
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
] as const;

const step = (page: Page, s: string) => expect(page.getByTestId('wizard')).toHaveAttribute('data-step', s);

/** The focused element's data-testid and whether it draws a visible outline. */
async function focused(page: Page): Promise<{ testid: string | null; outline: string }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    const st = el ? getComputedStyle(el) : null;
    return {
      testid: el?.getAttribute('data-testid') ?? null,
      outline: st ? `${st.outlineStyle} ${st.outlineWidth}` : '',
    };
  });
}

test('choice cards move with the arrow keys, the focus is drawn, passed steps are links back', async ({
  page,
  serve,
}) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(serve.url);
  await page.getByTestId('try-demo').click();
  await step(page, 'summary');
  await page.getByTestId('wizard-next').click();
  await step(page, 'data');

  // One Tab stop per group: the checked card (none checked yet: the first).
  const tabStops = () =>
    page
      .locator('[role="radiogroup"][aria-label="Data available"] [role="radio"]')
      .evaluateAll((els) =>
        els.map((e) => `${e.getAttribute('data-testid')}:${(e as HTMLElement).tabIndex}`),
      );
  await page.getByTestId('data-none').click();
  expect(await tabStops()).toEqual(['data-none:0', 'data-unlabelled:-1', 'data-labelled:-1']);

  // Arrows choose the next card and move the focus with it; they wrap at both ends.
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('data-unlabelled')).toHaveAttribute('aria-checked', 'true');
  expect((await focused(page)).testid).toBe('data-unlabelled');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('data-labelled')).toHaveAttribute('aria-checked', 'true');
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('data-none')).toHaveAttribute('aria-checked', 'true');
  await page.keyboard.press('ArrowUp');
  await expect(page.getByTestId('data-labelled')).toHaveAttribute('aria-checked', 'true');
  await page.keyboard.press('Home');
  await expect(page.getByTestId('data-none')).toHaveAttribute('aria-checked', 'true');
  expect(await tabStops()).toEqual(['data-none:0', 'data-unlabelled:-1', 'data-labelled:-1']);
  // The keyboard focus is drawn (app.css :focus-visible, 2 px).
  expect(await focused(page)).toEqual({ testid: 'data-none', outline: 'solid 2px' });

  for (const size of SIZES) {
    await page.setViewportSize(size);
    await shootBoth(page, `keyboard-data-${size.width}`);
  }
  await page.setViewportSize(SIZES[0]);

  // Tab leaves the group in one step: the next stop is not another card.
  await page.keyboard.press('Tab');
  const after = await focused(page);
  expect(after.testid ?? '').not.toMatch(/^data-/);
  expect(after.outline).toBe('solid 2px');

  // Target: arrows in the target group too.
  await page.getByTestId('wizard-next').click();
  await step(page, 'target');
  await page.getByTestId('target-cpu').click();
  await page.keyboard.press('ArrowRight');
  const target = await focused(page);
  expect(target.testid).toMatch(/^target-/);
  expect(target.testid).not.toBe('target-cpu');
  await expect(page.getByTestId(target.testid!)).toHaveAttribute('aria-checked', 'true');
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('target-cpu')).toHaveAttribute('aria-checked', 'true');
  await page.getByTestId('wizard-next').click();
  await step(page, 'priority');

  // Passed steps are buttons back to them; the current and later ones are not.
  await expect(page.getByTestId('step-pill-summary')).toBeVisible();
  await expect(page.getByTestId('step-pill-target')).toBeVisible();
  await expect(page.getByTestId('step-pill-priority')).toHaveCount(0);
  await expect(page.getByTestId('step-pill-recommend')).toHaveCount(0);
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await shootBoth(page, `keyboard-priority-${size.width}`);
  }
  await page.setViewportSize(SIZES[0]);
  // A keyboard user (the last input was a key, so Chromium draws :focus-visible) reaches the pill.
  await page.keyboard.press('Shift');
  await page.getByTestId('step-pill-data').focus();
  expect((await focused(page)).outline).toBe('solid 2px');
  await page.keyboard.press('Enter');
  await step(page, 'data');
  // The choice made there is kept.
  await expect(page.getByTestId('data-none')).toHaveAttribute('aria-checked', 'true');
});

test('a favicon, served from the page origin as SVG', async ({ page, serve }) => {
  await page.goto(serve.url);
  const href = await page.locator('link[rel="icon"]').getAttribute('href');
  expect(href).toBe('./favicon.svg');
  const icon = await page.request.get(new URL('favicon.svg', serve.origin + '/').toString());
  expect(icon.status()).toBe(200);
  expect(icon.headers()['content-type']).toContain('image/svg+xml');
  expect(await icon.text()).toContain('<svg');
});

test('the Devices view is centred like the wizard, its serial and USB cards side by side in one column', async ({
  page,
  serve,
}) => {
  await page.goto(serve.url);
  await page.getByTestId('open-devices').click();
  await expect(page.getByTestId('serial-card')).toBeVisible();
  await expect(page.getByTestId('usb-card')).toBeVisible();
  for (const size of SIZES) {
    await page.setViewportSize(size);
    const view = (await page.getByTestId('devices-view').boundingBox())!;
    const card = (await page.getByTestId('usb-card').boundingBox())!;
    const left = card.x - view.x;
    const right = view.x + view.width - (card.x + card.width);
    // The column is at most 1100 px wide and centred (a scrollbar may take a few pixels).
    expect(card.width).toBeLessThanOrEqual(1100);
    expect(Math.abs(left - right), `${size.width}: left ${left}, right ${right}`).toBeLessThan(20);
    const serial = (await page.getByTestId('serial-card').boundingBox())!;
    expect(serial.x).toBe(card.x);
    await shootBoth(page, `devices-view-${size.width}`);
  }
});
