/**
 * Jest (on Node 20) cannot require() ES modules, and @platformatic/kafka ships ESM only. This
 * transformer compiles that package's ESM to CommonJS with TypeScript (already a dev dependency),
 * rewriting `import.meta.url`, which has no CommonJS form, to the file's URL. Outside Jest, Node
 * 20.19+ loads the package natively (require(esm)).
 */
const ts = require('typescript');
const crypto = require('crypto');

module.exports = {
  process(source, filename) {
    const patched = source
      // CommonJS has a `require` already; a second top-level declaration would not compile.
      .replace(/\bconst require = createRequire\(import\.meta\.url\);?/g, '')
      .replace(/\bimport\.meta\.url\b/g, "require('url').pathToFileURL(__filename).href");
    const { outputText } = ts.transpileModule(patched, {
      fileName: filename,
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, allowJs: true, esModuleInterop: true },
    });
    return { code: outputText };
  },
  getCacheKey(source, filename) {
    return crypto.createHash('sha1').update('esm-to-cjs-2').update(filename).update(source).digest('hex');
  },
};
