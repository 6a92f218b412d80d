import * as assert from 'node:assert/strict';
import { labelText, notificationText, visibleText } from '../../../src/common/untrustedText';

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
/** A test's title in plain ASCII: a bidi control in it would reorder the test output. */
const ascii = (text: string) =>
  JSON.stringify(text).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

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

  describe('visibleText: no character acts unseen', () => {
    // What a name holds, and what a person sees of it: as VS Code's editor shows such characters.
    const cases: [string, string][] = [
      ['invoice\u202Efdp.exe', 'invoice[U+202E]fdp.exe'],
      ['report\u202Dtxt.exe', 'report[U+202D]txt.exe'],
      ['a\u202Ab\u202Bc\u202Cd', 'a[U+202A]b[U+202B]c[U+202C]d'],
      ['\u2066x\u2067y\u2068z\u2069', '[U+2066]x[U+2067]y[U+2068]z[U+2069]'],
      ['mark\u200E\u200F\u061C.txt', 'mark[U+200E][U+200F][U+061C].txt'],
      ['two\nlines\r.txt', 'two\u240Alines\u240D.txt'],
      ['tab\there', 'tab\u2409here'],
      ['nul\u0000 esc\u001B del\u007F', 'nul\u2400 esc\u241B del\u2421'],
      ['c1\u0085\u009B', 'c1[U+0085][U+009B]'],
      ['sep\u2028\u2029', 'sep[U+2028][U+2029]'],
      ['\uFEFFbom', '[U+FEFF]bom'],
      ['plain name (1).txt', 'plain name (1).txt'],
      ['日本語 ملف.txt', '日本語 ملف.txt'],
    ];
    for (const [name, shown] of cases) {
      it(`${ascii(name)} reads ${ascii(shown)}`, () => {
        // In notifications and quick picks, which add their own escapes on top, and as such.
        assert.equal(visible(notificationText(name)), shown);
        assert.equal(renderLabel(labelText(name)), shown);
        assert.equal(visibleText(name), shown);
      });
    }

    it('leaves no unseen character behind', () => {
      const all = Array.from({ length: 0x3000 }, (_, i) => String.fromCharCode(i)).join('');
      const shown = visibleText(all);
      // eslint-disable-next-line no-control-regex
      const unseen = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
      assert.equal(shown.match(unseen), null);
    });
  });
});
