/** Contract shapes of the Devices view and the wizard's Deploy panel (issue 7). Type-only. */

export type {
  CoralFirmwareOutcome,
  DeviceList,
  FlashOutcome,
  FlashParams,
  ModelExportFormatId,
  SerialPortEntry,
  UsbDeviceEntry,
  UsbFlashAction,
} from '../engine/deploy/device-types';

/** One exported file as it crosses the wire (the app saves or downloads it). */
export interface ExportFile {
  name: string;
  bytes: Uint8Array;
}
