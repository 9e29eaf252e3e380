import type { CliCommand } from '../command';
import { parse } from '../args';
import { JSON_FLAG } from '../options';
import { familiesByTarget } from '../../devices/families';
import { listDevices } from '../../devices/listing';
import { usbTargetOf } from '../../devices/link/usb-backend';
import { findUf2Drives } from '../../devices/uf2/drive';

const hex4 = (n: number | undefined) => (n === undefined ? '----' : n.toString(16).padStart(4, '0'));

export const command: CliCommand = {
  name: 'devices',
  summary: 'List serial ports, USB devices and UF2 drives, with a board guess',
  usage: `usage: lowbit devices [--json]

Lists serial ports (USB IDs from serialport, or from /sys when udevadm is missing), USB
devices and mounted RP2040/RP2350 BOOTSEL drives, each with the catalogue boards that
match its USB VID:PID (a VID:PID shared by many boards, CP2102N or ST-LINK, lists them all)
and the device families that would flash it (\`lowbit flash --protocol\`). A Coral USB
Accelerator shows its state (1a6e:089a needs firmware: \`lowbit edgetpu firmware\`; 18d1:9302
ready); a device Lowbit talks to but may not open gets a warning with the udev rule to install.
  --json   print {serial, usb, uf2Drives, flashWith, warnings} as JSON`,
  async run(argv, ctx) {
    const { values } = parse(argv, { ...JSON_FLAG }, { maxPositionals: 0 });
    const listing = await listDevices();
    const uf2Drives = findUf2Drives();
    const flashWith = familiesByTarget({ ...listing, drives: uf2Drives });
    const flash = (target: string) => (flashWith[target] ? `  (flash: ${flashWith[target].join(', ')})` : '');
    if (values.json) {
      ctx.out(JSON.stringify({ ...listing, uf2Drives, flashWith }, null, 2));
      return 0;
    }
    const lines: string[] = ['serial ports:'];
    if (listing.serial.length === 0) lines.push('  (none)');
    for (const p of listing.serial) {
      const who = [p.manufacturer, p.product].filter(Boolean).join(' ');
      lines.push(
        `  ${p.path}  ${hex4(p.vid)}:${hex4(p.pid)}  ${who}${p.boards.length ? `  → ${p.boards.join(', ')}` : ''}${flash(p.path)}`,
      );
    }
    lines.push('usb devices:');
    if (listing.usb.length === 0) lines.push('  (none)');
    for (const u of listing.usb) {
      lines.push(
        `  bus ${u.bus} addr ${u.address}  ${hex4(u.vid)}:${hex4(u.pid)}${u.boards.length ? `  → ${u.boards.join(', ')}` : ''}${flash(usbTargetOf(u))}${u.access === 'denied' ? '  (no permission: see the warning)' : ''}`,
        ...(u.note ? [`    ${u.note}`] : []),
      );
    }
    if (uf2Drives.length)
      lines.push(
        'uf2 drives:',
        ...uf2Drives.map((d) => `  ${d.mount}  ${d.boardId} (${d.family})${flash(d.mount)}`),
      );
    for (const w of listing.warnings) ctx.log(`warning: ${w}`);
    ctx.out(lines.join('\n'));
    return 0;
  },
};
