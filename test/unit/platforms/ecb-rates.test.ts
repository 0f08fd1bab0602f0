/** The ECB's daily reference-rate file read into o2c's rates: known answers from a file in its layout, refusals in words. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEcbRates } from '../../../functions/platforms/ecb-rates.ts';
import { cachedRates } from '../../../functions/runtime/rates.ts';

const daily = readFileSync(resolve(import.meta.dirname, '../../fixtures/rates/ecb-daily.xml'), 'utf8');

describe('parseEcbRates', () => {
  it('reads the day and every currency o2c knows as decimal strings, base EUR (XAU, not a currency o2c books, is skipped)', () => {
    expect(parseEcbRates(daily)).toEqual({ on: '2026-11-30', base: 'EUR', rates: { USD: '1.0532', JPY: '162.50', GBP: '0.85340', SEK: '11.2345', NOK: '11.8820' } });
  });

  it.each([
    ['not XML', 'rates: 1.05', 'not well-formed XML'],
    ['another XML document', '<Document><BkToCstmrStmt/></Document>', 'no Cube with a time attribute'],
    ['a day that is not a date', daily.replace('time="2026-11-30"', 'time="30.11.2026"'), 'the day "30.11.2026" is not a calendar date'],
    ['a rate that is not a decimal', daily.replace('rate="1.0532"', 'rate="1,0532"'), 'the rate of USD "1,0532" is not a positive decimal'],
    ['a zero rate', daily.replace('rate="0.85340"', 'rate="0.0"'), 'the rate of GBP "0.0" is not a positive decimal'],
    ['no rates', daily.replace(/<Cube currency[^>]*\/>/g, ''), 'no rates for 2026-11-30'],
  ])('refuses %s, saying why', (_what, xml, words) => {
    expect(() => parseEcbRates(xml)).toThrow(words);
  });
});

describe('cachedRates', () => {
  it('reads the store at most once per max age', async () => {
    let reads = 0;
    let t = 0;
    const rates = cachedRates({ latest: async () => (reads++, { on: '2026-11-30', base: 'EUR', rates: { GBP: '0.8534' } }) }, 1_000, () => t);
    await rates.latest();
    t = 1_000;
    await rates.latest();
    expect(reads).toBe(1);
    t = 1_001;
    expect(await rates.latest()).toMatchObject({ on: '2026-11-30' });
    expect(reads).toBe(2);
  });
});
