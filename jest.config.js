/*
 * jest: @jupyterlab/testing's configuration, keeping its list of ES-module
 * packages to transform and adding ours (JupyterLab's packages ship ES
 * modules). Replacing the list breaks on @jupyter/react-components.
 */
const jestJupyterLab = require('@jupyterlab/testing/lib/jest-config');

const baseConfig = jestJupyterLab(__dirname);

const extraEsModules = ['@jupyterlab/', '@lumino/'];

function withEsModules(pattern) {
  // The base pattern is `/node_modules/(?!pkg|pkg|...).+`.
  const match = /^(.*\(\?!)(.*)(\)\.\+)$/.exec(pattern);
  if (!match) {
    throw new Error(`Unexpected transformIgnorePatterns entry: ${pattern}`);
  }
  return `${match[1]}${[match[2], ...extraEsModules].join('|')}${match[3]}`;
}

module.exports = {
  ...baseConfig,
  automock: false,
  collectCoverageFrom: [
    'src/**/*.{ts,tsx}',
    '!src/**/*.d.ts',
    '!src/**/__tests__/**'
  ],
  coverageReporters: ['lcov', 'text'],
  modulePathIgnorePatterns: [
    '<rootDir>/.venv/',
    '<rootDir>/lib/',
    '<rootDir>/symphony_lab/',
    '<rootDir>/ui-tests/'
  ],
  testRegex: 'src/.*/.*\\.spec\\.tsx?$',
  transformIgnorePatterns: baseConfig.transformIgnorePatterns.map(
    withEsModules
  )
};
