/** Jest runs TypeScript through ts-jest; pdfjs-dist is ESM, loaded with import() (needs --experimental-vm-modules). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/src'],
  testMatch: ['**/*.spec.ts', '**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  testTimeout: 60000,
  // A suite that leaves a handle open (a pdf.js worker, a socket) must never hang CI: exit once all results are in.
  forceExit: true,
};
