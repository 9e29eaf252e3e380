/**
 * Light/dark theme. Follows prefers-color-scheme until the user picks one with the toggle; the
 * choice is remembered in localStorage. The effective theme is set as <html data-theme=...>,
 * which the CSS variables in app.css key on.
 */
export type Theme = 'light' | 'dark';

const KEY = 'lowbit.theme';

function stored(): Theme | null {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : null;
  } catch {
    return null; // storage disabled: behave as if nothing was chosen
  }
}

class ThemeState {
  private media = window.matchMedia('(prefers-color-scheme: dark)');
  system = $state<Theme>(this.media.matches ? 'dark' : 'light');
  choice = $state<Theme | null>(stored());
  current = $derived<Theme>(this.choice ?? this.system);

  constructor() {
    this.media.addEventListener('change', (e) => (this.system = e.matches ? 'dark' : 'light'));
  }

  /**
   * Switches to the other theme. Landing back on the system's theme forgets the choice, so the
   * app follows the system again from then on (no separate "use system theme" control needed).
   */
  toggle(): void {
    const next: Theme = this.current === 'dark' ? 'light' : 'dark';
    this.choice = next === this.system ? null : next;
    try {
      if (this.choice) localStorage.setItem(KEY, this.choice);
      else localStorage.removeItem(KEY);
    } catch {
      // not remembered across sessions, still applied now
    }
  }

  /** Keeps <html data-theme> in step; call once from the root component. */
  apply(): void {
    document.documentElement.dataset.theme = this.current;
    document.documentElement.style.colorScheme = this.current;
  }
}

export const theme = new ThemeState();
