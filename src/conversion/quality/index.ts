import type { CalculateQuality } from '../stages';

// Placeholder until the engine helper replaces this file with the real stage.
export const calculateQuality: CalculateQuality = async () => {
  throw new Error('calculateQuality is being written');
};
