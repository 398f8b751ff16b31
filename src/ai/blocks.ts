/** Small helpers on content blocks (the engine's own, so the AI pass reads blocks exactly as the engine does). */
export { blockText, inlineText } from '../conversion/block-text';
