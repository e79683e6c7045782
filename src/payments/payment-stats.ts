import { Injectable } from '@nestjs/common';
import type { PaymentStatus } from './domain/payment-status.js';
import { PaymentsRepository } from './repositories/payments.repository.js';

export interface PaymentStatusTotal {
  status: PaymentStatus;
  currency: string;
  count: number;
  /** Minor units. */
  amount: number;
}

/** Payment volume for operators (the admin console's overview). */
@Injectable()
export class PaymentStats {
  constructor(private readonly payments: PaymentsRepository) {}

  /** Payments created since `since`, by status and currency. */
  since(since: Date): Promise<PaymentStatusTotal[]> {
    return this.payments.statusTotalsSince(since);
  }
}
