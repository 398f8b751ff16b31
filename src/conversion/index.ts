/** The conversion engine's public surface: the five stages and their artifacts. */
export { analyzeLayout } from './analyze';
export { extractContent } from './extract';
export { identifyStructure } from './structure';
export { generateEpub } from './epub';
export { calculateQuality } from './quality';
export * from './stages';
export * from './errors';
export * from './assets';
export type * from './model/layout';
export type * from './model/content';
export type * from './model/book';
export type * from './model/quality';
