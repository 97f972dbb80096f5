import { Transform } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
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
}
