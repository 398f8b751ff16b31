/** calculate_quality_score's artifact, stored as the job's quality_report. */
export interface QualityComponent {
  /** 0..1, higher is better. */
  score: number;
  /** Weight in the overall score. */
  weight: number;
  /** Raw figure(s) behind the score, for people. */
  detail: Record<string, number | string | boolean | null>;
}

export interface QualityReport {
  version: 1;
  /** 0..100. */
  score: number;
  components: Record<string, QualityComponent>;
  chapters: number;
  pages: number;
  words: number;
  warnings: string[];
}
