import { TemplateEngine } from '../../templates/template-engine';
import { MountIssues } from '../../world/mount-validation-error';
import { SOCKET_SCOPE, type SocketTemplateScope } from './socket-template-scope';

/** What compiling a world's socket behaviours shares: one template environment, one issue list. */
export interface SocketCompileTools {
  readonly templates: TemplateEngine<SocketTemplateScope>;
  readonly issues: MountIssues;
}

export function socketCompileTools(): SocketCompileTools {
  // Counters are per connection (each render brings its own): the engine's own are never read.
  return { templates: new TemplateEngine({ scope: SOCKET_SCOPE }), issues: new MountIssues() };
}
