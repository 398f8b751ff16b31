import { Injectable } from '@nestjs/common';
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { AppConfig } from '../config';

export interface PipelineErrorEntry {
  job_id: string;
  stage: string;
  code: string;
  message: string;
  stack?: string;
}

/** Appends one JSON line per pipeline error to PIPELINE_ERROR_LOG (besides the regular JSON log). */
@Injectable()
export class PipelineErrorLog {
  readonly path: string;

  constructor(config: AppConfig) {
    this.path = resolve(config.get('PIPELINE_ERROR_LOG'));
  }

  async append(entry: PipelineErrorEntry): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await appendFile(this.path, `${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
  }
}
