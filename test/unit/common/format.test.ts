import * as assert from 'node:assert/strict';
import { formatBytes, formatCount, formatDateTime, setDisplayLanguage } from '../../../src/common/format';

describe('common/format', () => {
  // Each test sets the language it reads; the suites after this one get English back.
  afterEach(() => setDisplayLanguage(undefined));

  it('formats bytes', () => {
    setDisplayLanguage('en');
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1023), '1023 B');
    assert.equal(formatBytes(1536), '1.5 KB');
    assert.equal(formatBytes(3 * 1024 * 1024), '3.0 MB');
    assert.equal(formatBytes(200 * 1024 * 1024), '200 MB');
    assert.equal(formatBytes(1023 * 1024 * 1024), '1023 MB');
  });

  it('counts and sizes are written the display language’s way', () => {
    setDisplayLanguage('en');
    assert.equal(formatCount(1234567), '1,234,567');
    setDisplayLanguage('de');
    assert.equal(formatCount(1234567), '1.234.567');
    assert.equal(formatBytes(1536), '1,5 KB');
    setDisplayLanguage('fr');
    // French groups with a narrow no-break space (U+202F).
    assert.equal(formatCount(1234567), '1\u202f234\u202f567');
    setDisplayLanguage('pt-br');
    assert.equal(formatCount(20000), '20.000');
  });

  it('a language this runtime does not know, a pseudo-locale or none: English, never an error', () => {
    for (const language of ['qps-ploc', 'xx', 'not a language!', '', undefined]) {
      setDisplayLanguage(language);
      assert.equal(formatCount(20000), '20,000', String(language));
      assert.equal(formatBytes(1536), '1.5 KB', String(language));
    }
  });

  it('setting the language asks Intl nothing; the first number formatted does (start-up does not pay for locale data)', () => {
    const original = Intl.NumberFormat.supportedLocalesOf;
    const asked: string[][] = [];
    Intl.NumberFormat.supportedLocalesOf = (locales, options) => {
      asked.push([locales].flat().map(String));
      return original.call(Intl.NumberFormat, locales, options);
    };
    try {
      setDisplayLanguage('de');
      assert.deepEqual(asked, []);
      assert.equal(formatCount(1234567), '1.234.567');
      assert.equal(formatBytes(1536), '1,5 KB');
      assert.deepEqual(asked, [['de']], 'asked once, on first use');
    } finally {
      Intl.NumberFormat.supportedLocalesOf = original;
    }
  });

  it('a date and time in the display language', () => {
    const at = Date.UTC(2026, 10, 29, 14, 5, 0);
    setDisplayLanguage('de');
    assert.equal(formatDateTime(at), new Date(at).toLocaleString('de'));
    assert.match(formatDateTime(at), /29\.11\.2026/);
    setDisplayLanguage('en');
    assert.match(formatDateTime(at), /11\/29\/2026/);
  });
});
