/** The part of mt940js 1.3.5 (no bundled types) that o2c uses; see node_modules/mt940js/lib/parser.js. */
declare module 'mt940js' {
  export interface Mt940Tag {
    /** 20, 25, 28, 60, 61, 62, 86 …, or 'NS' / 'MB'. */
    readonly id: number | string;
    /** The tag's raw content after `:NN:` (lines joined with `\n`). */
    readonly data: string;
  }
  export interface Mt940Transaction {
    /** A float (rounded to 2 decimals by the library): o2c re-reads the `:61:` text instead. */
    readonly amount: number;
    readonly isReversal: boolean;
    readonly transactionType: string;
    readonly reference: string;
    readonly bankReference: string;
    readonly extraDetails: string;
    /** The `:86:` lines joined with `\n`. */
    readonly details: string;
    readonly structuredDetails?: Readonly<Record<string, string>>;
  }
  export interface Mt940Statement {
    readonly transactionReference: string;
    readonly accountIdentification: string;
    readonly number: { readonly statement: string; readonly sequence: string; readonly section: string };
    readonly currency: string;
    readonly transactions: readonly Mt940Transaction[];
    /** Present when `parse(data, true)`. */
    readonly tags?: readonly Mt940Tag[];
  }
  export class Parser {
    constructor(options?: { no86Structure?: boolean });
    parse(data: string, withTags?: boolean): Mt940Statement[];
  }
  const mt940js: { Parser: typeof Parser };
  export default mt940js;
}
