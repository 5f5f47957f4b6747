import type Handlebars from 'handlebars';

/** The parts of Handlebars' JavaScriptCompiler (untyped, and documented only as a class to extend) used here. */
interface JavaScriptCompiler {
  compiler: JavaScriptCompilerClass;
  append(): void;
  isInline(): boolean;
  replaceStack(callback: (current: unknown) => unknown[]): void;
  pushSource(source: unknown): void;
  appendToBuffer(source: unknown): unknown;
  popStack(): unknown;
}
type JavaScriptCompilerClass = new () => JavaScriptCompiler;

/**
 * Makes `environment` append every value as text. Under `noEscape`, Handlebars 4.7 (up to 4.7.10, the latest)
 * joins adjacent values with `+` without making them strings first, so inside a block `{{a}}{{b}}` with 1 and 2
 * writes "3", and `{{@index}}{{@first}}` adds 0 and true (handlebars.js#1838, fixed upstream after 4.7.10). The
 * override is upstream's fix: the inline append coerces its value with `"" +`, as the escaping path already does.
 */
export function appendValuesAsText(environment: typeof Handlebars): void {
  const holder = environment as unknown as { JavaScriptCompiler: JavaScriptCompilerClass };
  const Base = holder.JavaScriptCompiler;
  class StringAppendingCompiler extends Base {
    override append(): void {
      if (!this.isInline()) {
        super.append();
        return;
      }
      this.replaceStack((current) => [' != null ? "" + ', current, ' : ""']);
      this.pushSource(this.appendToBuffer(this.popStack()));
    }
  }
  // Block bodies are compiled by `new this.compiler()`: without this, they would use the base class.
  StringAppendingCompiler.prototype.compiler = StringAppendingCompiler;
  holder.JavaScriptCompiler = StringAppendingCompiler;
}
