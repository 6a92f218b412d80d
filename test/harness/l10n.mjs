// Moved to scripts/l10n.mjs (a build tool, not a test runner). Kept only while
// test/unit/api/connectionReport.test.ts still loads it from here; delete with that import.
export * from '../../scripts/l10n.mjs';
