/**
 * The Coral USB Accelerator's two USB identities (libedgetpu driver/usb, debian/
 * edgetpu-accelerator.rules): it enumerates as 1a6e:089a (Global Unichip) with a DFU interface
 * until its firmware is loaded, then, after a port reset, as 18d1:9302 (Google) on the same port.
 */
export const CORAL_NEEDS_FIRMWARE = { vid: 0x1a6e, pid: 0x089a } as const;
export const CORAL_READY = { vid: 0x18d1, pid: 0x9302 } as const;

export type CoralState = 'needs-firmware' | 'ready';

export function coralStateOf(vid: number, pid: number): CoralState | undefined {
  if (vid === CORAL_NEEDS_FIRMWARE.vid && pid === CORAL_NEEDS_FIRMWARE.pid) return 'needs-firmware';
  if (vid === CORAL_READY.vid && pid === CORAL_READY.pid) return 'ready';
  return undefined;
}

/** What each state means for the user, in one line (CLI and Devices view). */
export const CORAL_STATE_TEXT: Record<CoralState, string> = {
  'needs-firmware': 'Coral USB Accelerator without firmware: load it with `lowbit edgetpu firmware`',
  ready:
    'Coral USB Accelerator ready; running models on it needs the Edge TPU runtime (libedgetpu) and a TFLite runtime with the Edge TPU delegate (tflite_runtime or pycoral), which Lowbit does not bundle',
};
