import { z } from 'zod';
import catalogue from '../../../assets/boards.json';
import { ModelFormatError } from '../errors';
import { DEPLOY_METHODS, isFlashFamilyId, type DeployMethod, type FlashFamilyId } from './device-types';
import { UF2_FAMILIES } from './uf2';

/**
 * Board catalogue (assets/boards.json), validated once at load. The JSON is bundled by import,
 * never read from disk, so the engine stays free of I/O. Hex strings in the JSON (USB IDs,
 * addresses, STM32 product IDs) become numbers here.
 *
 * Two kinds of entry: `mcu` boards run the model themselves (fit, flash and export consider
 * these: BOARDS), `accelerator`s are co-processors a host drives over USB (ACCELERATORS).
 * Each entry's `deploy` lists the flash families (device-types.ts FLASH_FAMILY_IDS) and export
 * formats (EXPORT_FORMAT_IDS) that reach it. Add a board: one entry in the JSON, with a source
 * for every figure.
 */
const hex = z
  .string()
  .regex(/^0x[0-9a-fA-F]+$/)
  .transform((s) => parseInt(s, 16));

const figure = z.enum(['core', 'clockMHz', 'flashKB', 'ramKB', 'usb']);
const id = z.string().regex(/^[a-z0-9-]+$/);
const usbIds = z.array(z.object({ vid: hex, pid: hex, what: z.string() })).min(1);
const deploy = z.array(z.enum(DEPLOY_METHODS as [DeployMethod, ...DeployMethod[]]));

const mcuSchema = z.object({
  id,
  kind: z.literal('mcu'),
  name: z.string().min(1),
  mcu: z.string().min(1),
  core: z.string().min(1),
  clockMHz: z.number().positive(),
  flashKB: z.number().int().positive(),
  ramKB: z.number().int().positive(),
  psramKB: z.number().int().positive().optional(),
  usb: usbIds,
  deploy,
  espChip: z.enum(['esp32', 'esp32s3']).optional(),
  stm32Pid: hex.optional(),
  model: z.object({
    partition: z.string().optional(),
    address: hex.optional(),
    uf2Family: z
      .enum(Object.keys(UF2_FAMILIES) as [keyof typeof UF2_FAMILIES, ...(keyof typeof UF2_FAMILIES)[]])
      .optional(),
    how: z.string().optional(),
    note: z.string().optional(),
  }),
  // An enum-keyed record is exhaustive: every figure must name its source.
  sources: z.record(figure, z.string().min(1)),
});

const acceleratorSchema = z.object({
  id,
  kind: z.literal('accelerator'),
  name: z.string().min(1),
  chip: z.string().min(1),
  /** On-chip memory that caches model parameters; what does not fit streams from the host. */
  parameterMemoryKB: z.number().int().positive(),
  usb: usbIds,
  deploy,
  note: z.string().optional(),
  sources: z.record(z.enum(['parameterMemoryKB', 'usb']), z.string().min(1)),
});

/**
 * Families that reach the same boot ROM as another over a second interface: a board may list
 * both (the first listed is its default). PICOBOOT is the RP2040/RP2350 ROM's USB vendor
 * interface beside its UF2 drive, and takes the same address and chip; DfuSe is the STM32 system
 * bootloader's USB interface beside its USART one.
 */
const SAME_BOOT_ROM_AS: Partial<Record<FlashFamilyId, FlashFamilyId>> = { picoboot: 'uf2', dfuse: 'stm32' };

const entrySchema = z.discriminatedUnion('kind', [mcuSchema, acceleratorSchema]).superRefine((b, ctx) => {
  if (b.kind !== 'mcu') return;
  const family = b.deploy.filter(
    (f) => isFlashFamilyId(f) && !(SAME_BOOT_ROM_AS[f] && b.deploy.includes(SAME_BOOT_ROM_AS[f])),
  );
  if (family.length > 1)
    ctx.addIssue({ code: 'custom', message: `${b.id}: at most one flash family in deploy` });
  if (family[0] === 'esp32' && !b.espChip)
    ctx.addIssue({ code: 'custom', message: `${b.id}: esp32 needs espChip` });
  if (family[0] === 'stm32' && (b.stm32Pid === undefined || b.model.address === undefined)) {
    ctx.addIssue({ code: 'custom', message: `${b.id}: stm32 needs stm32Pid and model.address` });
  }
  if (family[0] === 'uf2' && (!b.model.uf2Family || b.model.address === undefined)) {
    ctx.addIssue({ code: 'custom', message: `${b.id}: uf2 needs model.uf2Family and model.address` });
  }
});

export type CatalogueEntry = z.output<typeof entrySchema>;
/** A microcontroller board: the model runs on it. */
export type Board = Extract<CatalogueEntry, { kind: 'mcu' }>;
/** A USB co-processor a host drives (Coral USB Accelerator). */
export type Accelerator = Extract<CatalogueEntry, { kind: 'accelerator' }>;

export function parseCatalogue(json: unknown): CatalogueEntry[] {
  const r = z.object({ version: z.literal(1), boards: z.array(entrySchema).min(1) }).safeParse(json);
  if (!r.success)
    throw new ModelFormatError(
      `board catalogue: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const ids = new Set<string>();
  for (const b of r.data.boards) {
    if (ids.has(b.id)) throw new ModelFormatError(`board catalogue: duplicate id ${b.id}`);
    ids.add(b.id);
  }
  return r.data.boards;
}

/** The microcontroller boards of a catalogue (what fit, flash and the wizard list). */
export function parseBoards(json: unknown): Board[] {
  return parseCatalogue(json).filter((b): b is Board => b.kind === 'mcu');
}

export const CATALOGUE: readonly CatalogueEntry[] = parseCatalogue(catalogue);
export const BOARDS: readonly Board[] = CATALOGUE.filter((b): b is Board => b.kind === 'mcu');
export const ACCELERATORS: readonly Accelerator[] = CATALOGUE.filter(
  (b): b is Accelerator => b.kind === 'accelerator',
);

/** A microcontroller board by id (accelerators are not flashed or fitted). */
export function boardById(id: string): Board | undefined {
  return BOARDS.find((b) => b.id === id);
}

/** The family that flashes this board directly, if any (others take an export). */
export function flashFamilyOf(board: Board): FlashFamilyId | undefined {
  return board.deploy.find(isFlashFamilyId);
}

/**
 * Catalogue entries, boards and accelerators, that enumerate with this USB VID:PID (a guess:
 * bridges like the CP2102N are shared).
 */
export function boardsForUsb(vid: number, pid: number): CatalogueEntry[] {
  return CATALOGUE.filter((b) => b.usb.some((u) => u.vid === vid && u.pid === pid));
}
