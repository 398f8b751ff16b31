/**
 * The whole service on STORAGE_DRIVER=supabase, against a local server speaking the Supabase Storage API:
 * the upload, every stage artifact and the EPUB go through the bucket (nothing through a shared directory),
 * and /health reports the store when it fails.
 */
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { LOCAL_USER_ID } from '../../src/auth/auth-user';
import { JobStatus } from '../../src/common/enums';
import { startFakeSupabaseStorage, type FakeSupabaseStorage } from '../helpers/fake-supabase-storage';
import { createTestApp, type TestApp } from '../helpers/test-app';

async function samplePdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.setTitle('Supabase sample');
  const font = await doc.embedFont(StandardFonts.TimesRoman);
  for (let index = 0; index < 3; index += 1) {
    const page = doc.addPage([595, 842]);
    page.drawText(`Chapter ${index + 1}`, { x: 72, y: 770, size: 20, font });
    for (let line = 0; line < 20; line += 1) {
      page.drawText(`Line ${line + 1} of page ${index + 1} holds ordinary words for the converter to keep.`, {
        x: 72,
        y: 730 - line * 16,
        size: 11,
        font,
      });
    }
  }
  return Buffer.from(await doc.save());
}

describe('service with the supabase storage driver', () => {
  let fake: FakeSupabaseStorage;
  let t: TestApp;

  beforeAll(async () => {
    fake = await startFakeSupabaseStorage({ buckets: ['books'] });
    t = await createTestApp({
      env: {
        STORAGE_DRIVER: 'supabase',
        SUPABASE_URL: fake.url,
        SUPABASE_SERVICE_ROLE_KEY: fake.serviceRoleKey,
        SUPABASE_STORAGE_BUCKET: 'books',
      },
    });
  });

  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('converts a PDF with every file in the bucket and serves the EPUB from it', async () => {
    const accepted = await t.upload(await samplePdf(), 'sample.pdf');
    expect(accepted.status).toBe(202);
    const jobId = accepted.body.job_id as string;
    const job = await t.waitForTerminal(jobId, 120_000);
    expect({ status: job.status, error: job.error_code }).toEqual({
      status: JobStatus.COMPLETED,
      error: null,
    });

    const keys = [...fake.objects.keys()];
    expect(keys).toEqual(
      expect.arrayContaining([
        `books/uploads/${LOCAL_USER_ID}/${jobId}/input.pdf`,
        `books/downloads/${LOCAL_USER_ID}/${jobId}/output.epub`,
      ]),
    );
    // Stage artifacts went through the bucket (work/…) and were removed once the job completed.
    const uploadsOfWork = fake.requests.filter(
      (r) => r.method === 'POST' && r.path.includes(`/work/${LOCAL_USER_ID}/${jobId}/`),
    );
    expect(uploadsOfWork.map((r) => r.path.split('/').pop())).toEqual(
      expect.arrayContaining(['layout.json', 'content.json', 'structure.json', 'quality.json']),
    );
    expect(keys.filter((key) => key.includes(`/work/${LOCAL_USER_ID}/${jobId}/`))).toEqual([]);

    const download = await t.http
      .get(`/api/v1/jobs/${jobId}/download`)
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(download.status).toBe(200);
    expect(download.body as Buffer).toEqual(
      fake.objects.get(`books/downloads/${LOCAL_USER_ID}/${jobId}/output.epub`)?.body,
    );
  }, 150_000);

  it('GET /health is 503 naming storage while the Storage API fails, 200 again after', async () => {
    fake.failWith(503);
    try {
      const down = await t.http.get('/api/v1/health');
      expect(down.status).toBe(503);
      expect(down.body).toEqual({ detail: 'Unavailable: storage.', code: 'SERVICE_UNAVAILABLE' });
    } finally {
      fake.failWith(null);
    }
    expect((await t.http.get('/api/v1/health')).status).toBe(200);
  });
});
