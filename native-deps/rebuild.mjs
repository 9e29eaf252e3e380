// Rebuilds Lowbit's native modules against the installed Electron's ABI (they are installed for
// Node's ABI by npm). Run by `npm run package`; needs a C++ toolchain (see native-deps/README.md).
import { rebuild } from '@electron/rebuild';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const electronVersion = require('electron/package.json').version;
const onlyModules = ['@serialport/bindings-cpp', 'usb', 'onnxruntime-node'].filter((m) => {
  try {
    require.resolve(`${m}/package.json`, { paths: [root] });
    return true;
  } catch {
    return false;
  }
});
console.error(`rebuilding ${onlyModules.join(', ')} for Electron ${electronVersion}`);
await rebuild({ buildPath: root, electronVersion, onlyModules, force: true });
console.error('native modules rebuilt');
