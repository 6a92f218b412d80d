// Moved to test/support/testServer.ts, which the local server's own tests use too. Kept only while
// unit tests import it from here; delete once they import test/support/testServer.
export * from '../../support/testServer';
