// Moved to test/runner/testFiles.ts. Kept only while test/integration/index.ts, which another change
// is moving, still imports it from here; delete with that import.
export * from '../runner/testFiles';
