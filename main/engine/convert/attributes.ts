/** Typed reads of an ONNX node's attributes, with ONNX's defaults supplied by the caller. */
import { UnsupportedOpError } from '../errors';
import type { AttributeProto } from '../onnx/proto/onnx_pb';
import type { ConstTensor } from './const-tensor';
import { constOfTensor } from './onnx-tensor';

export class NodeAttributes {
  constructor(private readonly map: Map<string, AttributeProto>) {}

  has(name: string): boolean {
    return this.map.has(name);
  }

  int(name: string, fallback: number): number {
    const a = this.map.get(name);
    return a ? Number(a.i) : fallback;
  }

  ints(name: string, fallback: number[]): number[] {
    const a = this.map.get(name);
    return a ? a.ints.map((v) => Number(v)) : fallback;
  }

  float(name: string, fallback: number): number {
    const a = this.map.get(name);
    return a ? a.f : fallback;
  }

  floats(name: string, fallback: number[]): number[] {
    const a = this.map.get(name);
    return a ? [...a.floats] : fallback;
  }

  string(name: string, fallback: string): string {
    const a = this.map.get(name);
    return a ? new TextDecoder().decode(a.s) : fallback;
  }

  tensor(name: string): ConstTensor | undefined {
    const a = this.map.get(name);
    if (!a) return undefined;
    if (!a.t) throw new UnsupportedOpError(`attribute ${name} is not a tensor`);
    return constOfTensor(a.t);
  }
}
