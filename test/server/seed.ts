import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { deflateSync } from 'node:zlib';

/**
 * Demo content for a new account, so the sidebar is not empty on first start. Written only when
 * the account's folder does not exist yet; never touches an existing tree.
 */

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) {
      c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    }
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) {
    c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  }
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A small RGB PNG: a sunset-coloured gradient with a round "sun". */
export function makePng(width = 64, height = 48): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) {
      const sun = (x - width * 0.65) ** 2 + (y - height * 0.45) ** 2 < (height * 0.18) ** 2;
      const t = y / (height - 1);
      const [r, g, b] = sun
        ? [255, 214, 92]
        : y > height * 0.75
          ? [30, 70, 110]
          : [Math.round(250 - 90 * t), Math.round(140 - 80 * t), Math.round(90 + 80 * t)];
      row[1 + x * 3] = r!;
      row[2 + x * 3] = g!;
      row[3 + x * 3] = b!;
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const TEXT_FILES: Readonly<Record<string, string>> = {
  'README.md':
    '# Welcome to GitShare\n\nThese files live on your local GitShare server. Open, edit, upload and download them from VS Code.\n\n- `notes/` — a to-do list and some ideas\n- `projects/website/` — a tiny static site\n- `photos/` — a picture\n',
  'notes/todo.md':
    '# To do\n\n- [x] Install the GitShare extension\n- [ ] Sign in\n- [ ] Upload the slides for Friday\n- [ ] Share the website folder with Sam\n',
  'notes/ideas.txt':
    'Ideas\n-----\n* A photo wall for the team page\n* Dark mode for the website\n* Weekly backup of the notes folder\n',
  'projects/website/index.html':
    '<!DOCTYPE html>\n<html lang="en">\n<head>\n  <meta charset="utf-8">\n  <title>My site</title>\n  <link rel="stylesheet" href="style.css">\n</head>\n<body>\n  <h1>Hello from GitShare</h1>\n  <p>This page is stored on GitShare.</p>\n</body>\n</html>\n',
  'projects/website/style.css':
    'body {\n  font-family: system-ui, sans-serif;\n  margin: 2rem auto;\n  max-width: 40rem;\n  color: #222;\n}\n\nh1 {\n  color: #0366d6;\n}\n',
};

/** Creates the account folder with demo files if it does not exist; returns whether it seeded. */
export async function seedAccount(accountRoot: string): Promise<boolean> {
  try {
    await fsp.mkdir(accountRoot, { recursive: false });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      return false;
    }
    throw err;
  }
  for (const [relative, text] of Object.entries(TEXT_FILES)) {
    const target = path.join(accountRoot, ...relative.split('/'));
    await fsp.mkdir(path.dirname(target), { recursive: true });
    await fsp.writeFile(target, text, 'utf8');
  }
  await fsp.mkdir(path.join(accountRoot, 'photos'), { recursive: true });
  await fsp.writeFile(path.join(accountRoot, 'photos', 'sunset.png'), makePng());
  return true;
}
