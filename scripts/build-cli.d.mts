/** Packages bundled into the CLI instead of loaded from node_modules. */
export const BUNDLED_PACKAGES: readonly string[];
/** Builds the CLI into dist/cli (or outdir, inside the project) with its stamp; the number of inputs. */
export function buildCli(options?: { outdir?: string; bundled?: readonly string[] }): Promise<number>;
