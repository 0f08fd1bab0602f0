/**
 * Line pricing: gross, discount, net and tax per line, and the order's totals.
 * Tax is rounded where the tax policy says: on each line, or once per rate on
 * the whole document (then shared back to the lines by largest remainder, so
 * the lines still add up to the document's tax).
 */
import { DomainError } from './errors.ts';
import { allocate, applyRatePpm, assertMinorUnits, roundDiv, sumAmounts } from './money.ts';
import type { OrderLine, PricedLine, ShippingCharge, TaxPolicy, Totals } from './model.ts';

function checkLine(line: OrderLine, index: number): void {
  const where = `line ${index + 1} (${line.sku})`;
  if (!Number.isSafeInteger(line.quantity) || line.quantity <= 0) throw new DomainError('InvalidLine', `${where}: quantity must be a whole number above 0`);
  assertMinorUnits(line.unitPrice, `${where} unit price`);
  assertMinorUnits(line.discount, `${where} discount`);
  if (line.unitPrice < 0) throw new DomainError('InvalidLine', `${where}: unit price cannot be negative`);
  if (line.discount < 0) throw new DomainError('InvalidLine', `${where}: discount cannot be negative`);
  if (!Number.isSafeInteger(line.taxRatePpm) || line.taxRatePpm < 0 || line.taxRatePpm > 1_000_000) {
    throw new DomainError('InvalidLine', `${where}: tax rate must be 0…1,000,000 ppm`);
  }
}

export interface PricedOrder {
  readonly lines: PricedLine[];
  readonly totals: Totals;
  /** Tax on shipping (part of totals.tax). */
  readonly shippingTax: number;
}

export interface PricingOptions {
  /** Unit prices and shipping include tax: the tax is taken out of them, not added. */
  readonly pricesIncludeTax?: boolean;
}

/**
 * Prices the lines and shipping. A line or shipping charge that carries its
 * `tax` (as a selling platform charged it) keeps that tax; otherwise tax is
 * computed from the rate, rounded per the policy.
 */
export function priceOrder(lines: readonly OrderLine[], shipping: ShippingCharge | undefined, policy: TaxPolicy, options: PricingOptions = {}): PricedOrder {
  if (lines.length === 0) throw new DomainError('InvalidOrder', 'an order needs at least one line');
  lines.forEach(checkLine);
  const inclusive = options.pricesIncludeTax === true;
  const base = lines.map((line) => {
    const gross = Number(BigInt(line.quantity) * BigInt(line.unitPrice));
    assertMinorUnits(gross, `line ${line.sku} gross`);
    if (line.discount > gross) throw new DomainError('InvalidLine', `line ${line.sku}: discount ${line.discount} exceeds the line's gross ${gross}`);
    if (line.tax !== undefined && (!Number.isSafeInteger(line.tax) || line.tax < 0)) throw new DomainError('InvalidLine', `line ${line.sku}: tax must be whole minor units ≥ 0`);
    return { ...line, gross, net: gross - line.discount };
  });

  let taxes: number[];
  if (base.some((l) => l.tax !== undefined) || inclusive) {
    taxes = base.map((l) => l.tax ?? (inclusive ? taxIncluded(l.net, l.taxRatePpm, policy) : applyRatePpm(l.net, l.taxRatePpm, policy.rounding)));
  } else if (policy.level === 'line') {
    taxes = base.map((l) => applyRatePpm(l.net, l.taxRatePpm, policy.rounding));
  } else {
    taxes = base.map(() => 0);
    const rates = [...new Set(base.map((l) => l.taxRatePpm))];
    for (const rate of rates) {
      const idx = base.flatMap((l, i) => (l.taxRatePpm === rate ? [i] : []));
      const nets = idx.map((i) => base[i]!.net);
      const rateNet = sumAmounts(nets);
      const rateTax = applyRatePpm(rateNet, rate, policy.rounding);
      const shares = rateNet === 0 ? nets.map(() => 0) : allocate(rateTax, nets);
      idx.forEach((i, k) => (taxes[i] = shares[k]!));
    }
  }
  const priced: PricedLine[] = base.map((l, i) => {
    const tax = taxes[i]!;
    const net = inclusive ? l.net - tax : l.net;
    if (net < 0) throw new DomainError('InvalidLine', `line ${l.sku}: tax ${tax} exceeds the tax-inclusive amount ${l.net}`);
    return { ...l, net, tax, total: net + tax };
  });

  const charged = shipping?.amount ?? 0;
  assertMinorUnits(charged, 'shipping');
  if (charged < 0) throw new DomainError('InvalidOrder', 'shipping cannot be negative');
  const shippingTax = !shipping
    ? 0
    : (shipping.tax ?? (inclusive ? taxIncluded(charged, shipping.taxRatePpm, policy) : applyRatePpm(charged, shipping.taxRatePpm, policy.rounding)));
  assertMinorUnits(shippingTax, 'shipping tax');
  const shippingNet = inclusive ? charged - shippingTax : charged;

  const net = sumAmounts(priced.map((l) => l.net));
  const tax = sumAmounts([...priced.map((l) => l.tax), shippingTax]);
  const totals: Totals = {
    gross: sumAmounts(priced.map((l) => l.gross)),
    discount: sumAmounts(priced.map((l) => l.discount)),
    net,
    shipping: shippingNet,
    tax,
    total: sumAmounts([net, shippingNet, tax]),
  };
  return { lines: priced, totals, shippingTax };
}

/** Tax contained in a tax-inclusive amount: amount × rate / (1 + rate). */
export function taxIncluded(grossAmount: number, ratePpm: number, policy: TaxPolicy): number {
  assertMinorUnits(grossAmount);
  return roundDiv(BigInt(grossAmount) * BigInt(ratePpm), BigInt(1_000_000 + ratePpm), policy.rounding);
}
