/** Entry points into the wizard: the bundled demo (Start screen) and "Optimize…" on an open model. */
import { api } from './api';
import type { ModelHandle } from './contract';
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
 * Asks (in the page) before the open model goes when that would lose something: a run in
 * progress (it is cancelled) or runs whose models were not saved (discarded with the session).
 * `action` says what is about to happen. True when nothing is lost or the user agreed.
 */
async function mayDiscard(
  h: ModelHandle,
  action: { title: string; verb: string; confirm: string },
): Promise<boolean> {
  const mine = wizard.modelId === h.id;
  const running = mine && wizard.busy;
  const unsaved = mine ? wizard.unsavedRuns : [];
  if (!running && !unsaved.length) return true;
  const n = unsaved.length;
  const ok = await confirm.ask({
    title: action.title,
    message: [
      ...(running ? [`A run is in progress: ${action.verb} cancels it, and nothing it made is kept.`] : []),
      ...(n
        ? [
            `${n} run${n === 1 ? ' is' : 's are'} not saved (${unsaved.map((r) => r.label).join('; ')}). ${action.verb[0]!.toUpperCase()}${action.verb.slice(1)} discards ${n === 1 ? 'it' : 'them'} and the models made. To keep them, save the session or the models first.`,
          ]
        : []),
    ],
    confirm: running
      ? `Cancel the run and ${action.confirm}`
      : `${action.confirm[0]!.toUpperCase()}${action.confirm.slice(1)} and discard`,
    cancel: 'Keep it open',
    destructive: true,
  });
  if (!ok || session.handle?.id !== h.id) return false;
  if (running) await wizard.cancel();
  return true;
}

/** The wizard lets go of a model that is closed or replaced. */
function forget(h: ModelHandle): void {
  if (wizard.modelId !== h.id) return;
  wizard.reset();
  wizard.modelId = null;
  wizard.demo = null;
  if (route.view === 'wizard') route.view = 'main';
}

// Opening another model over this one asks as closing does (issue 17 item 6).
session.beforeReplace = (h, next) =>
  mayDiscard(h, { title: `Open ${next} instead of ${h.name}?`, verb: 'opening it', confirm: 'open it' });
session.onReplaced = forget;

/** Closes the open model, asking first when that would lose something. False: the user kept it open. */
export async function closeCurrent(): Promise<boolean> {
  const h = session.handle;
  if (!h) return true;
  if (!(await mayDiscard(h, { title: `Close ${h.name}?`, verb: 'closing', confirm: 'close' }))) return false;
  forget(h);
  session.close();
  if (route.view === 'wizard') route.view = 'main';
  return true;
}
