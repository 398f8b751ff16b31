import type { AnalyzeLayout } from '../stages';

// Placeholder until the engine helper replaces this file with the real stage.
export const analyzeLayout: AnalyzeLayout = async () => {
  throw new Error('analyzeLayout is being written');
};
