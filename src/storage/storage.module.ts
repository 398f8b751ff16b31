import { Global, Module } from '@nestjs/common';
import { AppConfig } from '../config';
import { LocalStorage } from './local-storage';
import { StorageService } from './storage.service';
import { SupabaseStorage } from './supabase-storage';

export function createStorage(config: AppConfig): StorageService {
  if (config.get('STORAGE_DRIVER') === 'local') return new LocalStorage(config.get('STORAGE_DIR'));
  const url = config.get('SUPABASE_URL');
  const serviceRoleKey = config.get('SUPABASE_SERVICE_ROLE_KEY');
  // The config schema already rejects STORAGE_DRIVER=supabase without these; this narrows the types.
  if (!url || !serviceRoleKey)
    throw new Error('STORAGE_DRIVER=supabase needs SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY');
  return new SupabaseStorage({ url, serviceRoleKey, bucket: config.get('SUPABASE_STORAGE_BUCKET') });
}

@Global()
@Module({
  providers: [{ provide: StorageService, useFactory: createStorage, inject: [AppConfig] }],
  exports: [StorageService],
})
export class StorageModule {}
