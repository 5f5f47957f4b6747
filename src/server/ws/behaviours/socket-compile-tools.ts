import { TemplateEngine } from '../../templates/template-engine';
import type { PathParams } from '../../templates/template-params';
import { MountIssues } from '../../world/mount-validation-error';
import { SOCKET_SCOPE, type SocketTemplateScope } from './socket-template-scope';

/**
 * What compiling a world's socket behaviours shares: one template environment, one issue list; and, for one
 * endpoint's behaviour, the parameters of its path (its templates may read no other by name).
 */
export interface SocketCompileTools {
  readonly templates: TemplateEngine<SocketTemplateScope>;
  readonly issues: MountIssues;
  readonly params?: PathParams;
  /**
   * One endpoint's: set when one of its templates or matches reads the message as JSON, so its binary frames are
   * parsed too (never for an endpoint that does not read them).
   */
  readonly reads?: { json: boolean };
}

export function socketCompileTools(): SocketCompileTools {
  // Counters are per connection (each render brings its own): the engine's own are never read.
  return { templates: new TemplateEngine({ scope: SOCKET_SCOPE }), issues: new MountIssues() };
}
