/**
 * NumPy .npy (format 1.0) bytes for tests and the fuzz harness: any descr ('<f4'; a structured
 * one as its Python literal, "[('a', '<f4')]"), any raw data.
 */
export function npyBytes(descr: string, shape: number[], data: ArrayBufferView): Uint8Array {
  const literal = descr.startsWith('[') ? descr : `'${descr}'`;
  let header = `{'descr': ${literal}, 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 255, header.length >> 8]);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}
