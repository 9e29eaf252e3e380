/**
 * Questions asked in the page before something is thrown away (closing a model with unsaved
 * runs or during a run, dropping a requirement): one at a time, answered with the dialog's
 * buttons or Escape (= the safe answer). Never window.confirm, which blocks the page and cannot be
 * styled, tested or read in the app's own words.
 */
export interface Question {
  title: string;
  /** Paragraphs of explanation. */
  message: string[];
  /** The button that goes ahead ("Close model"); the other one keeps things as they are. */
  confirm: string;
  cancel?: string;
  /** True when going ahead loses work (the button is styled as dangerous). */
  destructive?: boolean;
}

class Confirm {
  question = $state<Question | null>(null);
  private resolve: ((yes: boolean) => void) | null = null;

  /** Shows the question; resolves true when the user goes ahead. A newer question cancels an older one. */
  ask(q: Question): Promise<boolean> {
    this.answer(false);
    this.question = q;
    return new Promise((r) => (this.resolve = r));
  }

  answer(yes: boolean): void {
    const r = this.resolve;
    this.resolve = null;
    this.question = null;
    r?.(yes);
  }
}

export const confirm = new Confirm();
