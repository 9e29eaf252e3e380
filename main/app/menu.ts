import { Menu, type MenuItemConstructorOptions } from 'electron';
import type { RecentModel } from '../contract/types';

export interface MenuActions {
  openModel(): void;
  openRecent(path: string): void;
  quit(): void;
}

export function buildMenu(recent: RecentModel[], actions: MenuActions): Menu {
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        { label: 'Open Model…', accelerator: 'CmdOrCtrl+O', click: () => actions.openModel() },
        {
          label: 'Open Recent',
          submenu: recent.length
            ? recent.map((r) => ({
                label: r.name,
                sublabel: r.path,
                click: () => actions.openRecent(r.path),
              }))
            : [{ label: 'No recent models', enabled: false }],
        },
        { type: 'separator' },
        { label: isMac ? 'Quit Lowbit' : 'Quit', accelerator: 'CmdOrCtrl+Q', click: () => actions.quit() },
      ],
    },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  ];
  return Menu.buildFromTemplate(template);
}
