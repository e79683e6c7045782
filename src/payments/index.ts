// The payments module's public API: other modules import payments only from here.
export { PaymentsModule } from './payments.module.js';
export { PaymentsWorkerModule } from './payments-worker.module.js';
export { PaymentStats, type PaymentStatusTotal } from './payment-stats.js';
export { PAYMENT_STATUSES, type PaymentStatus } from './domain/payment-status.js';
