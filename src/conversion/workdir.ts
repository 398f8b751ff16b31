/**
 * A stage reads its inputs from, and writes its outputs to, fixed file names in one work directory.
 * The service copies these files to and from storage between stages; the CLI keeps one directory.
 */
import type { StageName } from './stages';

export const WORK_FILES = {
  pdf: 'input.pdf',
  layout: 'layout.json',
  content: 'content.json',
  structure: 'structure.json',
  epub: 'output.epub',
  quality: 'quality.json',
  assetsDir: 'assets',
} as const;

type WorkFile = keyof typeof WORK_FILES;

export interface StageFiles {
  inputs: WorkFile[];
  outputs: WorkFile[];
}

export const STAGE_FILES: Record<StageName, StageFiles> = {
  // analyze_layout encodes the pictures as it parses the pages (no page is parsed twice).
  analyze_layout: { inputs: ['pdf'], outputs: ['layout', 'assetsDir'] },
  extract_content: { inputs: ['layout'], outputs: ['content'] },
  identify_structure: { inputs: ['layout', 'content'], outputs: ['structure'] },
  generate_epub: { inputs: ['structure', 'assetsDir'], outputs: ['epub'] },
  calculate_quality_score: { inputs: ['layout', 'structure', 'epub'], outputs: ['quality'] },
};
