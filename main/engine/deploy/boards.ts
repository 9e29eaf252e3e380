import { z } from 'zod';
import catalogue from '../../../assets/boards.json';
import { ModelFormatError } from '../errors';
import { UF2_FAMILIES } from './uf2';

/**
 * Board catalogue (assets/boards.json), validated once at load. The JSON is bundled by import,
 * never read from disk, so the engine stays free of I/O. Hex strings in the JSON (USB IDs,
 * addresses, STM32 product IDs) become numbers here.
 */
const hex = z
  .string()
  .regex(/^0x[0-9a-fA-F]+$/)
  .transform((s) => parseInt(s, 16));

const figure = z.enum(['core', 'clockMHz', 'flashKB', 'ramKB', 'usb']);

const boardSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    name: z.string().min(1),
    mcu: z.string().min(1),
    core: z.string().min(1),
    clockMHz: z.number().positive(),
    flashKB: z.number().int().positive(),
    ramKB: z.number().int().positive(),
    psramKB: z.number().int().positive().optional(),
    usb: z.array(z.object({ vid: hex, pid: hex, what: z.string() })).min(1),
    flashMethod: z.enum(['esp32-rom', 'stm32-uart', 'uf2', 'other']),
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
  })
  .superRefine((b, ctx) => {
    if (b.flashMethod === 'esp32-rom' && !b.espChip)
      ctx.addIssue({ code: 'custom', message: `${b.id}: esp32-rom needs espChip` });
    if (b.flashMethod === 'stm32-uart' && (b.stm32Pid === undefined || b.model.address === undefined)) {
      ctx.addIssue({ code: 'custom', message: `${b.id}: stm32-uart needs stm32Pid and model.address` });
    }
    if (b.flashMethod === 'uf2' && (!b.model.uf2Family || b.model.address === undefined)) {
      ctx.addIssue({ code: 'custom', message: `${b.id}: uf2 needs model.uf2Family and model.address` });
    }
  });

export type Board = z.output<typeof boardSchema>;

export function parseBoards(json: unknown): Board[] {
  const r = z.object({ version: z.literal(1), boards: z.array(boardSchema).min(1) }).safeParse(json);
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

export const BOARDS: readonly Board[] = parseBoards(catalogue);

export function boardById(id: string): Board | undefined {
  return BOARDS.find((b) => b.id === id);
}

/** Boards that enumerate with this USB VID:PID (a guess: bridges like the CP2102N are shared). */
export function boardsForUsb(vid: number, pid: number): Board[] {
  return BOARDS.filter((b) => b.usb.some((u) => u.vid === vid && u.pid === pid));
}
