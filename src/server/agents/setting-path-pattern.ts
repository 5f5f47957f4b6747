/**
 * A route pattern that follows a setting, so a path changed at run time takes effect without rebuilding the
 * router (koa-router copies its layers once, when the app is composed, but keeps this object). The router calls
 * `test()` and `String.prototype.match()`, and both go through `exec`, which matches the path as it is now.
 */
export class SettingPathPattern extends RegExp {
  private compiledFor: string | undefined;
  private compiled = /(?!)/;

  constructor(private readonly currentPath: () => string) {
    super('(?!)');
  }

  override exec(input: string): RegExpExecArray | null {
    const path = this.currentPath();
    if (path !== this.compiledFor) {
      // Settings allow only unreserved URL characters; '.' is the one that needs escaping. Like the other
      // routes: case-insensitive, a trailing slash tolerated.
      this.compiled = new RegExp(`^${path.replaceAll('.', '\\.')}/?$`, 'i');
      this.compiledFor = path;
    }
    return this.compiled.exec(input);
  }
}
