/** Reporting: on its schedule, build-report reads aggregates and open items and mails AR aging and DSO to finance. */
import { Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { MailingAreaProps } from './area.ts';
import { functionsOf } from './o2c-function.ts';
import { scheduleFunction } from './schedule.ts';

export class Reporting extends Construct {
  constructor(scope: Construct, id: string, props: MailingAreaProps) {
    super(scope, id);
    const { data, mail, config } = props;
    const buildReport = functionsOf(this, config)('build-report', 'Daily: AR aging and DSO to finance', { timeout: Duration.minutes(2) })
      .bindTable(data.table, 'read')
      .bindQueue('MAIL_QUEUE_URL', mail.queue)
      .bindSettings(config, ['FINANCE_RECIPIENTS'])
      .bindCompany(config);
    scheduleFunction(this, 'ReportSchedule', { target: buildReport, cron: config.reportScheduleCron, timezone: config.timezone, description: 'daily receivables report' });
  }
}
