// Moved to test/support/serverSession.ts, which e2e and the bench use too. Kept only while unit
// tests import it from here; delete once they import test/support/serverSession.
export * from '../../support/serverSession';
