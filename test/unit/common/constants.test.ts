import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Commands, SETTINGS_SECTION, Settings } from '../../../src/common/constants';
import { DEFAULT_CONCURRENCY } from '../../../src/transfers/queue';

interface Manifest {
  contributes: {
    commands: { command: string; title: string; category?: string; icon?: string }[];
    menus: Record<string, { command: string; when?: string; group?: string }[]>;
    configuration: { properties: Record<string, { default?: unknown }> };
  };
}

// out/test/unit/common → repository root
const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../../package.json'), 'utf8')) as Manifest;
// package.json's text is %keys% of package.nls.json (English), so a translation can replace it.
const nls = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../../package.nls.json'), 'utf8')) as Record<
  string,
  string
>;
const english = (text: string | undefined) => text?.replace(/^%([^%]+)%$/, (_, key: string) => nls[key] ?? text);

describe('package.json and constants agree', () => {
  const declared = manifest.contributes.commands.map((c) => c.command).sort();
  const inCode = Object.values(Commands).sort();

  it('every contributed command id is in Commands, and vice versa', () => {
    assert.deepEqual(declared, inCode);
  });

  it('every command has category GitShare, an icon and a title without the brand prefix', () => {
    for (const command of manifest.contributes.commands) {
      assert.equal(english(command.category), 'GitShare', command.command);
      assert.match(command.icon ?? '', /^\$\([a-z-]+\)$/, command.command);
      const title = english(command.title)!;
      assert.ok(title && !title.startsWith('%'), `${command.command}: "${command.title}" has no English title`);
      assert.ok(!/^GitShare\b/.test(title), `${command.command}: "${title}"`);
    }
  });

  it('menus name only declared commands', () => {
    for (const [menu, items] of Object.entries(manifest.contributes.menus)) {
      for (const item of items) {
        assert.ok(declared.includes(item.command), `${menu}: ${item.command}`);
      }
    }
  });

  it('commands that need a tree item are hidden from the palette', () => {
    const hidden = new Set(
      manifest.contributes.menus.commandPalette.filter((m) => m.when === 'false').map((m) => m.command),
    );
    for (const id of [
      Commands.uploadHere,
      Commands.newFile,
      Commands.open,
      Commands.rename,
      Commands.delete,
      Commands.copyPath,
      Commands.loadMore,
    ]) {
      assert.ok(hidden.has(id), id);
    }
    for (const id of [Commands.upload, Commands.download, Commands.refresh, Commands.addFolderToWorkspace]) {
      assert.ok(!hidden.has(id), id);
    }
  });

  it('title bar actions use navigation groups', () => {
    for (const item of manifest.contributes.menus['view/title']) {
      assert.match(item.group ?? '', /^navigation@\d+$/, item.command);
    }
  });

  it('every setting key in Settings is declared', () => {
    for (const key of Object.values(Settings)) {
      assert.ok(`${SETTINGS_SECTION}.${key}` in manifest.contributes.configuration.properties, key);
    }
    assert.equal(
      manifest.contributes.configuration.properties['gitshare.transfers.concurrency'].default,
      DEFAULT_CONCURRENCY,
      'the manifest and the code agree',
    );
  });
});
