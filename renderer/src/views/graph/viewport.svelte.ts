/**
 * The graph view's viewport: graph point p is drawn at p·k + t, in pixels of a canvas `width` ×
 * `height`. Zoom keeps the point under the pointer in place; fit shows the whole layout.
 */
import type { GraphLayout, GraphNode } from '../../lib/contract';

export const K_MAX = 4;

export class Viewport {
  k = $state(1);
  tx = $state(0);
  ty = $state(0);
  width = $state(0);
  height = $state(0);

  /** What the canvas shows, in graph units. */
  get view(): { x: number; y: number; width: number; height: number } {
    return {
      x: -this.tx / this.k,
      y: -this.ty / this.k,
      width: this.width / this.k,
      height: this.height / this.k,
    };
  }

  /** The zoom that shows all of `l` (at most 100 %). */
  fitScale(l: GraphLayout): number {
    if (this.width <= 0 || this.height <= 0) return 1;
    return Math.min(this.width / l.width, this.height / l.height, 1) * 0.96;
  }

  /** The smallest zoom allowed: 5 %, or less when that is what fitting `l` takes. */
  kMin(l: GraphLayout | null): number {
    return l ? Math.min(0.05, this.fitScale(l)) : 0.05;
  }

  /** The top of `l`, centred, at 100 % or the width of the canvas. */
  start(l: GraphLayout): void {
    this.k = Math.min(1, this.width > 0 ? (this.width * 0.96) / l.width : 1);
    this.tx = (this.width - l.width * this.k) / 2;
    this.ty = 0;
  }

  fit(l: GraphLayout): void {
    this.k = this.fitScale(l);
    this.tx = (this.width - l.width * this.k) / 2;
    this.ty = (this.height - l.height * this.k) / 2;
  }

  /** Zooms by `factor` (within kMin…K_MAX) keeping the graph point under (cx, cy) in place. */
  zoomAt(factor: number, kMin: number, cx = this.width / 2, cy = this.height / 2): void {
    const next = Math.min(K_MAX, Math.max(kMin, this.k * factor));
    const f = next / this.k;
    this.tx = cx - (cx - this.tx) * f;
    this.ty = cy - (cy - this.ty) * f;
    this.k = next;
  }

  /** Brings `n` to the centre, at a readable zoom. */
  centreOn(n: GraphNode): void {
    if (this.k < 0.6) this.k = 1;
    this.tx = this.width / 2 - (n.x + n.width / 2) * this.k;
    this.ty = this.height / 2 - (n.y + n.height / 2) * this.k;
  }
}
