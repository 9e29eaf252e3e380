/**
 * `use:arrowRadios` on a role="radiogroup" whose options are buttons with role="radio": the arrow
 * keys move to the previous or next enabled option and choose it (as native radio buttons do),
 * Home and End to the first and last; only the chosen option is in the Tab order (roving tabindex),
 * so Tab leaves the group instead of walking through every card.
 */
export function arrowRadios(group: HTMLElement): { destroy(): void } {
  const options = () =>
    [...group.querySelectorAll<HTMLElement>('[role="radio"]')].filter(
      (o) => !(o as HTMLButtonElement).disabled && o.getAttribute('aria-disabled') !== 'true',
    );

  /** Tab stops: the checked option, or the first when none is. */
  const roving = () => {
    const all = options();
    const checked = all.find((o) => o.getAttribute('aria-checked') === 'true') ?? all[0];
    for (const o of group.querySelectorAll<HTMLElement>('[role="radio"]'))
      o.tabIndex = o === checked ? 0 : -1;
  };

  const onKey = (e: KeyboardEvent) => {
    const all = options();
    const at = all.indexOf(e.target as HTMLElement);
    if (at < 0 || e.altKey || e.ctrlKey || e.metaKey) return;
    const step: Record<string, number> = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 };
    let to: number;
    if (e.key in step) to = (at + step[e.key]! + all.length) % all.length;
    else if (e.key === 'Home') to = 0;
    else if (e.key === 'End') to = all.length - 1;
    else return;
    e.preventDefault();
    const next = all[to]!;
    next.focus();
    next.click();
  };

  // The options' aria-checked changes with the state behind them: keep the tab stop on it.
  const watch = new MutationObserver(roving);
  watch.observe(group, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ['aria-checked', 'disabled'],
  });
  roving();
  group.addEventListener('keydown', onKey);
  return {
    destroy() {
      watch.disconnect();
      group.removeEventListener('keydown', onKey);
    },
  };
}
