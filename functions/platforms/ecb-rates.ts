/**
 * The ECB's euro foreign exchange reference rates, as its daily file
 * publishes them (`eurofxref-daily.xml`: a `gesmes:Envelope` whose
 * `Cube/Cube[@time]` holds one `Cube[@currency][@rate]` per currency), read
 * into o2c's `ReferenceRates` (base EUR). Rates stay decimal strings; a
 * currency o2c does not know is skipped, anything malformed is refused.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { isIsoDate } from '#domain/dates';
import { parseRate, type ReferenceRates } from '#domain/fx';
import { isCurrency } from '#domain/money';
import { ValidationError } from '#errors';

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, parseAttributeValue: false, removeNSPrefix: true, isArray: (name) => name === 'Cube' });

type Cube = { '@time'?: string; '@currency'?: string; '@rate'?: string; Cube?: Cube[] };

const refuse = (message: string) => new ValidationError([{ path: 'rates', message }], 'the reference-rate file cannot be read');

export function parseEcbRates(xml: string): ReferenceRates {
  if (XMLValidator.validate(xml) !== true) throw refuse('not well-formed XML');
  const doc = parser.parse(xml) as { Envelope?: { Cube?: Cube[] } };
  const day = doc.Envelope?.Cube?.[0]?.Cube?.find((c) => c['@time']);
  if (!day) throw refuse('no Cube with a time attribute: not an ECB reference-rate file');
  const on = day['@time']!;
  if (!isIsoDate(on)) throw refuse(`the day ${JSON.stringify(on)} is not a calendar date`);
  const rates: Record<string, string> = {};
  for (const c of day.Cube ?? []) {
    const currency = c['@currency'] ?? '';
    const rate = (c['@rate'] ?? '').trim();
    try {
      parseRate(rate);
    } catch {
      throw refuse(`the rate of ${currency || 'a currency'} ${JSON.stringify(rate)} is not a positive decimal`);
    }
    if (isCurrency(currency) && currency !== 'EUR') rates[currency] = rate;
  }
  if (Object.keys(rates).length === 0) throw refuse(`no rates for ${on}`);
  return { on, base: 'EUR', rates };
}
