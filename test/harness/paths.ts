// Moved to test/support/paths.ts. Kept only while test/unit/api/connectionReport.test.ts, which
// another change is moving, still imports it from here; delete with that import.
export * from '../support/paths';
