// The extension's strings in other languages (issue 17), with @vscode/l10n-dev, the tool VS Code's own
// extensions use:
//
//   node scripts/l10n.mjs export   (npm run l10n) writes l10n/bundle.l10n.json from the sources:
//                                   every vscode.l10n.t(…) and @vscode/l10n's l10n.t(…) in src/
//   node scripts/l10n.mjs check    (part of npm run lint) fails when l10n/bundle.l10n.json is not
//                                   what the sources say, when package.json names a %key% that
//                                   package.nls.json lacks or package.nls.json has a key nothing
//                                   uses, or when a field VS Code shows from package.json is text
//                                   instead of a %key%
//
// pseudoLocalize() writes the pseudo-locale (qps-ploc) files a translator would ship, for the e2e test
// that shows the UI follows the display language. Plain JavaScript: it runs before anything is compiled.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getL10nJson, getL10nPseudoLocalized } from '@vscode/l10n-dev';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bundleFileOf = (root) => path.join(root, 'l10n', 'bundle.l10n.json');
const nlsFileOf = (root) => path.join(root, 'package.nls.json');

function sourceFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The bundle the sources call for: message → message (or { message, comment }). */
export async function bundleFromSources(root = repoRoot) {
  const files = sourceFiles(path.join(root, 'src'))
    .sort()
    .map((file) => ({ contents: fs.readFileSync(file, 'utf8'), extension: '.ts' }));
  const bundle = await getL10nJson(files);
  return Object.fromEntries(
    Object.keys(bundle)
      .sort()
      .map((key) => [key, bundle[key]]),
  );
}

/** Where VS Code shows text from package.json: each must be a %key% of package.nls.json. */
function localizableFields(pkg) {
  const fields = [
    ['displayName', pkg.displayName],
    ['description', pkg.description],
  ];
  const c = pkg.contributes ?? {};
  const configurations = Array.isArray(c.configuration) ? c.configuration : c.configuration ? [c.configuration] : [];
  for (const configuration of configurations) {
    fields.push(['configuration.title', configuration.title]);
    for (const [id, property] of Object.entries(configuration.properties ?? {})) {
      for (const key of ['description', 'markdownDescription', 'deprecationMessage', 'markdownDeprecationMessage']) {
        if (property[key] !== undefined) {
          fields.push([`${id}.${key}`, property[key]]);
        }
      }
      for (const [i, text] of (property.enumDescriptions ?? property.markdownEnumDescriptions ?? []).entries()) {
        fields.push([`${id}.enumDescriptions[${i}]`, text]);
      }
    }
  }
  for (const walkthrough of c.walkthroughs ?? []) {
    fields.push([`walkthrough ${walkthrough.id}.title`, walkthrough.title]);
    fields.push([`walkthrough ${walkthrough.id}.description`, walkthrough.description]);
    for (const step of walkthrough.steps ?? []) {
      fields.push([`walkthrough step ${step.id}.title`, step.title]);
      fields.push([`walkthrough step ${step.id}.description`, step.description]);
    }
  }
  for (const provider of c.authentication ?? []) {
    fields.push([`authentication ${provider.id}.label`, provider.label]);
  }
  for (const containers of Object.values(c.viewsContainers ?? {})) {
    for (const container of containers) {
      fields.push([`viewsContainer ${container.id}.title`, container.title]);
    }
  }
  for (const views of Object.values(c.views ?? {})) {
    for (const view of views) {
      fields.push([`view ${view.id}.name`, view.name]);
      if (view.contextualTitle !== undefined) {
        fields.push([`view ${view.id}.contextualTitle`, view.contextualTitle]);
      }
    }
  }
  for (const [i, welcome] of (c.viewsWelcome ?? []).entries()) {
    fields.push([`viewsWelcome[${i}].contents`, welcome.contents]);
  }
  for (const command of c.commands ?? []) {
    fields.push([`command ${command.command}.title`, command.title]);
    if (command.category !== undefined) {
      fields.push([`command ${command.command}.category`, command.category]);
    }
    if (command.shortTitle !== undefined) {
      fields.push([`command ${command.command}.shortTitle`, command.shortTitle]);
    }
  }
  for (const submenu of c.submenus ?? []) {
    fields.push([`submenu ${submenu.id}.label`, submenu.label]);
  }
  return fields;
}

/** The problems `check` reports, one line each; none when all is in order. */
export async function problems(root = repoRoot) {
  const found = [];
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const nls = JSON.parse(fs.readFileSync(nlsFileOf(root), 'utf8'));
  if (pkg.l10n !== './l10n') {
    found.push('package.json: "l10n" must be "./l10n", where the translated bundles are');
  }
  const used = new Set();
  for (const [where, value] of localizableFields(pkg)) {
    if (value === undefined) {
      continue;
    }
    const key = typeof value === 'string' ? /^%([^%]+)%$/.exec(value)?.[1] : undefined;
    if (!key) {
      found.push(
        `package.json ${where}: ${JSON.stringify(value)} is shown to people; make it a %key% of package.nls.json`,
      );
    } else if (!(key in nls)) {
      found.push(`package.json ${where}: %${key}% is not in package.nls.json`);
    } else {
      used.add(key);
    }
  }
  for (const key of Object.keys(nls)) {
    if (!used.has(key)) {
      found.push(`package.nls.json: "${key}" is used nowhere in package.json`);
    }
  }
  const wanted = await bundleFromSources(root);
  let current = {};
  try {
    current = JSON.parse(fs.readFileSync(bundleFileOf(root), 'utf8'));
  } catch {
    found.push('l10n/bundle.l10n.json is missing');
  }
  for (const key of Object.keys(wanted)) {
    if (!(key in current)) {
      found.push(`l10n/bundle.l10n.json lacks ${JSON.stringify(key)}`);
    } else if (JSON.stringify(current[key]) !== JSON.stringify(wanted[key])) {
      found.push(`l10n/bundle.l10n.json has another comment for ${JSON.stringify(key)}`);
    }
  }
  for (const key of Object.keys(current)) {
    if (!(key in wanted)) {
      found.push(`l10n/bundle.l10n.json still has ${JSON.stringify(key)}, which no source uses`);
    }
  }
  return found;
}

/**
 * Writes package.nls.<language>.json and l10n/bundle.l10n.<language>.json (pseudo-localized, as
 * `vscode-l10n-dev generate-pseudo` does) into `extensionDir`, an installed copy of the extension.
 * Returns both tables, English → pseudo text.
 */
export async function pseudoLocalize(extensionDir, language = 'qps-ploc') {
  const nls = getL10nPseudoLocalized(JSON.parse(fs.readFileSync(nlsFileOf(repoRoot), 'utf8')));
  const bundle = getL10nPseudoLocalized(await bundleFromSources());
  fs.writeFileSync(path.join(extensionDir, `package.nls.${language}.json`), JSON.stringify(nls, null, 2));
  fs.mkdirSync(path.join(extensionDir, 'l10n'), { recursive: true });
  fs.writeFileSync(path.join(extensionDir, 'l10n', `bundle.l10n.${language}.json`), JSON.stringify(bundle, null, 2));
  return { nls, bundle };
}

async function main(command) {
  if (command === 'export') {
    const bundleFile = bundleFileOf(repoRoot);
    fs.mkdirSync(path.dirname(bundleFile), { recursive: true });
    fs.writeFileSync(bundleFile, JSON.stringify(await bundleFromSources(), null, 2) + '\n');
    console.log(`Wrote ${path.relative(repoRoot, bundleFile)}`);
    return 0;
  }
  if (command === 'check') {
    const found = await problems();
    for (const line of found) {
      console.error(line);
    }
    if (found.length) {
      console.error(
        `${found.length} localization problem(s); \`npm run l10n\` rewrites l10n/bundle.l10n.json from the sources.`,
      );
    }
    return found.length ? 1 : 0;
  }
  console.error('usage: node scripts/l10n.mjs export|check');
  return 2;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv[2]);
}
