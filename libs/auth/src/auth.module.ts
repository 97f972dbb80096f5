import { ServiceConfig } from '@lib/config';
import { Global, Module } from '@nestjs/common';
import { AuthGuard } from './auth.guard';
import { authSettingsFrom, TokenVerifier } from './token-verifier';

/**
 * Bearer-token verification and the AuthGuard. libs/platform's RequestHardeningModule (imported by
 * ServiceCoreModule) makes AuthGuard the first global guard. Refuses to start in production
 * without JWKS settings.
 */
@Global()
@Module({
  providers: [
    {
      provide: TokenVerifier,
      inject: [ServiceConfig],
      useFactory: (config: ServiceConfig) => new TokenVerifier(authSettingsFrom(config)),
    },
    AuthGuard,
  ],
  exports: [TokenVerifier, AuthGuard],
})
export class AuthModule {}
