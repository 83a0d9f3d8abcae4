/*
 * Builds the exported dashboard's script: src/pins/standalone.tsx (compiled
 * by tsc into lib/) with React and our renderers, one file, no chunks, no
 * source map; and its stylesheet, our style files concatenated. Both go to
 * symphony_lab/pins/static/, which symphony_lab/pins/export.py inlines.
 */
const fs = require('fs');
const path = require('path');
const { rspack } = require('@rspack/core');

const root = path.resolve(__dirname, '..', '..');
const out = path.join(root, 'symphony_lab', 'pins', 'static');
const STYLES = ['base.css', 'board.css', 'views.css', 'embedding.css', 'models.css', 'pins.css'];

fs.mkdirSync(out, { recursive: true });
const css = STYLES.filter(f => fs.existsSync(path.join(root, 'style', f)))
  .map(f => `/* ${f} */\n` + fs.readFileSync(path.join(root, 'style', f), 'utf8'))
  .join('\n');
fs.writeFileSync(path.join(out, 'standalone.css'), css);

rspack(
  {
    mode: 'production',
    target: 'web',
    context: root,
    entry: path.join(root, 'lib', 'pins', 'standalone.js'),
    devtool: false,
    output: { path: out, filename: 'standalone.js', iife: true, clean: false, publicPath: '' },
    module: { parser: { javascript: { dynamicImportMode: 'eager' } } },
    optimization: { splitChunks: false, runtimeChunk: false },
    performance: { hints: false },
    resolve: { extensions: ['.js', '.json'] }
  },
  (err, stats) => {
    if (err || stats.hasErrors()) {
      console.error(err || stats.toString({ colors: false, all: false, errors: true }));
      process.exit(1);
    }
    const size = fs.statSync(path.join(out, 'standalone.js')).size;
    console.log(`standalone.js: ${(size / 1024).toFixed(0)} KiB`);
  }
);
