import type { GenerateEpub } from '../stages';

// Placeholder until the engine helper replaces this file with the real stage.
export const generateEpub: GenerateEpub = async () => {
  throw new Error('generateEpub is being written');
};
