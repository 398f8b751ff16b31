import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig } from '../config';
import { UploadController } from './upload.controller';
import { UploadService } from './upload.service';
import { UploadSizeGuard } from './upload-size.guard';

/** Multer streams the upload to a temp file (never into memory), with the size limit and one file at most. */
@Module({
  imports: [
    MulterModule.registerAsync({
      useFactory: (config: AppConfig) => {
        const dest = join(tmpdir(), 'pdf2epub-uploads');
        mkdirSync(dest, { recursive: true });
        return {
          dest,
          limits: { fileSize: config.maxUploadBytes, files: 1, fields: 10, parts: 20 },
          defParamCharset: 'utf8',
        };
      },
      inject: [AppConfig],
    }),
  ],
  controllers: [UploadController],
  providers: [UploadService, UploadSizeGuard],
})
export class UploadModule {}
