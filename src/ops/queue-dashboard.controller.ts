import { Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser, Roles, type AuthPrincipal } from '../common/auth/auth-principal.js';
import { ApiProblems } from '../http/api-problems.decorator.js';
import { DASHBOARD_TICKET_TTL_SECONDS, DashboardTickets } from './dashboard-tickets.js';
import { DASHBOARD_COOKIE, DASHBOARD_PATH } from './queue-dashboard.js';

@ApiTags('ops')
@ApiBearerAuth('bearer')
@Controller('admin/queue-dashboard')
export class QueueDashboardController {
  constructor(private readonly tickets: DashboardTickets) {}
  @Post('session')
  @Roles('admin')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Open the queue dashboard',
    description: `Sets an HttpOnly cookie for ${DASHBOARD_PATH} (valid ${DASHBOARD_TICKET_TTL_SECONDS / 60} minutes, ends with your session); then open ${DASHBOARD_PATH} in the same browser.`,
  })
  @ApiNoContentResponse({ description: 'Cookie set' })
  @ApiProblems(401, 403)
  openSession(@CurrentUser() user: AuthPrincipal, @Res({ passthrough: true }) res: Response): void {
    res.cookie(DASHBOARD_COOKIE, this.tickets.issue(user), {
      httpOnly: true,
      sameSite: 'strict',
      secure: res.req.secure,
      path: DASHBOARD_PATH,
      maxAge: DASHBOARD_TICKET_TTL_SECONDS * 1000,
    });
  }
}
