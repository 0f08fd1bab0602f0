/** Reporting: on each finance-pack schedule (`reports` in config), build-report renders the pack and mails it to the kind's recipients. */
import { Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { reportSchedules } from '../config.ts';
import type { MailingAreaProps } from './area.ts';
import { functionsOf } from './o2c-function.ts';
import { scheduleFunction } from './schedule.ts';

const SCHEDULE_IDS = { flash: 'ReportSchedule', weekly: 'WeeklyReportSchedule', 'month-end': 'MonthEndReportSchedule' } as const;

export class Reporting extends Construct {
  constructor(scope: Construct, id: string, props: MailingAreaProps) {
    super(scope, id);
    const { data, mail, config } = props;
    // Renders charts (ECharts), a PDF and a workbook: its own function, memory for the renderer, nothing of it in order-path bundles.
    const buildReport = functionsOf(this, config)('build-report', 'Finance pack (flash, weekly, month-end) to finance', { timeout: Duration.minutes(2), memorySize: 1024 })
      .bindTable(data.table, 'write') // reads the figures; writes the audit line of a resend
      .bindQueue('MAIL_QUEUE_URL', mail.queue)
      .bindSettings(config, ['REPORT_RECIPIENTS'])
      .bindCompany(config);
    for (const s of reportSchedules(config)) {
      scheduleFunction(this, SCHEDULE_IDS[s.kind], { target: buildReport, cron: s.cron, timezone: config.timezone, description: s.description, input: { kind: s.kind } });
    }
  }
}
