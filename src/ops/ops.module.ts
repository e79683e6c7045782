import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/index.js';
import { DashboardTickets } from './dashboard-tickets.js';
import { QueueDashboardController } from './queue-dashboard.controller.js';

/** Operator tools: the admin queue dashboard. */
@Module({
  imports: [AuthModule],
  controllers: [QueueDashboardController],
  providers: [DashboardTickets],
  exports: [DashboardTickets],
})
export class OpsModule {}
