/** The file URL of dist/cli/main.js when it is up to date with its sources, else undefined. */
export function compiledCli(root?: string): string | undefined;
