/**
 * The stateless stack (`O2c-<stage>`): read this file to see the whole system
 * (ARCHITECTURE.md §1). Everything that runs — functions, API, workflow,
 * schedules, alarms — composed from one construct per area over the data of
 * the stateful stack (lib/o2c-data-stack.ts), which it receives as props.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { O2cConfig } from './config.ts';
import { OperationsAlarms } from './constructs/alarms.ts';
import { BankImport } from './constructs/bank-import.ts';
import { Collections } from './constructs/collections.ts';
import type { O2cData } from './constructs/data.ts';
import { Finance } from './constructs/finance.ts';
import { Intake } from './constructs/intake.ts';
import { Mail } from './constructs/mail.ts';
import { Refunds } from './constructs/refunds.ts';
import { Reporting } from './constructs/reporting.ts';
import { OrderWorkflow } from './constructs/workflow.ts';

export interface O2cStackProps extends StackProps {
  readonly config: O2cConfig;
  /** The table, queues, mail sender and secrets of the stateful stack. */
  readonly data: O2cData;
}

export class O2cStack extends Stack {
  constructor(scope: Construct, id: string, props: O2cStackProps) {
    super(scope, id, props);
    const { config, data } = props;

    // All email goes through one queue and one sender.
    const mail = new Mail(this, 'Mail', { data, config });
    // One order's life: validate → credit (wait: review) → confirm → fulfil (wait: warehouse) → ship → invoice.
    const workflow = new OrderWorkflow(this, 'OrderWorkflow', { data, mail, config });
    // The back office: customers and credit, cash by hand, credit notes, write-offs, the audit trail.
    const finance = new Finance(this, 'Finance', { data, mail, config });
    // Bank statements in (finance's API and the S3 drop): credits queued for apply-payment.
    const bankImport = new BankImport(this, 'BankImport', { data, mail, config });
    // Webhooks, the B2B API, the workflow's callbacks and the finance API in; orders and payments queued.
    const intake = new Intake(this, 'Intake', { data, workflow, finance, bankImport, config });
    // The warehouse is told where to answer: the API's public URL.
    workflow.fulfilOrder.bindApiUrl(intake.url);
    // Cash applied; late payers reminded, daily.
    new Collections(this, 'Collections', { data, mail, config });
    // Refunds of prepaid orders that ended without goods, and of cancelled paid invoices (credit note first).
    new Refunds(this, 'Refunds', { data, mail, config });
    // AR aging and DSO to finance, daily.
    new Reporting(this, 'Reporting', { data, mail, config });
    new OperationsAlarms(this, 'Alarms', { deadLetterQueues: data.deadLetterQueues, stateMachine: workflow.stateMachine, orderSteps: workflow.orderSteps });

    new CfnOutput(this, 'ApiUrl', { value: intake.url });
    new CfnOutput(this, 'ApiKeySecretArn', { value: data.secrets.apiKey.secretArn, description: 'read the B2B API key from here' });
    new CfnOutput(this, 'WarehouseKeySecretArn', { value: data.secrets.warehouseKey.secretArn, description: 'read the warehouse callback key from here' });
    new CfnOutput(this, 'TableName', { value: data.table.tableName });
    new CfnOutput(this, 'StateMachineArn', { value: workflow.stateMachine.stateMachineArn });
  }
}
