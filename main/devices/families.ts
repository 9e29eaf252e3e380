/**
 * The device families, one line each: the one registry the CLI (`lowbit flash`, `lowbit
 * devices`) and the services (deploy.flash) read. What a family is: family.ts. How to add one:
 * the header of family.ts.
 */
import { boardById } from '../engine/deploy/boards';
import type { DeviceList, FlashFamilyId, UsbFlashAction } from '../engine/deploy/device-types';
import { isFlashFamilyId } from '../engine/deploy/device-types';
import { dfuseFamily } from './dfuse/family';
import { esp32Family } from './esp32/family';
import type { DeviceFamily, FoundDevices } from './family';
import { picobootFamily } from './picoboot/family';
import { usbTargetOf } from './link/usb-backend';
import { stm32Family } from './stm32/family';
import { uf2Family } from './uf2/family';

export const FAMILIES: Readonly<Record<FlashFamilyId, DeviceFamily>> = {
  esp32: esp32Family,
  stm32: stm32Family,
  uf2: uf2Family,
  dfuse: dfuseFamily,
  picoboot: picobootFamily,
};

export function familyById(id: string): DeviceFamily | undefined {
  return isFlashFamilyId(id) ? FAMILIES[id] : undefined;
}

/**
 * For each port or drive in a listing, the families that would flash it, from the families' own
 * `detect` (a guess from USB IDs and drive labels: the user still picks).
 */
export function familiesByTarget(found: FoundDevices): Record<string, FlashFamilyId[]> {
  const out: Record<string, FlashFamilyId[]> = {};
  for (const [id, family] of Object.entries(FAMILIES) as [FlashFamilyId, DeviceFamily][])
    for (const target of family.detect(found)) (out[target] ??= []).push(id);
  return out;
}

/**
 * The listing's USB devices, each with the families that would flash it (`flashWith`): the
 * target ("usb:BUS:ADDRESS", as the families' detect names it) and the first board guess that
 * family flashes, so the Devices view can offer "Flash" per device.
 */
export function withUsbFlashActions(list: DeviceList): DeviceList {
  const byTarget = familiesByTarget({ ...list, drives: [] });
  const usb = list.usb.map((u) => {
    const flashWith: UsbFlashAction[] = [];
    const target = usbTargetOf(u);
    for (const family of byTarget[target] ?? []) {
      const board = u.boards.find((id) => boardById(id)?.deploy.includes(family));
      flashWith.push({ family, target, ...(board ? { board } : {}) });
    }
    return flashWith.length ? { ...u, flashWith } : u;
  });
  return { ...list, usb };
}
