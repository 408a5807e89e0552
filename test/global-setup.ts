/**
 * Runs once before the test files: builds the CLI (dist-cli/) when it is missing or older than
 * its sources, so the tests that spawn bin/webplus-abort.js run the current code and do not all
 * start a build at once.
 */
export default async function setup(): Promise<void> {
  // @ts-expect-error: a plain .mjs script without type declarations
  const { ensureBuilt } = (await import('../scripts/ensure-cli.mjs')) as {
    ensureBuilt: (o?: { log?: (line: string) => void }) => Promise<string>;
  };
  await ensureBuilt({ log: () => {} });
}
