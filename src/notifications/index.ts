// The notifications module's public API: other modules import notifications only from here.
export { NotificationsModule } from './notifications.module.js';
export { NotificationsWorkerModule } from './notifications-worker.module.js';
export { NotificationsService } from './notifications.service.js';
export { StreamService } from './stream/stream.service.js';
export { DeliveriesService } from './deliveries/deliveries.service.js';
export type { DeliveryCounts } from './repositories/deliveries.repository.js';
