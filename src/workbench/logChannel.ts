import * as vscode from 'vscode';
import { Commands } from '../common/constants';
import { Disposable } from '../common/lifecycle';
import { Logger } from '../common/logger';

/** The one LogOutputChannel, "GitShare", the Logger over it, and "GitShare: Show Log". */
export class LogChannel extends Disposable {
  readonly logger: Logger;

  constructor() {
    super();
    const output = this._register(vscode.window.createOutputChannel('GitShare', { log: true }));
    this.logger = Logger.create(output);
    this._register(vscode.commands.registerCommand(Commands.showLog, () => output.show()));
  }
}
