/**
 * Exporting the graph view's drawing: the whole layout as SVG (graph-draw.ts's graphToSvg, in the
 * page's theme colours) or PNG (that SVG drawn into a canvas), written by main (graph.export). In
 * Electron main asks where; in the browser the user types a path under an allowed folder.
 */
import { api, hostKind } from '../../lib/api';
import type { ErrorInfo, GraphLayout, ModelHandle } from '../../lib/contract';
import { toErrorInfo } from '../../lib/errors';
import { graphToSvg, pngScale } from '../../lib/graph-draw';

export type ImageKind = 'svg' | 'png';

/** What is exported: the laid-out subgraph of a model. */
export interface ExportSource {
  layout: GraphLayout | null;
  handle: ModelHandle;
  subgraph: number;
}

function colours() {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string) => css.getPropertyValue(name).trim();
  return {
    bg: v('--bg'),
    box: v('--bg'),
    border: v('--border'),
    text: v('--text'),
    muted: v('--muted'),
    edge: v('--muted'),
  };
}

async function imageBytes(kind: ImageKind, s: ExportSource & { layout: GraphLayout }): Promise<Uint8Array> {
  const layout = s.layout;
  const text = new TextEncoder().encode(
    graphToSvg(layout, colours(), `${s.handle.name} — subgraph ${s.subgraph}`),
  );
  if (kind === 'svg') return text;
  // PNG: the SVG drawn into a canvas (a data: URL, which the page's CSP allows for images).
  let b64 = '';
  for (let i = 0; i < text.length; i += 0x8000) b64 += String.fromCharCode(...text.subarray(i, i + 0x8000));
  const img = new Image();
  img.src = `data:image/svg+xml;base64,${btoa(b64)}`;
  await img.decode();
  const scale = pngScale(layout.width, layout.height);
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(layout.width * scale));
  canvas.height = Math.max(1, Math.round(layout.height * scale));
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('this browser cannot draw a PNG (no 2D canvas)');
  ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
  const blob = await new Promise<Blob | null>((r) => canvas.toBlob(r, 'image/png'));
  if (!blob) throw new Error('the drawing is too large for a PNG in this browser: export SVG instead');
  return new Uint8Array(await blob.arrayBuffer());
}

export class GraphExport {
  /** The browser's path form is open for this kind. */
  kind = $state<ImageKind | null>(null);
  path = $state('');
  busy = $state(false);
  error = $state<ErrorInfo | null>(null);
  /** Where the last export was written. */
  saved = $state<string | null>(null);

  constructor(private readonly source: () => ExportSource) {}

  async start(kind: ImageKind): Promise<void> {
    this.error = null;
    this.saved = null;
    if (hostKind === 'electron') return this.save(kind, undefined);
    this.kind = kind;
    this.path = `${this.source().handle.name.replace(/\.[^.]+$/, '') || 'model'}-graph.${kind}`;
  }

  async save(kind: ImageKind, path: string | undefined): Promise<void> {
    const s = this.source();
    if (!s.layout) return;
    this.busy = true;
    this.error = null;
    try {
      const bytes = await imageBytes(kind, { ...s, layout: s.layout });
      const r = await api.graph.export({ modelId: s.handle.id, kind, bytes, ...(path ? { path } : {}) });
      if (r) {
        this.saved = r.path;
        this.kind = null;
      }
    } catch (e) {
      this.error = toErrorInfo(e);
    } finally {
      this.busy = false;
    }
  }
}
