import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { setDisplayLanguage } from '../common/format';

/**
 * The vscode-free modules speak the display language too: they translate with @vscode/l10n, which
 * gets the bundle VS Code loaded for it (none for English), and format counts, sizes and times
 * for it (common/format.ts).
 */
export function followDisplayLanguage(): void {
  if (vscode.l10n.bundle) {
    l10n.config({ contents: vscode.l10n.bundle });
  }
  setDisplayLanguage(vscode.env.language);
}
