/**
 * The renderer's only door into main/: the IPC contract (types plus the two runtime helpers,
 * buildApi and ApiError, which have no dependencies). Everything in the renderer imports the
 * contract from here.
 *
 * The eslint-disable below works around the layering rule in eslint.config.js: its pattern
 * pair ['**\/main/**', '!**\/main/contract/**'] follows .gitignore semantics, where a file cannot
 * be re-included once its parent folder (main/contract) is excluded, so even contract imports
 * are reported. Fixing the rule would need '!**\/main/contract/' as well (owned by the lead).
 */
// eslint-disable-next-line no-restricted-imports
export * from '../../../main/contract/types';
