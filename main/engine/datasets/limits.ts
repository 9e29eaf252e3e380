/**
 * The limits on what decoding one untrusted dataset file may cost, in one place (issue 18).
 * Compressed formats let a small file claim or produce huge output (a 4 MB gzip inflates to
 * 4 GB, a 1 MB PNG to 3 GB, an .npz whose entries alias one member to any size), so every
 * decoder checks declared sizes against these limits before allocating and counts what it
 * inflates while inflating. The figures keep one decoded file, with the copies the readers and
 * the preprocessing make, within about 512 MB, and are far above any dataset Lowbit evaluates
 * or calibrates on (all of MNIST's training images are 47 MB; a 16-megapixel photo fits).
 *
 * A file that passes a limit gets a DatasetError naming the file and the limit
 * (`limitExceeded`), never a partial result. To change a limit, change it here and in
 * docs/datasets.md ("Limits on decoding"); test/integration/datasets-limits.test.ts checks each
 * with a crafted file.
 */
import { DatasetError } from '../errors';

const MIB = 1024 * 1024;

/** Decompressed bytes one dataset file may produce: a gzipped IDX file, or all members of an .npz together. */
export const MAX_INFLATED_BYTES = 256 * MIB;

/** Entries an .npz's central directory may list (np.savez writes one per array). */
export const MAX_ARCHIVE_MEMBERS = 4096;

/** Pixels of one image (PNG, JPEG, BMP), from its header, before the decoder allocates: 4096 x 4096. */
export const MAX_IMAGE_PIXELS = 16 * MIB;

/**
 * Bytes of one decoded image as its decoder hands it over (width x height x channels x bytes per
 * sample; JPEG and BMP decode to 4 channels of 8 bits, a palette PNG is expanded to RGB(A)). At
 * 16 Mi pixels no format passes it (RGBA at 16 bits is exactly 128 MiB); it holds if
 * MAX_IMAGE_PIXELS is raised. A PNG's IDAT stream may inflate to no more than its IHDR implies.
 */
export const MAX_IMAGE_BYTES = 128 * MIB;

/** Inflated bytes of a PNG's embedded ICC profile (iCCP); real profiles are a few KB to a few MB. */
export const MAX_ICC_PROFILE_BYTES = 16 * MIB;

/** jpeg-js's own budget for its working memory (coefficients, Huffman tables, output), in MB. */
export const MAX_JPEG_DECODER_MB = 384;

/**
 * Scans (SOS markers) in one JPEG. Each costs jpeg-js a pass over every block of the image (about
 * 5 ms at 4096 x 4096) however few bytes it holds; encoders write 1 (baseline) to about 10-20
 * (progressive) scans.
 */
export const MAX_JPEG_SCANS = 100;

/** A byte count for messages: "256 MiB" when it is whole MiB, else "1234 bytes". */
export function formatBytes(n: number): string {
  return n >= MIB && n % MIB === 0 ? `${n / MIB} MiB` : `${n} bytes`;
}

/**
 * The one error for a limit passed: "<file>: <what happened> the limit of <limit> (<NAME>)", e.g.
 * "x.gz: the gzip stream inflates past the limit of 256 MiB (MAX_INFLATED_BYTES)".
 */
export function limitExceeded(what: string, happened: string, limit: string, name: string): DatasetError {
  return new DatasetError(`${what}: ${happened} the limit of ${limit} (${name})`);
}
