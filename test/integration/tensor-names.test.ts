// Issue 17, item 11: no identical "…/weights/read" chips.
import { describe, expect, it } from 'vitest';
import { distinguishingNames, middleEllipsis } from '../../main/contract/tensor-names';

describe('distinguishingNames', () => {
  it('keeps the segments that tell scope-path names apart', () => {
    expect(
      distinguishingNames([
        'MobilenetV1/Conv2d_0/weights/read',
        'MobilenetV1/Conv2d_1_depthwise/weights/read',
        'MobilenetV1/Conv2d_1_depthwise/Relu6',
        'MobilenetV1/Conv2d_0/Relu6',
        'MobilenetV1/Logits/SpatialSqueeze',
        'input',
      ]),
    ).toEqual([
      '…/Conv2d_0/weights/read',
      '…/Conv2d_1_depthwise/weights/read',
      '…/Conv2d_1_depthwise/Relu6',
      '…/Conv2d_0/Relu6',
      '…/SpatialSqueeze',
      'input',
    ]);
  });
  it('leaves names whole when nothing shorter is unique', () => {
    expect(distinguishingNames(['a/b', 'b', 'x/a/b', 'same', 'same'])).toEqual([
      'a/b',
      'b',
      'x/a/b',
      'same',
      'same',
    ]);
  });
});

describe('middleEllipsis', () => {
  it('keeps both ends of a long name', () => {
    expect(middleEllipsis('MobilenetV1/Conv2d_13_pointwise/weights/read', 24)).toBe(
      'Mobilene…se/weights/read',
    );
    expect(middleEllipsis('short', 24)).toBe('short');
  });
});
