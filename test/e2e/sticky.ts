/**
 * Sticky table headers (`table.data th { position: sticky; top: 0 }` in app.css), measured: the
 * table's nearest scroll container is scrolled until the header must be stuck, then the header's
 * top is compared with the container's visible top (its border-box top plus its top border) and
 * every body row is checked for a visible part above the header. Chromium insets `top: 0` by the
 * scroll container's padding, so a padded scroll container leaves rows showing above the header.
 */
import type { Locator } from '@playwright/test';
import { expect } from './fixtures';

export interface StickyHeaderProbe {
  /** The scroll container could not scroll the table far enough for the header to stick. */
  scrolled: boolean;
  /** Header top minus the scroll container's visible top, in CSS px (0 when the header is flush). */
  gap: number;
  /** Body rows with a part between the container's visible top and the header's top (visible above it). */
  rowsAbove: number;
}

/**
 * Scrolls `table`'s nearest vertical scroll container so that the table's top lies `into` px
 * above the container's visible top (the table stays in view), and measures the header there.
 */
export async function probeStickyHeader(table: Locator, into = 48): Promise<StickyHeaderProbe> {
  return await table.evaluate((t, into) => {
    const tableEl = t as HTMLTableElement;
    let box: HTMLElement | null = tableEl.parentElement;
    while (box && !/(auto|scroll|hidden)/.test(getComputedStyle(box).overflowY)) box = box.parentElement;
    const scroller = box ?? (document.scrollingElement as HTMLElement);
    // The cells are what stick (`th`), not the thead box, which stays in the table's flow.
    const headTopNow = () =>
      Math.min(
        ...Array.from(tableEl.tHead!.querySelectorAll('th')).map((th) => th.getBoundingClientRect().top),
      );
    const head = tableEl.tHead!.getBoundingClientRect();
    const visibleTop = () => scroller.getBoundingClientRect().top + scroller.clientTop;
    // Room needed: the header stuck `into` px down the table still has rows under it.
    const room = tableEl.getBoundingClientRect().height - head.height;
    const want = scroller.scrollTop + (tableEl.getBoundingClientRect().top - visibleTop()) + into;
    scroller.scrollTop = want;
    const scrolled = room > into && Math.abs(scroller.scrollTop - want) < 1;
    const top = visibleTop();
    const headTop = headTopNow();
    let rowsAbove = 0;
    for (const row of Array.from(tableEl.tBodies).flatMap((b) => Array.from(b.rows))) {
      const r = row.getBoundingClientRect();
      // The part of the row between the visible top and the header (rows under the header are hidden).
      if (Math.min(r.bottom, headTop) - Math.max(r.top, top) > 0.5) rowsAbove++;
    }
    return { scrolled, gap: headTop - top, rowsAbove };
  }, into);
}

/** Expects `table`'s header stuck flush with its scroll container's visible top, no row above it. */
export async function expectStickyHeaderFlush(table: Locator, into = 48): Promise<void> {
  const p = await probeStickyHeader(table, into);
  expect(p.scrolled, 'the scroll container scrolled the table under its header').toBe(true);
  expect(Math.abs(p.gap), `header top ${p.gap.toFixed(1)} px below the visible top`).toBeLessThanOrEqual(1);
  expect(p.rowsAbove, 'body rows showing above the sticky header').toBe(0);
}
