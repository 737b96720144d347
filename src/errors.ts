/**
 * Base of every error lvsha raises on purpose. `context` carries the facts an
 * admin needs to act (file, line, field, service, errno, …) so callers can
 * print or map them (e.g. to an OCF exit code) without parsing messages.
 */
export class LvshaError extends Error {
  readonly context: Readonly<Record<string, unknown>>;
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.context = context;
  }
}

/** Bad user input (config file, parameter, CLI flag). `where` is e.g. "file:line" or a field name. */
export class ConfigError extends LvshaError {
  readonly where: string | undefined;
  readonly hint: string | undefined;
  constructor(message: string, opts: { where?: string; hint?: string; context?: Record<string, unknown> } = {}) {
    const text = [opts.where ? `${opts.where}: ${message}` : message, opts.hint ? ` (${opts.hint})` : ''].join('');
    super(text, { ...opts.context, where: opts.where, hint: opts.hint });
    this.where = opts.where;
    this.hint = opts.hint;
  }
}

/** A component the action needs is missing on this host (kernel module, binary, file). */
export class NotInstalledError extends LvshaError {}

/** The caller lacks a privilege (not root, no CAP_NET_ADMIN). */
export class PermissionError extends LvshaError {}
