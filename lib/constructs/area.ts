/** What every area construct of the stateless stack is built from: the stateful stack's data and the configuration. */
import type { O2cConfig } from '../config.ts';
import type { O2cData } from './data.ts';
import type { Mail } from './mail.ts';

export interface AreaProps {
  readonly data: O2cData;
  readonly config: O2cConfig;
}

/** An area that writes email: it queues it on the mail area's queue. */
export interface MailingAreaProps extends AreaProps {
  readonly mail: Mail;
}
