/**
 * Fuzzy matching of file paths, the way Quick Open ranks them: the letters of
 * the query in order, preferring the file name over the folders, a prefix over
 * a substring over scattered letters, word starts, and short names. A query
 * with `/` is matched against the whole path, so a pasted path finds its file;
 * spaces separate terms that must all match.
 *
 * Built for 100,000 paths per keystroke: one lower-case copy per path made
 * once, a cheap in-order check before any scoring, and only the best `limit`
 * kept.
 */

export interface PreparedQuery {
  /** Lower-case terms, each matched on its own. */
  readonly terms: readonly string[];
  readonly raw: string;
}

export function prepareQuery(value: string): PreparedQuery {
  const raw = value.trim();
  return {
    raw,
    terms: raw
      .toLowerCase()
      .split(/\s+/)
      .filter((t) => t.length > 0),
  };
}

/** Is `query` (lower case) a subsequence of `target` (lower case) from `from` on? */
function inOrder(query: string, target: string, from = 0): boolean {
  let t = from;
  for (let q = 0; q < query.length; q++) {
    t = target.indexOf(query[q], t);
    if (t < 0) {
      return false;
    }
    t++;
  }
  return true;
}

function isSeparator(code: number): boolean {
  // / . - _ space
  return code === 47 || code === 46 || code === 45 || code === 95 || code === 32;
}

/**
 * Scores `query` as scattered letters in `target` (both lower case) from
 * `from`: greedy, with bonuses for runs and word starts. 0 when no match.
 */
function scatteredScore(query: string, target: string, from: number): number {
  let score = 0;
  let t = from;
  let previous = -2;
  for (let q = 0; q < query.length; q++) {
    const found = target.indexOf(query[q], t);
    if (found < 0) {
      return 0;
    }
    let points = 1;
    if (found === previous + 1) {
      points += 5; // a run of letters
    }
    if (found === from || isSeparator(target.charCodeAt(found - 1))) {
      points += 8; // a word start
    }
    score += points;
    previous = found;
    t = found + 1;
  }
  return score;
}

/**
 * One term against one path. `nameStart` is where the file name begins in
 * `lowerPath`. Higher is better; 0 = no match.
 */
function scoreTerm(term: string, lowerPath: string, nameStart: number): number {
  if (term.includes('/')) {
    // A path (pasted from Copy Path): the whole path, best when it is that very path.
    if (lowerPath === term || lowerPath === '/' + term) {
      return 100_000;
    }
    const at = lowerPath.indexOf(term);
    if (at >= 0) {
      return 50_000 - at * 10 - (lowerPath.length - term.length);
    }
    return inOrder(term, lowerPath) ? 1_000 + scatteredScore(term, lowerPath, 0) : 0;
  }
  const nameLength = lowerPath.length - nameStart;
  const at = lowerPath.indexOf(term, nameStart);
  if (at >= 0) {
    if (at === nameStart) {
      return (term.length === nameLength ? 90_000 : 80_000) - nameLength;
    }
    const wordStart = isSeparator(lowerPath.charCodeAt(at - 1)) ? 5_000 : 0;
    return 60_000 + wordStart - (at - nameStart) * 10 - nameLength;
  }
  if (inOrder(term, lowerPath, nameStart)) {
    return 30_000 + scatteredScore(term, lowerPath, nameStart) * 10 - nameLength;
  }
  const inPath = lowerPath.indexOf(term);
  if (inPath >= 0) {
    return 10_000 - lowerPath.length;
  }
  if (inOrder(term, lowerPath)) {
    return 1_000 + scatteredScore(term, lowerPath, 0) - lowerPath.length / 100;
  }
  return 0;
}

/**
 * All terms must match. A path is as good as its weakest term ("web css" puts
 * style.css in website/ before the folder website/, whose "css" is scattered
 * letters), the sum breaking ties.
 */
function scorePath(query: PreparedQuery, lowerPath: string, nameStart: number): number {
  let total = 0;
  let weakest = Infinity;
  for (const term of query.terms) {
    const score = scoreTerm(term, lowerPath, nameStart);
    if (score <= 0) {
      return 0;
    }
    total += score;
    weakest = Math.min(weakest, score);
  }
  return weakest + total / 1000;
}

export interface Scored {
  readonly index: number;
  readonly score: number;
}

/**
 * The best `limit` of `candidates` (indexes into `lowerPaths`), best first;
 * ties go to the shorter path, then the path's order.
 */
export function bestMatches(
  query: PreparedQuery,
  lowerPaths: readonly string[],
  nameStarts: ArrayLike<number>,
  /** Indexes to look at; undefined = all. */
  candidates: readonly number[] | undefined,
  limit: number,
  /** Every matching index, for narrowing the next keystroke's search. */
  matched?: number[],
): Scored[] {
  const best: Scored[] = [];
  let floor = 0;
  const count = candidates ? candidates.length : lowerPaths.length;
  for (let c = 0; c < count; c++) {
    const index = candidates ? candidates[c] : c;
    const score = scorePath(query, lowerPaths[index], nameStarts[index]);
    if (score <= 0) {
      continue;
    }
    matched?.push(index);
    if (best.length >= limit && score <= floor) {
      continue;
    }
    // Insert in order; `limit` is small (a screenful or two), so this stays cheap.
    let i = best.length;
    while (i > 0 && better(score, index, best[i - 1], lowerPaths)) {
      i--;
    }
    best.splice(i, 0, { index, score });
    if (best.length > limit) {
      best.pop();
    }
    floor = best.length >= limit ? best[best.length - 1].score : 0;
  }
  return best;
}

function better(score: number, index: number, other: Scored, lowerPaths: readonly string[]): boolean {
  if (score !== other.score) {
    return score > other.score;
  }
  const a = lowerPaths[index].length;
  const b = lowerPaths[other.index].length;
  return a !== b ? a < b : index < other.index;
}
