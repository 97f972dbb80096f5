import { Transform } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  MinLength,
  ValidateBy,
  ValidateIf,
  Max,
  Min,
} from 'class-validator';

const splitList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0)
    : value;

/** Settings every service reads; apps extend it with their own. */
export class ServiceConfig {
  @IsOptional()
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @IsInt()
  @Min(1)
  @Max(65535)
  PORT!: number;

  @Transform(splitList)
  @ArrayNotEmpty({ message: 'KAFKA_BROKERS must list at least one host:port' })
  @Matches(/^[^\s:,]+:[0-9]{1,5}$/, {
    each: true,
    message: 'KAFKA_BROKERS entries must be host:port',
  })
  KAFKA_BROKERS!: string[];

  @IsString()
  @Matches(/^mongodb(\+srv)?:\/\//, {
    message: 'MONGODB_URI must start with mongodb:// or mongodb+srv://',
  })
  MONGODB_URI!: string;

  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,60}$/, { message: 'MONGODB_DB must be a plain database name' })
  MONGODB_DB?: string;

  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' = 'info';

  /** Prefix for consumer group ids, so that parallel test runs on one broker never share a group. */
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{0,60}$/, {
    message: 'KAFKA_GROUP_PREFIX must be letters, digits, dot, dash or underscore',
  })
  KAFKA_GROUP_PREFIX: string = '';

  /** Largest JSON body accepted, in bytes; larger bodies are refused with 413. */
  @IsOptional()
  @IsInt()
  @Min(1024)
  HTTP_BODY_LIMIT_BYTES: number = 100 * 1024;

  /** Database (on MONGODB_URI) of the one subject key store all services share. */
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,60}$/, { message: 'KEYSTORE_DB must be a plain database name' })
  KEYSTORE_DB: string = 'keystore';

  /**
   * Base64 of 32 random bytes: the key-encryption key that wraps every subject key. Required in
   * production; elsewhere a fixed development key is used when unset (libs/personal-data).
   */
  @ValidateIf(
    (c: ServiceConfig) => c.NODE_ENV === 'production' || c.KEYSTORE_MASTER_KEY !== undefined,
  )
  @IsString()
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'KEYSTORE_MASTER_KEY must be base64 of 32 bytes' })
  KEYSTORE_MASTER_KEY?: string;

  /**
   * Secret of the keyed hashes (HMAC-SHA256) behind key ids and pseudonyms; the same in every
   * service. Required in production; elsewhere a fixed development secret is used when unset.
   */
  @ValidateIf((c: ServiceConfig) => c.NODE_ENV === 'production' || c.PSEUDONYM_SECRET !== undefined)
  @IsString()
  @MinLength(32, { message: 'PSEUDONYM_SECRET must be at least 32 characters' })
  PSEUDONYM_SECRET?: string;

  /**
   * Production: the issuer's JWKS (https), issuer and audience are required and tokens must be
   * RS256/ES256. Development and test: tokens are HS256 with AUTH_DEV_SECRET (a built-in
   * development value when unset) and the development issuer and audience unless set.
   */
  @ValidateIf((c: ServiceConfig) => c.NODE_ENV === 'production' || c.AUTH_JWKS_URL !== undefined)
  @IsString()
  @Matches(/^https:\/\/\S+$/, { message: 'AUTH_JWKS_URL must be an https:// URL' })
  AUTH_JWKS_URL?: string;

  @ValidateIf((c: ServiceConfig) => c.NODE_ENV === 'production' || c.AUTH_ISSUER !== undefined)
  @IsString()
  @MinLength(1)
  AUTH_ISSUER?: string;

  @ValidateIf((c: ServiceConfig) => c.NODE_ENV === 'production' || c.AUTH_AUDIENCE !== undefined)
  @IsString()
  @MinLength(1)
  AUTH_AUDIENCE?: string;

  /** Development and test only; refused in production, where tokens are verified by JWKS. */
  @ValidateIf((c: ServiceConfig) => c.AUTH_DEV_SECRET !== undefined)
  @ValidateBy({
    name: 'notInProduction',
    validator: {
      validate: (_value: unknown, args) =>
        (args?.object as ServiceConfig | undefined)?.NODE_ENV !== 'production',
      defaultMessage: () => 'AUTH_DEV_SECRET must not be set in production',
    },
  })
  @IsString()
  @MinLength(32, { message: 'AUTH_DEV_SECRET must be at least 32 characters' })
  AUTH_DEV_SECRET?: string;

  /** Requests a caller (token subject, else IP) may make a minute; more get 429 with Retry-After. */
  @IsOptional()
  @IsInt()
  @Min(1)
  RATE_LIMIT_PER_MINUTE: number = 600;
}
