/** Swedish. */
import type { Catalogue, PaymentInstructions, PaymentReminderVars } from './types.ts';

const yourOrder = (ref: string | null) => (ref ? ` (din beställning ${ref})` : '');

/** The reminder's word on a part of the balance under dispute (left out of the amount asked for). */
const disputedNote = (v: PaymentReminderVars) => (v.disputed ? ` Det begärda beloppet omfattar inte ${v.disputed} som är under tvist och som vi utreder.` : '');

/** Where to pay, and what to quote: the structured reference, else the invoice number. */
const payTo = (p: PaymentInstructions, invoiceNumber: string) =>
  `Betala till IBAN ${p.iban}, BIC ${p.bic}${p.bankName ? ` (${p.bankName})` : ''} och ange ${p.reference ? `betalningsreferensen ${p.reference}` : `fakturanummer ${invoiceNumber}`}.`;

export const sv: Catalogue = {
  'order-confirmed': (v) => ({
    subject: `Orderbekräftelse: ${v.orderReference}`,
    text: [
      `Hej ${v.customerName},`,
      '',
      `tack för din beställning ${v.orderReference}. Vi har bekräftat den och hör av oss när den skickas.`,
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
    text: `Hej ${v.customerName},\n\ndin beställning ${v.orderReference} lämnade vårt lager ${v.shippedOn} med ${v.carrier} (${v.service}).\nSpårningsnummer: ${v.trackingNumber}\n\n${v.companyName}`,
  }),

  'invoice-issued': {
    'balance-due': (v) => ({
      subject: `Faktura ${v.invoiceNumber}${yourOrder(v.orderReference)} från ${v.companyName}`,
      text: `Hej ${v.customerName},\n\nbifogat finns faktura ${v.invoiceNumber}${yourOrder(v.orderReference)} på ${v.total}, med förfallodag ${v.dueDate} (${v.terms}).${
        v.earlyPayment ? ` Betalar du ${v.earlyPayment.amount} senast ${v.earlyPayment.until} får du kassarabatt.` : ''
      }\n${payTo(v.payment, v.invoiceNumber)}\n\n${v.companyName}`,
    }),
    paid: (v) => ({
      subject: `Faktura ${v.invoiceNumber}${yourOrder(v.orderReference)} från ${v.companyName}`,
      text: `Hej ${v.customerName},\n\nbifogat finns faktura ${v.invoiceNumber}${yourOrder(v.orderReference)} på ${v.total}. Den betalades redan vid köpet, så du har inget att betala.\n\n${v.companyName}`,
    }),
  },

  'order-rejected': (v) => ({
    subject: `Vi kan inte leverera din beställning ${v.orderReference}`,
    text: `Hej ${v.customerName},\n\nvi beklagar, men vi kan inte genomföra din beställning ${v.orderReference} (${v.reason}). ${v.refunded ? 'Det du har betalat återbetalas till kortet eller kontot du betalade med; vi skriver igen när återbetalningen är på väg.' : 'Ingenting har debiterats.'} Kontakta oss gärna om du har frågor.\n\n${v.companyName}`,
  }),

  'credit-note-issued': (v) => ({
    subject: `Kreditfaktura ${v.creditNoteNumber} för faktura ${v.invoiceNumber} från ${v.companyName}`,
    text: `Hej ${v.customerName},\n\nbifogat finner du kreditfaktura ${v.creditNoteNumber} på ${v.total} för faktura ${v.invoiceNumber} (${v.reason}). Kvar att betala på fakturan är ${v.balance}.${
      v.customerCredit ? ` Eftersom fakturan redan var betald är ${v.customerCredit} ett tillgodohavande för er, som vi betalar tillbaka eller drar av från nästa faktura.` : ''
    }\n\nVänliga hälsningar,\n${v.companyName}`,
  }),

  'refund-issued': (v) => ({
    subject: `Återbetalning av ${v.amount} för din beställning ${v.orderReference}`,
    text: `Hej ${v.customerName},\n\nvi har återbetalat ${v.amount} för din beställning ${v.orderReference} (${v.reason})${v.creditNoteNumber ? `, enligt kreditfaktura ${v.creditNoteNumber}` : ''}. Beloppet går tillbaka till kortet eller kontot du betalade med; beroende på din bank kan det ta 5–10 bankdagar innan det syns.\n\n${v.companyName}`,
  }),

  'payment-reminder': {
    friendly: (v) => ({
      subject: `Påminnelse: faktura ${v.invoiceNumber} är förfallen`,
      text: `Hej ${v.customerName},\n\nEnligt våra uppgifter är faktura ${v.invoiceNumber} på ${v.amount}, med förfallodag ${v.dueDate}, fortfarande obetald. Har du redan betalat kan du bortse från detta meddelande; annars ber vi dig betala så snart som möjligt.${disputedNote(v)}\n${payTo(v.payment, v.invoiceNumber)}\n\nVänliga hälsningar,\n${v.companyName}`,
    }),
    firm: (v) => ({
      subject: `Andra påminnelsen: faktura ${v.invoiceNumber} är ${v.daysPastDue} dagar försenad`,
      text: `Hej ${v.customerName},\n\nFaktura ${v.invoiceNumber} på ${v.amount} förföll ${v.dueDate} och är nu ${v.daysPastDue} dagar försenad. Vänligen betala inom 7 dagar eller kontakta oss om något är fel med fakturan.${disputedNote(v)}\n${payTo(v.payment, v.invoiceNumber)}\n\nMed vänlig hälsning,\n${v.companyName}`,
    }),
    final: (v) => ({
      subject: `Sista påminnelsen: faktura ${v.invoiceNumber}`,
      text: `Hej ${v.customerName},\n\nTrots tidigare påminnelser är faktura ${v.invoiceNumber} på ${v.amount}, med förfallodag ${v.dueDate}, fortfarande obetald (${v.daysPastDue} dagar försenad). Om betalning inte kommer in inom 7 dagar spärras ert konto och skulden lämnas till inkasso.${disputedNote(v)}\n${payTo(v.payment, v.invoiceNumber)}\n\n${v.companyName}`,
    }),
  },
};
