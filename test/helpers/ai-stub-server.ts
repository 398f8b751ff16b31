/**
 * The AI stub server for tests. It lives in src/ai/stub/ because `npm run bench:ai` (compiled from src/) uses it
 * too; tests import it from here.
 */
export * from '../../src/ai/stub/ai-stub-server';
