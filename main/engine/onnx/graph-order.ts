/**
 * The dataflow checks of an ONNX graph and its topological order. A value is produced once (by
 * a graph input, an initializer or one node output); every node input, every graph output and
 * every outer-scope name a subgraph (If/Loop/Scan bodies) uses is produced somewhere; and the
 * nodes form no cycle. ONNX requires files to list nodes in topological order, but readers
 * must not trust it: the order returned is the file's when it is one, otherwise a sorted one.
 */
import { ModelFormatError } from '../errors';
import type { GraphProto, NodeProto, TensorProto } from './proto/onnx_pb';

/** `node 3 "conv1" (Conv)` for messages. */
export function nodeLabel(node: NodeProto, index: number): string {
  return `node ${index} "${node.name}" (${node.opType})`;
}

/** The nodes in topological order, after checking producers; ModelFormatError otherwise. */
export function sortNodes(graph: GraphProto, initializers: ReadonlyMap<string, TensorProto>): NodeProto[] {
  const producer = new Map<string, number>(); // value name → node index, or -1 for graph-level
  for (const name of [...graph.input.map((i) => i.name), ...initializers.keys()]) producer.set(name, -1);
  for (const s of graph.sparseInitializer) if (s.values?.name) producer.set(s.values.name, -1);
  graph.node.forEach((node, index) => {
    for (const out of node.output) {
      if (!out) continue; // an omitted optional output
      if (producer.has(out)) {
        const first = producer.get(out)!;
        const by = first < 0 ? 'a graph input or initializer' : nodeLabel(graph.node[first], first);
        throw new ModelFormatError(
          `${nodeLabel(node, index)} outputs "${out}", which ${by} already produces`,
        );
      }
      producer.set(out, index);
    }
  });
  const dependencies = graph.node.map((node, index) => {
    const deps = new Set<number>();
    for (const name of nodeInputs(node)) {
      const from = producer.get(name);
      if (from === undefined)
        throw new ModelFormatError(
          `${nodeLabel(node, index)} has input "${name}", which no node, input or initializer produces`,
        );
      if (from >= 0) deps.add(from);
    }
    return deps;
  });
  for (const out of graph.output)
    if (!producer.has(out.name))
      throw new ModelFormatError(`graph output "${out.name}" is produced by nothing`);
  return topologicalOrder(graph.node, dependencies);
}

/** A node's inputs: its own (omitted optional ones skipped) and what its subgraphs take from outside. */
function nodeInputs(node: NodeProto): Set<string> {
  const names = new Set(node.input.filter((n) => n !== ''));
  for (const g of subgraphs(node)) for (const n of outerNames(g)) names.add(n);
  return names;
}

function subgraphs(node: NodeProto): GraphProto[] {
  return node.attribute.flatMap((a) => [...(a.g ? [a.g] : []), ...a.graphs]);
}

/** Names a subgraph uses that it does not define (its inputs, initializers, node outputs). */
function outerNames(graph: GraphProto): Set<string> {
  const defined = new Set<string>([
    ...graph.input.map((i) => i.name),
    ...graph.initializer.map((t) => t.name),
  ]);
  for (const node of graph.node) for (const out of node.output) defined.add(out);
  const outer = new Set<string>();
  for (const node of graph.node) for (const n of nodeInputs(node)) if (n && !defined.has(n)) outer.add(n);
  for (const out of graph.output) if (!defined.has(out.name)) outer.add(out.name);
  return outer;
}

/** The file's order when every dependency comes first; otherwise Kahn's algorithm (ready nodes first come, first served). */
function topologicalOrder(nodes: NodeProto[], dependencies: Set<number>[]): NodeProto[] {
  if (dependencies.every((deps, index) => [...deps].every((d) => d < index))) return nodes;
  const waiting = dependencies.map((deps) => deps.size);
  const users: number[][] = nodes.map(() => []);
  dependencies.forEach((deps, index) => deps.forEach((d) => users[d].push(index)));
  const ready = waiting.flatMap((w, index) => (w === 0 ? [index] : []));
  const order: NodeProto[] = [];
  for (let k = 0; k < ready.length; k++) {
    order.push(nodes[ready[k]]);
    for (const u of users[ready[k]]) if (--waiting[u] === 0) ready.push(u);
  }
  if (order.length < nodes.length) {
    const stuck = waiting.flatMap((w, index) => (w > 0 ? [nodeLabel(nodes[index], index)] : []));
    const more = stuck.length > 3 ? ` and ${stuck.length - 3} more` : '';
    throw new ModelFormatError(
      `the graph has a cycle: ${stuck.slice(0, 3).join(', ')}${more} wait on each other`,
    );
  }
  return order;
}
