// The payments module's public API: other modules import payments only from here.
export { PaymentsModule } from './payments.module.js';
export { PaymentsWorkerModule } from './payments-worker.module.js';
