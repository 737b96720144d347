/** Replaced at bundle time from package.json; the literal is the source-tree fallback. */
declare const LVSHA_VERSION: string | undefined;
export const VERSION: string = typeof LVSHA_VERSION === 'string' ? LVSHA_VERSION : '0.1.0-dev';
