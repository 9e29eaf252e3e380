/** Entry points into the wizard: the bundled demo (Start screen) and "Optimize…" on an open model. */
import { api } from './api';
import { confirm } from './confirm.svelte';
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

/**
 * Closes the open model, asking first (in the page) when that would lose something: a run in
 * progress (it is cancelled) or runs whose models were not saved (they are discarded with the
 * session). Resolves false when the user keeps the model open.
 */
export async function closeCurrent(): Promise<boolean> {
  const h = session.handle;
  if (!h) return true;
  const mine = wizard.modelId === h.id;
  const running = mine && wizard.busy;
  const unsaved = mine ? wizard.unsavedRuns : [];
  if (running || unsaved.length) {
    const n = unsaved.length;
    const ok = await confirm.ask({
      title: `Close ${h.name}?`,
      message: [
        ...(running
          ? ['A run is in progress: closing the model cancels it, and nothing it made is kept.']
          : []),
        ...(n
          ? [
              `${n} run${n === 1 ? ' is' : 's are'} not saved (${unsaved.map((r) => r.label).join('; ')}). Closing discards ${n === 1 ? 'it' : 'them'} and the models made. To keep them, save the session or the models first.`,
            ]
          : []),
      ],
      confirm: running ? 'Cancel the run and close' : 'Close and discard',
      cancel: 'Keep it open',
      destructive: true,
    });
    if (!ok || session.handle?.id !== h.id) return false;
    if (running) await wizard.cancel();
  }
  if (mine) {
    wizard.reset();
    wizard.modelId = null;
    wizard.demo = null;
  }
  session.close();
  if (route.view === 'wizard') route.view = 'main';
  return true;
}
