/**
 * Every identifier that package.json and the code must agree on lives here:
 * command ids, view ids, setting keys and context keys. A unit test checks
 * that the ids in package.json and these constants match.
 */

export const EXTENSION_ID = 'gitshare.gitshare-vscode';

/** The id of our AuthenticationProvider, and its label in the Accounts menu. */
export const AUTH_PROVIDER_ID = 'gitshare';
export const AUTH_PROVIDER_LABEL = 'GitShare';

/** The scheme of the remote file system: gitshare://<account authority>/<path>. */
export const FS_SCHEME = 'gitshare';

/** The path the UriHandler receives the OAuth callback on. */
export const AUTH_CALLBACK_PATH = '/did-authenticate';

export const ViewIds = {
  files: 'gitshare.files',
} as const;

export const SETTINGS_SECTION = 'gitshare';

/** Setting keys, relative to the `gitshare` section. */
export const Settings = {
  serverUrl: 'serverUrl',
  clientId: 'clientId',
  transfersConcurrency: 'transfers.concurrency',
  /** Seconds between checks of open remote files and expanded folders; 0 = off. */
  watchInterval: 'watch.interval',
} as const;

/** Context keys set with `setContext`, used in package.json `when` clauses. */
export const ContextKeys = {
  signedIn: 'gitshare.signedIn',
  /** The walkthrough's first step: `gitshare.serverUrl` is set (also when it was set before the walkthrough opened). */
  serverConfigured: 'gitshare.serverConfigured',
  /** The walkthrough's last step: an upload to GitShare finished in this window. */
  uploaded: 'gitshare.uploaded',
} as const;

export const Commands = {
  showLog: 'gitshare.showLog',
  /** GitShare: Check Connection (src/connectionCheck/); offered with network errors. */
  checkConnection: 'gitshare.checkConnection',
  // Sign-in (src/sessions/)
  signIn: 'gitshare.signIn',
  signInWithCode: 'gitshare.signInWithCode',
  setClientSecret: 'gitshare.setClientSecret',
  /** Asks which account (when several) and to confirm, then signs it out and revokes its tokens. */
  signOut: 'gitshare.signOut',
  enterClientDetails: 'gitshare.enterClientDetails',
  /** "Having trouble?" in the sign-in notification; hidden from the palette. */
  authUseCode: 'gitshare.auth.useCode',
  // Remote files (src/commands/, src/views/, src/fs/)
  refresh: 'gitshare.files.refresh',
  upload: 'gitshare.files.upload',
  uploadHere: 'gitshare.files.uploadHere',
  uploadFromExplorer: 'gitshare.files.uploadFromExplorer',
  download: 'gitshare.files.download',
  newFolder: 'gitshare.files.newFolder',
  newFile: 'gitshare.files.newFile',
  open: 'gitshare.files.open',
  rename: 'gitshare.files.rename',
  delete: 'gitshare.files.delete',
  copyPath: 'gitshare.files.copyPath',
  loadMore: 'gitshare.files.loadMore',
  addFolderToWorkspace: 'gitshare.files.addFolderToWorkspace',
  // Finding files (src/search/, src/filesView/revealInViewCommand.ts)
  goToFile: 'gitshare.goToFile',
  revealInView: 'gitshare.files.revealInView',
} as const;
