/**
 * The o2c event bus (port `Events`): EventBridge PutEvents on the stack's bus
 * (`O2c-<stage>`), source `o2c`. An entry EventBridge refuses throws, so the
 * step's queue message is retried. Locally the endpoint comes from
 * `AWS_ENDPOINT_URL_EVENTBRIDGE` (the local stack's small PutEvents endpoint).
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { EVENT_SOURCE } from '#domain/fulfilment';
import type { Events } from '../ports.ts';

let client: EventBridgeClient | undefined;

export function eventBridgeClient(): EventBridgeClient {
  client ??= new EventBridgeClient({});
  return client;
}

export function setEventBridgeClient(next: EventBridgeClient | undefined): void {
  client = next;
}

export function eventBus(busName: string): Events {
  return {
    async publish(detailType, detail) {
      const r = await eventBridgeClient().send(new PutEventsCommand({ Entries: [{ EventBusName: busName, Source: EVENT_SOURCE, DetailType: detailType, Detail: JSON.stringify(detail) }] }));
      if ((r.FailedEntryCount ?? 0) > 0) {
        const failed = r.Entries?.find((e) => e.ErrorCode);
        throw new Error(`EventBridge refused ${detailType} on ${busName}: ${failed?.ErrorCode ?? 'unknown'} ${failed?.ErrorMessage ?? ''}`.trim());
      }
    },
  };
}
