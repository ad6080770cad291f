/**
 * Jest (on Node 20) cannot require() ES modules, and NestJS 12 ships ESM only. This transformer
 * compiles those packages' ESM to CommonJS with TypeScript (already a dev dependency), rewriting
 * `import.meta.url`, which has no CommonJS form, to the file's URL.
 */
const ts = require('typescript');
const crypto = require('crypto');

module.exports = {
  process(source, filename) {
    const patched = source.replace(/\bimport\.meta\.url\b/g, "require('url').pathToFileURL(__filename).href");
    const { outputText } = ts.transpileModule(patched, {
      fileName: filename,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, allowJs: true, esModuleInterop: true },
    });
    return { code: outputText };
  },
  getCacheKey(source, filename) {
    return crypto.createHash('sha1').update('esm-to-cjs-1').update(filename).update(source).digest('hex');
  },
};
