// The order_events workflow (examples/templates/order_events.yaml): two steps, a publisher that shapes the
// payment event, and a subscriber that receives every order and payment event — in the worker's process
// for fast events, in any `tasker run` process that discovers it for durable ones (once per group).
import { BasePublisher, BaseSubscriber, PermanentError, defineHandler, type DomainEvent, type StepResult } from '../../src/index.ts';

export const chargePayment = defineHandler('charge_payment_handler', { inputs: ['order_id', 'amount'] }, ({ order_id, amount }) => ({
  order_id,
  amount,
  charged_at: new Date().toISOString(),
}));

export const shipOrder = defineHandler('ship_order_handler', { inputs: ['order_id', 'refuse_shipping'] }, ({ order_id, refuse_shipping }) => {
  if (refuse_shipping) throw new PermanentError(`the carrier refused order ${order_id}`);
  return { order_id, tracking: `TRK-${order_id}` };
});

/** `payment.processed`: the amount in cents and the currency, whatever the handler returned. */
export class PaymentEventPublisher extends BasePublisher {
  readonly publisherName = 'PaymentEventPublisher';

  override transformPayload(stepResult: StepResult): Record<string, unknown> {
    const r = stepResult.result ?? {};
    return { order_id: r.order_id, amount_cents: Math.round(Number(r.amount) * 100), currency: 'USD' };
  }

  override shouldPublish(stepResult: StepResult): boolean {
    return stepResult.success && Number(stepResult.result?.amount) > 0;
  }
}

/** Logs every order and payment event it receives; throwing here would retry a durable delivery with backoff. */
export class OrderAuditSubscriber extends BaseSubscriber {
  static subscriberGroup = 'order_audit';
  static override subscribesTo(): string[] {
    return ['payment.*', 'order.*'];
  }

  override handle(event: DomainEvent): void {
    this.logger.info(`domain event ${event.eventName}`, { channel: event.channel, task_uuid: event.metadata.taskUuid, payload: event.payload });
  }
}
