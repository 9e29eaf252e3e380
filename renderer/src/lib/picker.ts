/**
 * One hidden <input type=file> (FileInput.svelte, in the top bar) serves every "choose a file"
 * control, so tests and assistive tech find exactly one file input.
 */
let pick: (() => void) | null = null;

export function registerPicker(fn: () => void): () => void {
  pick = fn;
  return () => {
    if (pick === fn) pick = null;
  };
}

export function pickFile(): void {
  pick?.();
}
