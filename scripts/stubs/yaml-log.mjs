/**
 * yaml's `log.js` as its CommonJS build has it (yaml 2.9.1 `dist/log.js`): a warning goes to
 * `process.emitWarning`, not `console.warn` (the ES-module build's), so the `yaml.js` chunk
 * (scripts/bundle-options.mjs `YAML_CHUNK`) warns as the package does under Node.
 */
export function debug(logLevel, ...messages) {
  if (logLevel === 'debug') console.log(...messages);
}

export function warn(logLevel, warning) {
  if (logLevel === 'debug' || logLevel === 'warn') {
    if (typeof process.emitWarning === 'function') process.emitWarning(warning);
    else console.warn(warning);
  }
}
