/**
 * The graph view's calls: graph.layout (the operator graph laid out in main by dagre,
 * graph-layout.ts), graph.tensor (a constant tensor's histogram, binned here so the values never
 * cross IPC) and graph.export (the drawing the renderer made, written atomically to a path the
 * user chose: the Save dialog in Electron, a new file under an `--allow` folder in browser mode).
 */
import path from 'node:path';
import type { ArgsOf, ModelHandle, ResultOf } from '../contract/types';
import type { GraphImageKind, GraphLayout } from '../contract/graph';
import { InvalidArgumentError } from '../engine/errors';
import { dequantize, histogram } from '../engine/model/graph-details';
import type { InspectReport } from '../engine/model/inspect-report';
import type { OpenedModel } from '../engine/model/registry';
import { checkOutputPath, writeFileAtomic } from '../files/write-file';
import { layoutSubgraph } from './graph-layout';
import type { Grants } from './grants';
import fs from 'node:fs';

export interface GraphHost {
  getModel(id: string): { handle: ModelHandle; opened: OpenedModel; bytes: Uint8Array };
  /** Source paths of every open model (never overwritten). */
  modelPaths(): string[];
  grants: Grants;
  /** Electron: the Save dialog for an image (default file name given); null when cancelled. */
  showSaveImageDialog?: (defaultName: string, kind: GraphImageKind) => Promise<string | null>;
}

type GraphMethod = 'graph.layout' | 'graph.tensor' | 'graph.export';
type GraphImpl = { [M in GraphMethod]: (args: ArgsOf<M>) => Promise<ResultOf<M>> | ResultOf<M> };

/** PNG's 8-byte signature, then the IHDR chunk. */
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Refuses bytes that are not the kind of image they claim to be (the renderer is not trusted). */
export function checkImage(kind: GraphImageKind, bytes: Uint8Array): void {
  if (kind === 'png') {
    const ok =
      bytes.length > 33 &&
      PNG_SIGNATURE.every((b, i) => bytes[i] === b) &&
      String.fromCharCode(...bytes.subarray(12, 16)) === 'IHDR';
    if (!ok) throw new InvalidArgumentError('graph.export: the image is not a PNG file');
    return;
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InvalidArgumentError('graph.export: the SVG is not UTF-8 text');
  }
  const start = text.replace(/^<\?xml[^>]*\?>\s*/, '').trimStart();
  if (!start.startsWith('<svg') || !text.trimEnd().endsWith('</svg>'))
    throw new InvalidArgumentError('graph.export: the image is not an SVG document');
  // The graph view draws shapes and text only: a script or an external reference has no place in it.
  if (/<script|<foreignObject|\bon[a-z]+\s*=|(?:xlink:)?href\s*=\s*["'](?!#)/i.test(text))
    throw new InvalidArgumentError('graph.export: the SVG holds scripts or external references');
}

/** "mobilenet_v2.tflite" → "mobilenet_v2-graph.svg". */
export function imageName(modelName: string, kind: GraphImageKind): string {
  const base = modelName.replace(/\.[^.]+$/, '') || 'model';
  return `${base}-graph.${kind}`;
}

export function createGraph(host: GraphHost): { impl: GraphImpl; forget(modelId: string): void } {
  /** Layouts and reports by model id and subgraph: laying out is the costly part, done once. */
  const layouts = new Map<string, GraphLayout>();
  const reports = new Map<string, InspectReport>();
  const reportOf = (modelId: string): InspectReport => {
    let r = reports.get(modelId);
    if (!r) {
      const { opened, bytes } = host.getModel(modelId);
      r = opened.format.inspect(opened.model, bytes.length);
      reports.set(modelId, r);
    }
    return r;
  };
  const subgraphOf = (modelId: string, index: number) => {
    const sg = reportOf(modelId).subgraphs[index];
    if (!sg) throw new InvalidArgumentError(`the model has no subgraph ${index}`);
    return sg;
  };

  const impl: GraphImpl = {
    'graph.layout': ({ modelId, subgraph }) => {
      const key = `${modelId}:${subgraph}`;
      const cached = layouts.get(key);
      if (cached) return cached;
      const { opened } = host.getModel(modelId);
      const sg = subgraphOf(modelId, subgraph);
      const layout = layoutSubgraph({
        subgraph: sg,
        index: subgraph,
        attributes: (op) => opened.format.opAttributes?.(opened.model, subgraph, op) ?? [],
      });
      layouts.set(key, layout);
      return layout;
    },
    'graph.tensor': ({ modelId, subgraph, tensor, bins }) => {
      const { opened } = host.getModel(modelId);
      const info = subgraphOf(modelId, subgraph).tensors[tensor];
      if (!info) throw new InvalidArgumentError(`subgraph ${subgraph} has no tensor ${tensor}`);
      const values = opened.format.constantValues?.(opened.model, subgraph, tensor) ?? null;
      if (values === null) {
        const note =
          info.bytes > 0
            ? `its values are stored in a form Lowbit does not decode for display (${info.sparse ? 'sparse' : info.dtype})`
            : 'an activation: its values exist only while the model runs';
        return { histogram: null, note };
      }
      const real = info.quantization ? dequantize(values, info.shape, info.quantization) : null;
      return { histogram: histogram(real ?? values, bins ?? 48, real !== null), note: '' };
    },
    'graph.export': async ({ modelId, kind, bytes, path: file }) => {
      const m = host.getModel(modelId);
      checkImage(kind, bytes);
      let target: string;
      let mayReplace: boolean;
      if (file === undefined) {
        if (!host.showSaveImageDialog)
          throw new InvalidArgumentError(
            'no path given and no save dialog in browser mode: type where to save it',
          );
        const picked = await host.showSaveImageDialog(imageName(m.handle.name, kind), kind);
        if (picked === null) return null;
        host.grants.grantWrite(picked); // the user picked it; the dialog asked before replacing
        target = path.resolve(picked);
        mayReplace = true;
      } else {
        ({ path: target, mayReplace } = host.grants.checkWrite(file));
      }
      if (path.extname(target).toLowerCase() !== `.${kind}`)
        throw new InvalidArgumentError(`${target}: a ${kind.toUpperCase()} file's name ends in .${kind}`);
      checkOutputPath(target, host.modelPaths());
      if (!mayReplace && fs.existsSync(target))
        throw new InvalidArgumentError(
          `${target} already exists: choose another name (only a file picked in the Save dialog is replaced)`,
        );
      writeFileAtomic(target, bytes, host.modelPaths());
      return { path: target };
    },
  };
  return {
    impl,
    forget(modelId) {
      reports.delete(modelId);
      for (const k of [...layouts.keys()]) if (k.startsWith(`${modelId}:`)) layouts.delete(k);
    },
  };
}
