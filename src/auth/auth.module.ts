import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '../config/index.js';
import { NotificationsModule } from '../notifications/index.js';
import { UsersModule } from '../users/index.js';
import { AccessTokens } from './access-tokens.js';
import { AccountController } from './account/account.controller.js';
import { AccountService } from './account/account.service.js';
import { AuthDataErasure } from './account/auth-data-erasure.js';
import { AuthEventsService } from './account/auth-events.service.js';
import { AccountNotices } from './account-notices.js';
import { AuditTrail } from './audit-trail.js';
import { AuthThrottle } from './auth-throttle.js';
import { CurrentPassword } from './current-password.js';
import { PasswordHasher } from './domain/password-hasher.js';
import { AuthEvent } from './entities/auth-event.entity.js';
import { AuthToken } from './entities/auth-token.entity.js';
import { SessionRetiredToken } from './entities/session-retired-token.entity.js';
import { UserIdentity } from './entities/user-identity.entity.js';
import { Session } from './entities/session.entity.js';
import { RecoveryCode } from './entities/recovery-code.entity.js';
import { TotpFactor } from './entities/totp-factor.entity.js';
import { AuthGuard } from './guard/auth.guard.js';
import { JwtStrategy } from './guard/jwt.strategy.js';
import { InitialAdmin } from './initial-admin/initial-admin.js';
import { AuthController } from './login/auth.controller.js';
import { LoginService } from './login/login.service.js';
import { NewLoginAlert } from './new-login-alert.js';
import { SignIn } from './sign-in.js';
import { RegistrationService } from './login/registration.service.js';
import { NewPassword } from './new-password.js';
import { OneTimeTokens } from './one-time-tokens.js';
import { EmailVerificationService } from './recovery/email-verification.service.js';
import { ForgotPasswordService } from './recovery/forgot-password.service.js';
import { PasswordChangeService } from './recovery/password-change.service.js';
import { PasswordResetService } from './recovery/password-reset.service.js';
import { AuthEventsRepository } from './repositories/auth-events.repository.js';
import { AuthTokensRepository } from './repositories/auth-tokens.repository.js';
import { SessionsRepository } from './repositories/sessions.repository.js';
import { SessionCache } from './session-cache.js';
import { DelegatedSessions } from './delegated-sessions.js';
import { SessionRevocation } from './session-revocation.js';
import { SessionTokens } from './session-tokens.js';
import { RefreshService } from './sessions/refresh.service.js';
import { SessionsController } from './sessions/sessions.controller.js';
import { AdminSessionsController } from './sessions/admin-sessions.controller.js';
import { AdminSessionsService } from './sessions/admin-sessions.service.js';
import { SessionsService } from './sessions/sessions.service.js';
import { Passkey } from './entities/passkey.entity.js';
import { PasskeyChallenges } from './passkeys/passkey-challenges.js';
import { PasskeyRegistrationService } from './passkeys/passkey-registration.service.js';
import { PasskeySignInService } from './passkeys/passkey-sign-in.service.js';
import { PasskeysController } from './passkeys/passkeys.controller.js';
import { PasskeysService } from './passkeys/passkeys.service.js';
import { RelyingParty } from './passkeys/relying-party.js';
import { PasskeysRepository } from './repositories/passkeys.repository.js';

import { StepUpPolicy } from './guard/step-up-policy.js';
import { MfaChallengeService } from './mfa/mfa-challenge.service.js';
import { MfaChanges } from './mfa/mfa-changes.js';
import { MfaEnrolmentService } from './mfa/mfa-enrolment.service.js';
import { MfaController } from './mfa/mfa.controller.js';
import { StepUpService } from './mfa/step-up.service.js';
import { MfaKeys } from './mfa-keys.js';
import { PendingSignIns } from './pending-sign-ins.js';
import { MfaRepository } from './repositories/mfa.repository.js';
import { SecondFactor } from './second-factor.js';

import { IdTokens } from './oidc/id-tokens.js';
import { IdentitiesController } from './oidc/identities.controller.js';
import { IdentitiesService } from './oidc/identities.service.js';
import { OidcAccounts } from './oidc/oidc-accounts.js';
import { ClientSecretJwts } from './oidc/client-secret-jwts.js';
import { OidcClients } from './oidc/oidc-clients.js';
import { OidcController } from './oidc/oidc.controller.js';
import { OidcExchangeService } from './oidc/oidc-exchange.service.js';
import { OidcIssuers } from './oidc/oidc-issuers.js';
import { OidcTokenService } from './oidc/oidc-token.service.js';
import { OidcWebService } from './oidc/oidc-web.service.js';
import { SignInCodes } from './oidc/sign-in-codes.js';
import { UserIdentitiesRepository } from './repositories/user-identities.repository.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([
      Session,
      AuthToken,
      AuthEvent,
      SessionRetiredToken,
      Passkey,
      TotpFactor,
      RecoveryCode,
      UserIdentity,
    ]),
    UsersModule,
    NotificationsModule,
  ],
  // In this order: it is the order of the paths in the OpenAPI document.
  controllers: [
    AuthController,
    SessionsController,
    AccountController,
    AdminSessionsController,
    PasskeysController,
    MfaController,
    OidcController,
    IdentitiesController,
  ],
  providers: [
    {
      provide: PasswordHasher,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new PasswordHasher(config.auth.argon2, config.auth.argon2Concurrency),
    },
    // repositories
    SessionsRepository,
    AuthTokensRepository,
    AuthEventsRepository,
    // guard
    AccessTokens,
    SessionCache,
    JwtStrategy,
    { provide: APP_GUARD, useClass: AuthGuard },
    // shared by the use cases
    AuthThrottle,
    AuditTrail,
    AccountNotices,
    OneTimeTokens,
    SessionRevocation,
    SessionTokens,
    CurrentPassword,
    NewPassword,
    // use cases
    RegistrationService,
    LoginService,
    NewLoginAlert,
    SignIn,
    RefreshService,
    SessionsService,
    DelegatedSessions,
    AdminSessionsService,
    EmailVerificationService,
    ForgotPasswordService,
    PasswordResetService,
    PasswordChangeService,
    AccountService,
    AuthDataErasure,
    AuthEventsService,
    InitialAdmin,
    // passkeys
    PasskeysRepository,
    PasskeyChallenges,
    RelyingParty,
    PasskeyRegistrationService,
    PasskeySignInService,
    PasskeysService,
    // two-factor authentication
    MfaRepository,
    MfaKeys,
    PendingSignIns,
    SecondFactor,
    StepUpPolicy,
    MfaChanges,
    MfaEnrolmentService,
    MfaChallengeService,
    StepUpService,
    // social sign-in (OpenID Connect)
    UserIdentitiesRepository,
    OidcIssuers,
    OidcClients,
    ClientSecretJwts,
    IdTokens,
    OidcAccounts,
    SignInCodes,
    OidcTokenService,
    OidcWebService,
    OidcExchangeService,
    IdentitiesService,
  ],
  exports: [PasswordHasher, SessionCache, DelegatedSessions],
})
export class AuthModule {}
