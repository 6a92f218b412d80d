/**
 * Numbers and times as a person reads them, in the display language's way (`12.345` in German,
 * `12 345` in French). activate() hands over VS Code's display language (`vscode.env.language`);
 * a language this runtime's ICU does not know (a pseudo-locale, say) falls back to English, never
 * to the operating system's locale, which may differ from the language the UI speaks.
 */

const FALLBACK = 'en';
/** The display language as VS Code gave it; what this runtime makes of it is worked out on first use. */
let language: string | undefined;
let locale: string | undefined;
const formats = new Map<string, Intl.NumberFormat>();

/**
 * The display language numbers are formatted for; unknown or empty → English. Only remembered
 * here: the first question to Intl loads the runtime's locale data (about 17 ms), which activate()
 * should not pay when nothing is formatted yet.
 */
export function setDisplayLanguage(displayLanguage: string | undefined): void {
  language = displayLanguage;
  locale = undefined;
  formats.clear();
}

function currentLocale(): string {
  if (locale === undefined) {
    let supported: string[] = [];
    try {
      supported = language ? Intl.NumberFormat.supportedLocalesOf([language]) : [];
    } catch {
      // Not a language tag at all (RangeError): English.
    }
    locale = supported[0] ?? FALLBACK;
  }
  return locale;
}

function numberFormat(fractionDigits: number, grouping = true): Intl.NumberFormat {
  const key = `${fractionDigits}/${grouping}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(currentLocale(), {
      minimumFractionDigits: fractionDigits,
      maximumFractionDigits: fractionDigits,
      useGrouping: grouping,
    });
    formats.set(key, format);
  }
  return format;
}

/** A count: `12,345` in English, `12.345` in German. */
export function formatCount(value: number): string {
  return numberFormat(0).format(value);
}

/** `512 B`, `1.5 KB`, `12 MB`: one decimal below 10 (`1,5 KB` in German); below 1024, so no grouping. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) {
    return `${bytes} B`;
  }
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${numberFormat(value < 10 ? 1 : 0, false).format(value)} ${units[unit]}`;
}

/** A date and time, as the display language writes them. */
export function formatDateTime(ms: number): string {
  return new Date(ms).toLocaleString(currentLocale());
}
