import pkg from '../package.json' with { type: 'json' };

/** The package version, reported by `GET /health` and `--version`. */
export const VERSION: string = pkg.version;
