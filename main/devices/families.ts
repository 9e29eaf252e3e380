/**
 * The device families, one line each: the one registry the CLI (`lowbit flash`, `lowbit
 * devices`) and the services (deploy.flash) read. What a family is: family.ts. How to add one:
 * the header of family.ts.
 */
import type { FlashFamilyId } from '../engine/deploy/device-types';
import { isFlashFamilyId } from '../engine/deploy/device-types';
import { esp32Family } from './esp32/family';
import type { DeviceFamily } from './family';
import { stm32Family } from './stm32/family';
import { uf2Family } from './uf2/family';

export const FAMILIES: Readonly<Record<FlashFamilyId, DeviceFamily>> = {
  esp32: esp32Family,
  stm32: stm32Family,
  uf2: uf2Family,
};

export function familyById(id: string): DeviceFamily | undefined {
  return isFlashFamilyId(id) ? FAMILIES[id] : undefined;
}
