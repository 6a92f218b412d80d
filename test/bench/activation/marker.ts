/** The line probe.ts prints for measure.ts; in its own module so the bench side never loads `vscode`. */
export const PROBE_MARKER = 'GITSHARE-BENCH-ACTIVATION ';
