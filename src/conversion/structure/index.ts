import type { IdentifyStructure } from '../stages';

// Placeholder until the engine helper replaces this file with the real stage.
export const identifyStructure: IdentifyStructure = async () => {
  throw new Error('identifyStructure is being written');
};
