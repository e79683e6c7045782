import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { NotificationsModule } from '../notifications/index.js';
import { UsersModule } from '../users/index.js';
import { AccessTokens } from './access-tokens.js';
import { AccountRecoveryService } from './account-recovery.service.js';
import { AccountController } from './account.controller.js';
import { AccountService } from './account.service.js';
import { AuthEventsService } from './auth-events.service.js';
import { AuthMail } from './auth-mail.js';
import { AuthThrottle } from './auth-throttle.service.js';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { PasswordHasher } from './domain/password-hasher.js';
import { AuthEvent } from './entities/auth-event.entity.js';
import { AuthToken } from './entities/auth-token.entity.js';
import { Session } from './entities/session.entity.js';
import { InitialAdmin } from './initial-admin.js';
import { JwtStrategy } from './jwt.strategy.js';
import { OneTimeTokens } from './one-time-tokens.service.js';
import { SessionCache } from './session-cache.js';
import { SessionsController } from './sessions.controller.js';
import { SessionsService } from './sessions.service.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([Session, AuthToken, AuthEvent]),
    UsersModule,
    NotificationsModule,
  ],
  controllers: [AuthController, SessionsController, AccountController],
  providers: [
    {
      provide: PasswordHasher,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new PasswordHasher(config.auth.argon2, config.auth.argon2Concurrency),
    },
    AccessTokens,
    SessionCache,
    JwtStrategy,
    { provide: APP_GUARD, useClass: AuthGuard },
    AuthThrottle,
    AuthEventsService,
    AuthMail,
    OneTimeTokens,
    SessionsService,
    AuthService,
    AccountRecoveryService,
    AccountService,
    InitialAdmin,
  ],
  exports: [PasswordHasher, SessionCache],
})
export class AuthModule {}
