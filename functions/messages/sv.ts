/** Swedish. */
import type { PaymentTerms } from '../domain/model.ts';
import { LOCALES, percentIn } from './format.ts';
import type { Catalogue, PaymentInstructions, RejectionReason } from './types.ts';
import { letterTemplates, type LetterWords } from './letter.ts';

const yourOrder = (ref: string | null) => (ref ? ` (din beställning ${ref})` : '');

const terms = (t: PaymentTerms): string => {
  const net = t.netDays === 0 ? 'betalas vid mottagandet' : `${t.netDays} dagar netto`;
  return t.discount ? `${percentIn(LOCALES.sv, t.discount.ratePpm)} % kassarabatt vid betalning inom ${t.discount.days} dagar, annars ${net}` : net;
};

/** Why an order is rejected, in words. */
const rejection = (r: RejectionReason): string => {
  switch (r.kind) {
    case 'catalog':
      return r.problems
        .map((p) => {
          const item = `${p.item.description} (${p.item.sku})`;
          if (p.kind === 'not-sold') return `vi säljer inte ${item}`;
          if (p.kind === 'other-currency') return `${item} säljs i ${p.soldIn}, inte i ${p.orderedIn}`;
          return `${item} säljs inte för ${p.unitPrice} per styck; fråga oss om dagens pris`;
        })
        .join('; ');
    case 'out-of-stock':
      return 'några artiklar har varit slut i lager för länge';
    case 'warehouse':
      return 'den kunde inte skickas från vårt lager';
    case 'credit':
      return r.note ?? 'vi kunde inte bevilja kredit för beställningen';
    case 'other':
      return 'den kunde inte tas emot';
  }
};


/** Where to pay, and what to quote: the structured reference, else the invoice number. */
const payTo = (p: PaymentInstructions, invoiceNumber: string) =>
  `Betala till IBAN ${p.iban}, BIC ${p.bic}${p.bankName ? ` (${p.bankName})` : ''} och ange ${p.reference ? `betalningsreferensen ${p.reference}` : `fakturanummer ${invoiceNumber}`}.`;

const letter: LetterWords = {
  subject: {
    courtesy: (list) => `Snart förfallodag: ${list}`,
    reminder: (list) => `Betalningspåminnelse: ${list}`,
    firm: (list) => `Förfallen betalning: ${list}`,
    final: (list) => `Sista påminnelsen: ${list}`,
  },
  more: (n) => `och ${n} till`,
  greeting: (name) => `Hej ${name},`,
  opening: {
    courtesy: () => 'Vi vill vänligen påminna om att fakturorna nedan snart förfaller. Har du redan ordnat betalningen tackar vi och du kan bortse från detta meddelande.',
    reminder: (v) => `${v.earlierReminder ? 'Som vi tidigare påmint om är' : 'Enligt våra uppgifter är'} fakturorna nedan förfallna. Har du redan betalat kan du bortse från detta meddelande; annars ber vi dig betala snarast.`,
    firm: (v) => `${v.earlierReminder ? 'Trots vår tidigare påminnelse är' : 'Fakturorna nedan är'} ${v.earlierReminder ? 'fakturorna nedan ' : ''}fortfarande obetalda. Vänligen betala inom 7 dagar eller kontakta oss om något är fel med en faktura.`,
    final: (v) => `${v.earlierReminder ? 'Trots tidigare påminnelser är fakturorna nedan' : 'Fakturorna nedan är'} fortfarande obetalda. Detta är vår sista påminnelse innan vi vidtar ytterligare åtgärder.`,
  },
  line: (l) =>
    `${l.invoiceNumber}, förfallodag ${l.dueDate}, ${l.daysOverdue > 0 ? `${l.daysOverdue} dagar försenad` : l.daysOverdue === 0 ? 'förfaller i dag' : `förfaller om ${-l.daysOverdue} dagar`}: ${l.amount}${l.fee ? ` (varav förseningsavgifter ${l.fee})` : ''}${l.disputed ? ` (${l.disputed} under tvist ingår inte)` : ''}, referens ${l.reference}`,
  total: (v) => `Att betala totalt ${v.total}${v.netted ? ` (efter avräkning av ${v.netted} i ej avräknade betalningar och tillgodohavanden)` : ''}.`,
  action: {
    'credit-hold': 'Ert konto har nu kreditspärr: nya beställningar på kredit granskas manuellt tills det förfallna beloppet är betalt.',
    suspend: 'Ert konto är nu spärrat: vi tar inte emot nya beställningar på kredit förrän det förfallna beloppet är betalt.',
    'hand-to-agency': 'Vi har lämnat det förfallna beloppet till vårt inkassobolag, som kommer att kontakta er; vi skickar inga fler påminnelser.',
  },
  escalation: {
    'credit-hold': (on) => `Är det förfallna beloppet fortfarande obetalt den ${on} granskas nya beställningar på kredit tills det är betalt.`,
    suspend: (on) => `Är det förfallna beloppet fortfarande obetalt den ${on} spärrar vi ert konto.`,
    'hand-to-agency': (on) => `Är det förfallna beloppet fortfarande obetalt den ${on} lämnar vi skulden till inkasso.`,
  },
  payOnline: (url) => `Betala fakturan online: ${url}`,
  payTo: (p) => `Betala till IBAN ${p.iban}, BIC ${p.bic}${p.bankName ? ` (${p.bankName})` : ''} och ange varje fakturas referens.`,
  attached: 'Ert kontoutdrag bifogas.',
  closing: { courtesy: 'Vänliga hälsningar,', reminder: 'Vänliga hälsningar,', firm: 'Med vänlig hälsning,', final: 'Med vänlig hälsning,' },
};

export const sv: Catalogue = {
  'order-confirmed': (v) => ({
    subject: `Orderbekräftelse: ${v.orderReference}`,
    text: [
      `Hej ${v.customerName},`,
      '',
      `Tack för din beställning ${v.orderReference}. Vi har bekräftat den och hör av oss när den skickas.`,
      '',
      ...v.lines.map((l) => `  ${l.quantity} × ${l.description} (${l.sku})  ${l.amount}`),
      '',
      `Totalt ${v.total} (varav moms ${v.tax})`,
      '',
      v.companyName,
    ].join('\n'),
  }),

  'order-shipped': (v) => ({
    subject: `Din beställning ${v.orderReference} har skickats`,
    text: `Hej ${v.customerName},\n\nDin beställning ${v.orderReference} lämnade vårt lager den ${v.shippedOn} med ${v.carrier} (${v.service}).\nSpårningsnummer: ${v.trackingNumber}\n\n${v.companyName}`,
  }),

  'shipment-sent': (v) => ({
    subject: v.toFollow.length === 0 ? `Din beställning ${v.orderReference} har skickats` : `En del av din beställning ${v.orderReference} har skickats`,
    text: [
      `Hej ${v.customerName},`,
      '',
      `ett paket ur din beställning ${v.orderReference} lämnade vårt lager ${v.shippedOn} med ${v.carrier} (${v.service}).`,
      `Spårningsnummer: ${v.trackingNumber}`,
      '',
      'I paketet:',
      ...v.lines.map((l) => `  ${l.quantity} × ${l.description}`),
      ...(v.toFollow.length === 0 ? ['', 'Därmed är hela beställningen skickad.'] : ['', 'Kommer senare:', ...v.toFollow.map((l) => `  ${l.quantity} × ${l.description}${l.expectedOn ? ` (väntas ${l.expectedOn})` : ''}`)]),
      '',
      v.companyName,
    ].join('\n'),
  }),

  'lines-cancelled': (v) => ({
    subject: `En del av din beställning ${v.orderReference} kommer inte att levereras`,
    text: [
      `Hej ${v.customerName},`,
      '',
      v.bySeller ? `Som du bad om har vi avbeställt dessa artiklar i din beställning ${v.orderReference}:` : `Tyvärr kan dessa artiklar i din beställning ${v.orderReference} inte skickas, och de har avbeställts:`,
      ...v.lines.map((l) => `  ${l.quantity} × ${l.description}`),
      '',
      v.refunded ? 'Det du betalat för dem återbetalas till kortet eller kontot du betalade med.' : 'De kommer inte att faktureras.',
      'Resten av beställningen påverkas inte.',
      '',
      v.companyName,
    ].join('\n'),
  }),

  'order-backordered': (v) => ({
    subject: `En del av din beställning ${v.orderReference} är restnoterad`,
    text: [
      `Hej ${v.customerName},`,
      '',
      `tack för din beställning ${v.orderReference}. Allt finns inte i lager i dag.`,
      '',
      'Skickas nu:',
      ...v.shipsNow.map((l) => `  ${l.quantity} × ${l.description}`),
      '',
      'Skickas så snart det finns i lager igen:',
      ...v.later.map((l) => `  ${l.quantity} × ${l.description}`),
      '',
      'Vill du inte vänta på dessa artiklar, svara på det här mejlet så avbokar vi dem; det du har betalat för dem återbetalas.',
      '',
      v.companyName,
    ].join('\n'),
  }),

  'invoice-issued': {
    'balance-due': (v) => ({
      subject: `Faktura ${v.invoiceNumber}${yourOrder(v.orderReference)} från ${v.companyName}`,
      text: `Hej ${v.customerName},\n\nBifogat finns faktura ${v.invoiceNumber}${yourOrder(v.orderReference)} på ${v.total}, med förfallodag ${v.dueDate} (${terms(v.terms)}).${
        v.earlyPayment ? ` Betalar du ${v.earlyPayment.amount} senast ${v.earlyPayment.until} får du kassarabatt.` : ''
      }\n${payTo(v.payment, v.invoiceNumber)}\n\n${v.companyName}`,
    }),
    paid: (v) => ({
      subject: `Faktura ${v.invoiceNumber}${yourOrder(v.orderReference)} från ${v.companyName}`,
      text: `Hej ${v.customerName},\n\nBifogat finns faktura ${v.invoiceNumber}${yourOrder(v.orderReference)} på ${v.total}. Den betalades redan vid köpet, så du har inget att betala.\n\n${v.companyName}`,
    }),
  },

  'order-rejected': (v) => ({
    subject: `Vi kan inte leverera din beställning ${v.orderReference}`,
    text: `Hej ${v.customerName},\n\nVi beklagar, men vi kan inte genomföra din beställning ${v.orderReference} (${rejection(v.reason)}). ${v.refunded ? 'Det du har betalat återbetalas till kortet eller kontot du betalade med; vi skriver igen när återbetalningen är på väg.' : 'Ingenting har debiterats.'} Kontakta oss gärna om du har frågor.\n\n${v.companyName}`,
  }),

  'credit-note-issued': (v) => ({
    subject: `Kreditfaktura ${v.creditNoteNumber} för faktura ${v.invoiceNumber} från ${v.companyName}`,
    text: `Hej ${v.customerName},\n\nBifogat finns kreditfaktura ${v.creditNoteNumber} på ${v.total} för faktura ${v.invoiceNumber} (${v.reason}). Kvar att betala på fakturan är ${v.balance}.${
      v.customerCredit ? ` Eftersom fakturan redan var betald har du ${v.customerCredit} tillgodo hos oss, som vi betalar tillbaka eller drar av från nästa faktura.` : ''
    }\n\nVänliga hälsningar,\n${v.companyName}`,
  }),

  'refund-issued': (v) => ({
    subject: `Återbetalning av ${v.amount} för din beställning ${v.orderReference}`,
    text: `Hej ${v.customerName},\n\nVi har återbetalat ${v.amount} för din beställning ${v.orderReference} (${v.reason ?? 'beställningen avbröts eller kunde inte levereras'})${v.creditNoteNumber ? `, enligt kreditfaktura ${v.creditNoteNumber}` : ''}. Beloppet går tillbaka till kortet eller kontot du betalade med; beroende på din bank kan det ta 5–10 bankdagar innan det syns.\n\n${v.companyName}`,
  }),

  'dunning-letter': letterTemplates(letter),

  'payment-plan-agreed': (v) => ({
    subject: `Er avbetalningsplan med ${v.companyName}: ${v.total} i ${v.instalments.length} ${v.instalments.length === 1 ? 'delbetalning' : 'delbetalningar'}`,
    text: [
      `Hej ${v.customerName},`,
      '',
      `enligt vår överenskommelse betalar ni ${v.total} för ${v.invoices.length === 1 ? 'faktura' : 'fakturorna'} ${v.invoices.join(', ')} i dessa delbetalningar:`,
      '',
      ...v.instalments.map((s, i) => `  ${i + 1}. ${s.amount} senast ${s.dueDate}`),
      '',
      `Så länge varje delbetalning kommer i tid (inom ${v.graceDays} ${v.graceDays === 1 ? 'dag' : 'dagar'} från förfallodagen) skickar vi inga påminnelser och tar inte ut några avgifter för dessa fakturor. Uteblir en delbetalning upphör planen och de vanliga påminnelserna återupptas.`,
      `Betala till IBAN ${v.payment.iban}, BIC ${v.payment.bic}${v.payment.bankName ? ` (${v.payment.bankName})` : ''} och ange fakturanumren.`,
      '',
      'Vänliga hälsningar,',
      v.companyName,
    ].join('\n'),
  }),
};
