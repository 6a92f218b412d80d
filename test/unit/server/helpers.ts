// Moved to test/support/serverHttp.ts (the server's own tests moved beside it, to test/server/test/).
// Kept only while unit tests import it from here; delete once they import test/support/serverHttp.
export * from '../../support/serverHttp';
