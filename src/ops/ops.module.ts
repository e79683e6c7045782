import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AuthModule } from '../auth/index.js';
import { NotificationsModule } from '../notifications/index.js';
import { PaymentsModule } from '../payments/index.js';
import { UsersModule } from '../users/index.js';
import { DashboardTickets } from './dashboard-tickets.js';
import { OverviewController } from './overview/overview.controller.js';
import { OverviewService } from './overview/overview.service.js';
import { QueueDashboardController } from './queue-dashboard.controller.js';

/** Operator tools: the admin queue dashboard, the console's overview (and its BFF: console/). */
@Module({
  imports: [AuthModule, UsersModule, PaymentsModule, NotificationsModule, TerminusModule],
  controllers: [QueueDashboardController, OverviewController],
  providers: [DashboardTickets, OverviewService],
  exports: [DashboardTickets],
})
export class OpsModule {}
