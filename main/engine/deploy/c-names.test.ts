/** Issue 18: the helpers that make untrusted names safe in generated C sources and properties. */
import { describe, expect, it } from 'vitest';
import { checkFileBaseName, commentText, isCIdentifier, propertiesValue, typeNamePart } from './c-names';

describe('c-names', () => {
  it('identifiers: the shape, and not a keyword', () => {
    expect(isCIdentifier('g_model')).toBe(true);
    for (const s of ['int', 'class', 'co_await', '_Bool', '1st', 'a-b', '', 'a b'])
      expect(isCIdentifier(s)).toBe(false);
  });

  it('type name parts always start an identifier; ordinary names are unchanged', () => {
    expect(typeNamePart('hello_world_int8')).toBe('HelloWorldInt8');
    expect(typeNamePart('_1x')).toBe('M1x');
  });

  it('comment text cannot end the comment, splice or start a line; ordinary text is unchanged', () => {
    expect(commentText('person_detect (v2).tflite')).toBe('person_detect (v2).tflite');
    expect(commentText('a*/b/*c\nd\re\\f??/g\u202Eh')).toBe('a*_/b/_*c_d_e_f?_/g_h');
  });

  it('properties values stay on one line', () => {
    expect(propertiesValue('model.tflite')).toBe('model.tflite');
    expect(propertiesValue('a\nurl=x\r\u2028b')).toBe('a url=x  b');
  });

  it('a base name with a folder or a newline is refused in one line', () => {
    expect(() => checkFileBaseName('model')).not.toThrow();
    expect(() => checkFileBaseName('../x')).toThrow('"../x" is not a valid file base name');
  });
});
