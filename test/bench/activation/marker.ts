/** Shared by probe.ts (in the extension host) and measure.ts; in its own module so the bench side never loads `vscode`. */
export const PROBE_MARKER = 'GITSHARE-BENCH-ACTIVATION ';

/** An extension whose activate() does nothing, loaded in the same window: what any activation costs there. */
export const YARDSTICK_ID = 'bench.empty-extension';
export const YARDSTICK_NAME = 'Empty Extension (bench yardstick)';
