import type { ExtractContent } from '../stages';

// Placeholder until the engine helper replaces this file with the real stage.
export const extractContent: ExtractContent = async () => {
  throw new Error('extractContent is being written');
};
