import * as assert from 'node:assert/strict';
import { labelText, notificationText } from '../../../src/common/untrustedText';

/** The workbench's parseLinkedText pattern (vs/base/common/linkedText.ts, VS Code 1.139). */
const LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;
/** The workbench's renderLabelWithIcons: an unescaped match becomes an icon. */
const ICON = /(\\)?\$\(([A-Za-z0-9-]+(?:~[A-Za-z]+)?)\)/g;

/** What the workbench puts on screen for a quick-pick label: icons as `<icon:name>`. */
function renderLabel(text: string): string {
  return text.replace(ICON, (_match, escaped: string | undefined, name: string) =>
    escaped ? `$(${name})` : `<icon:${name}>`,
  );
}

const visible = (text: string) => text.replace(/\u200b/g, '');

describe('untrustedText', () => {
  describe('notificationText', () => {
    const hostile = [
      '[Click me](command:workbench.action.openGlobalSettings)',
      '…/[Show details](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%22%7D): The file is too large for GitShare.',
      'see [docs](https://evil.example/x "title")',
      '[a](file:///etc/passwd) and [b](command:x)',
      'nested [[x](command:a)](command:b)',
    ];
    for (const text of hostile) {
      it(`leaves no link in ${JSON.stringify(text.slice(0, 40))}`, () => {
        assert.ok(text.match(LINK), 'the raw text would be a link');
        const safe = notificationText(text);
        assert.equal(safe.match(LINK), null);
        assert.equal(visible(safe), text, 'every visible character stays');
      });
    }

    it('leaves ordinary text alone', () => {
      for (const text of ['notes (1).txt', '[draft] plan.md', 'a]b(c', '1 uploaded, 1 failed.']) {
        assert.equal(notificationText(text), text.replace('](', ']\u200b('));
      }
      assert.equal(notificationText('notes (1).txt'), 'notes (1).txt');
      assert.equal(notificationText('[draft] plan.md'), '[draft] plan.md');
    });
  });

  describe('labelText', () => {
    const cases: [string, string][] = [
      ['$(alert) urgent.txt', '$(alert) urgent.txt'],
      ['a $(x~spin) b $(y)', 'a $(x~spin) b $(y)'],
      ['\\$(alert) already escaped', '\\$(alert) already escaped'],
      ['$(not an icon', '$(not an icon'],
      ['price $5 (each)', 'price $5 (each)'],
      ['plain.txt', 'plain.txt'],
    ];
    for (const [input, shown] of cases) {
      it(`shows ${JSON.stringify(input)} literally`, () => {
        assert.equal(renderLabel(labelText(input)), shown);
        assert.ok(!renderLabel(labelText(input)).includes('<icon:'));
      });
    }

    it('the renderer would have drawn an icon without it', () => {
      assert.equal(renderLabel('$(alert) urgent.txt'), '<icon:alert> urgent.txt');
    });
  });
});
