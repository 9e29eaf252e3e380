/** Entry points into the wizard: the bundled demo (Start screen) and "Optimize…" on an open model. */
import { api } from './api';
import { toErrorInfo } from './errors';
import { route } from './route.svelte';
import { session } from './session.svelte';
import { wizard } from './wizard.svelte';

export async function tryDemo(): Promise<void> {
  session.busy = 'Opening the bundled demo…';
  try {
    const demo = await api.demo.open({});
    await session.opened(demo.model);
    if (session.handle?.id !== demo.model.id) return;
    wizard.begin(demo.model.id, { test: demo.dataset, calibration: demo.calibration });
    route.view = 'wizard';
  } catch (e) {
    session.showError(toErrorInfo(e));
  } finally {
    if (session.busy === 'Opening the bundled demo…') session.busy = null;
  }
}

export function optimizeCurrent(): void {
  const h = session.handle;
  if (!h) return;
  if (wizard.modelId !== h.id) wizard.begin(h.id);
  route.view = 'wizard';
}
