export { AppConfig, ConfigValidationError, loadConfigValues } from './app-config';
export type { ConfigValues } from './config.schema';
export { ConfigModule } from './config.module';
