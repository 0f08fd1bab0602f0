/**
 * redrive-received-orders: an order still `received` minutes after intake wrote it (intake died before queueing it)
 * gets its workflow started, once; a fresh one, one already moved on, and one whose workflow exists are left alone.
 */
import { describe, expect, it } from 'vitest';
import { redriveReceivedOrders } from '../../../functions/use-cases/redrive-received-orders.ts';
import { testOrder } from '../../support/orders.ts';
import { NOW, world } from './fixtures.ts';

const minutesBefore = (m: number) => new Date(Date.parse(NOW) - m * 60_000).toISOString();

describe('redriveReceivedOrders', () => {
  it('starts the workflow of an order left received for more than 5 minutes, once, and leaves fresh, moved-on and started ones alone', async () => {
    const w = world();
    w.putOrder(testOrder('ord_stranded', 'received', { createdAt: minutesBefore(6) }));
    w.putOrder(testOrder('ord_fresh', 'received', { createdAt: minutesBefore(2) }));
    w.putOrder(testOrder('ord_moved', 'validated', { createdAt: minutesBefore(30) }));
    w.putOrder(testOrder('ord_running', 'received', { createdAt: minutesBefore(8) }));
    w.state.executions.add('ord_running'); // its message came late: the workflow runs, the validate step not yet done

    expect(await redriveReceivedOrders({}, w.deps)).toEqual({ found: 2, started: 1 });
    expect(w.state.workflowCalls.map((c) => c.args[0]).sort()).toEqual(['ord_running', 'ord_stranded']);
    expect(w.state.counted.OrdersRedriven).toBe(1);

    // The next run (5 minutes on) finds only what it had not seen: each order is re-driven once.
    w.state.workflowCalls.length = 0;
    expect(await redriveReceivedOrders({}, w.deps)).toEqual({ found: 0, started: 0 });
    expect(await redriveReceivedOrders({ olderThanSeconds: 60 }, w.deps)).toEqual({ found: 1, started: 1 });
    expect(w.state.workflowCalls).toEqual([{ op: 'start', args: ['ord_fresh'] }]);
  });
});
