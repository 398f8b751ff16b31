/** The storage layout of one job. Ids are UUIDs, so keys built here always pass assertSafeKey. */
import { WORK_FILES } from '../conversion/workdir';

export type WorkFile = keyof typeof WORK_FILES;

export interface JobRef {
  userId: string;
  jobId: string;
}

export const storagePaths = {
  input: ({ userId, jobId }: JobRef) => `uploads/${userId}/${jobId}/input.pdf`,
  output: ({ userId, jobId }: JobRef) => `downloads/${userId}/${jobId}/output.epub`,
  workPrefix: ({ userId, jobId }: JobRef) => `work/${userId}/${jobId}/`,
  /** Where a stage's work file lives: the PDF and EPUB at their public places, the rest under the work prefix. */
  workFile(ref: JobRef, file: WorkFile): string {
    if (file === 'pdf') return storagePaths.input(ref);
    if (file === 'epub') return storagePaths.output(ref);
    return `${storagePaths.workPrefix(ref)}${WORK_FILES[file]}`;
  },
};
