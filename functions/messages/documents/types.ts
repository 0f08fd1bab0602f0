/**
 * The labels of the PDF documents (invoice, credit note, statement of account), per language. Pure texts: the
 * renderer places already-formatted values (money and dates formatted for `locale` with Intl) in them.
 */
import type { Language, VatCategory } from '../../domain/model.ts';

export interface DocumentLabels {
  readonly language: Language;
  /** BCP 47 locale for Intl (dates, numbers, money). */
  readonly locale: string;
  readonly invoice: string;
  readonly creditNote: string;
  readonly statement: string;
  readonly seller: string;
  readonly billTo: string;
  readonly creditTo: string;
  readonly customer: string;
  readonly vatNumber: string;
  readonly companyNumber: string;
  readonly invoiceNumber: string;
  readonly creditNoteNumber: string;
  readonly creditsInvoice: string;
  readonly issueDate: string;
  readonly supplyDate: string;
  readonly dueDate: string;
  readonly terms: string;
  readonly yourOrder: string;
  readonly asOf: string;
  readonly description: string;
  readonly quantity: string;
  readonly unitPrice: string;
  readonly vatRate: string;
  readonly net: string;
  readonly vatSummary: string;
  readonly taxable: string;
  readonly vat: string;
  readonly goods: string;
  readonly shipping: string;
  readonly subtotal: string;
  readonly discountsIncluded: string;
  readonly totalVat: string;
  readonly total: string;
  readonly totalCredited: string;
  readonly amountDue: string;
  readonly dueBy: (date: string) => string;
  readonly paid: string;
  readonly paidOn: (date: string, method: string) => string;
  readonly paidMethod: { readonly checkout: string; readonly payment: string; readonly credit: string };
  readonly earlyPayment: (amount: string, until: string, discount: string) => string;
  readonly payTo: string;
  readonly bank: string;
  readonly paymentReference: string;
  readonly pleaseQuote: (reference: string) => string;
  readonly reason: string;
  readonly creditApplied: (invoice: string, amount: string) => string;
  readonly creditInFavour: (amount: string) => string;
  readonly page: (n: number, of: number) => string;
  readonly continued: string;
  /** Payment terms in words: net days, and the early-payment discount when there is one. */
  readonly describeTerms: (netDays: number, discount?: { readonly percent: string; readonly days: number }) => string;
  /** Wording the VAT category requires when no VAT is charged (used when the document names no exemption reason). */
  readonly exemption: { readonly [C in Exclude<VatCategory, 'S'>]: string };
  readonly statementLabels: StatementLabels;
}

export interface StatementLabels {
  readonly settled: (asOf: string) => string;
  readonly accountStatus: (standing: string, since?: string) => string;
  readonly standing: { readonly 'credit-hold': string; readonly suspended: string; readonly 'with-agency': string };
  readonly openItemsIn: (currency: string) => string;
  readonly invoice: string;
  readonly issued: string;
  readonly due: string;
  readonly total: string;
  readonly balance: string;
  readonly daysOverdue: string;
  readonly none: string;
  readonly disputedMark: string;
  readonly creditNotes: string;
  readonly creditNoteLine: (number: string, invoice: string, date: string, reason: string) => string;
  readonly unappliedPayments: string;
  readonly receivedLine: (date: string, amount: string) => string;
  readonly fees: string;
  readonly disputed: string;
  readonly disputeLine: (invoice: string, since: string, reason: string) => string;
  readonly current: string;
  readonly days1to30: string;
  readonly days31to60: string;
  readonly days61to90: string;
  readonly over90: string;
  readonly openBalance: string;
  readonly lessUnapplied: string;
  readonly lessCredit: string;
  readonly balanceDue: (currency: string) => string;
  readonly inYourFavour: (currency: string) => string;
  readonly continuedHead: (seller: string, customer: string, asOf: string) => string;
}
