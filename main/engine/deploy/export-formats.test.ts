import { describe, expect, it } from 'vitest';
import { parseContainer } from './container';
import { EXPORT_FORMAT_IDS } from './device-types';
import { EXPORT_FORMATS, exportBaseName, isExportFormatId } from './export-formats';
import { parseUf2 } from './uf2';

describe('export format registry (issue 12)', () => {
  it('has one entry per format id, under its own id', () => {
    expect(Object.keys(EXPORT_FORMATS)).toEqual([...EXPORT_FORMAT_IDS]);
    for (const [id, f] of Object.entries(EXPORT_FORMATS)) expect(f.id).toBe(id);
    expect(isExportFormatId('zip')).toBe(false);
  });

  it('container: the .lbm deliverable plus the C reader as a helper; uf2: the container in blocks', () => {
    const bytes = Uint8Array.from({ length: 100 }, (_, i) => i);
    const c = EXPORT_FORMATS.container.build({ bytes, baseName: 'm', sourceName: 'm.tflite' });
    expect(c.files.map((f) => f.path)).toEqual(['m.lbm']);
    expect(c.helpers.map((f) => f.path)).toEqual(['lowbit_container.h']);
    expect(parseContainer(c.files[0]!.contents as Uint8Array).payloadLength).toBe(100);
    const u = EXPORT_FORMATS.uf2.build({
      bytes,
      baseName: 'm',
      sourceName: 'm.tflite',
      uf2: { address: 0x10100000, family: 'rp2040' },
    });
    const blocks = parseUf2(u.files[0]!.contents as Uint8Array);
    expect(blocks[0]).toMatchObject({ address: 0x10100000, familyId: 0xe48bff56 });
    expect(() => EXPORT_FORMATS.uf2.build({ bytes, baseName: 'm', sourceName: 'm' })).toThrow(/address/);
  });

  it('derives a C-identifier base name from a model file name', () => {
    expect(exportBaseName('hello_world_int8.tflite')).toBe('hello_world_int8');
    expect(exportBaseName('my model.TFLITE')).toBe('my_model');
    expect(exportBaseName('1st.tflite')).toBe('m_1st');
    expect(exportBaseName('.tflite')).toBe('model');
  });
});
