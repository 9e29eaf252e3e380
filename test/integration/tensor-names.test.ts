// Issue 17, item 11: no identical "…/weights/read" chips.
import { describe, expect, it } from 'vitest';
import { distinguishingNames, fitName, middleEllipsis } from '../../main/contract/tensor-names';

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

describe('fitName', () => {
  it('keeps the distinguishing first segment and the last one', () => {
    expect(fitName('…/Conv2d_1_pointwise/weights/read', 40)).toBe('…/Conv2d_1_pointwise/weights/read');
    expect(fitName('…/Conv2d_1_pointwise/weights/read', 28)).toBe('…/Conv2d_1_pointwise/…/read');
    expect(fitName('…/Conv2d_1_pointwise/weights/read', 20)).toBe('…/Conv2d_1_poi…/read');
    expect(fitName('…/Conv2d_1_depthwise/weights/read', 20)).toBe('…/Conv2d_1_dep…/read');
    expect(fitName('…/Conv2d_1_pointwise/Relu6', 20)).toBe('…/Conv2d_1_po…/Relu6');
    // A long last segment is cut too; the first keeps 60 % of the room.
    expect(fitName('…/Conv2d_10_depthwise/depthwise_bias', 20)).toBe('…/Conv2d_10_…/depth…');
    expect(fitName('…/Conv2d_1_depthwise/depthwise_bias', 20)).toBe('…/Conv2d_1_d…/depth…');
    expect(fitName('…/Conv2d_0/depthwise_bias', 20)).toBe('…/Conv2d_0/depthwi…');
    expect(fitName('a_single_very_long_segment_name', 12)).toBe('a_si…nt_name');
  });
});
