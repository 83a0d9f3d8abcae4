// For the ES-module packages jest transforms (see jest.config.js).
const config = require('@jupyterlab/testing/lib/babel-config');

module.exports = config.default ?? config;
