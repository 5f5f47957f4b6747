import type Router from '@koa/router';
import { newRouter } from '../../../support/koa-router-on-first-use';

/** AGORA's four agents as its mock lists them; HAI only needs a 2xx and reads the ids. */
export const AGORA_AGENTS = [
  {
    id: 'general-agent',
    name: 'General Agent',
    description: 'Welcomes the inspector, answers general questions and routes work to the specialists.',
  },
  {
    id: 'history-agent',
    name: 'History Agent',
    description: 'Looks up company data (KVK) and the inspection history of a company.',
  },
  {
    id: 'regulation-agent',
    name: 'Regulation Agent',
    description: 'Searches food-safety regulations and checks whether a finding is a repeat violation.',
  },
  {
    id: 'reporting-agent',
    name: 'Reporting Agent',
    description: 'Drafts the inspection report (JSON and PDF) after the inspector approves it.',
  },
] as const;

/** `GET /agents`: a fixed answer, serialised once. */
export function agentsRoutes(): Router {
  const body = JSON.stringify({ success: true, agents: AGORA_AGENTS });
  const router = newRouter();
  router.get('/agents', (ctx) => {
    ctx.type = 'application/json';
    ctx.body = body;
  });
  return router;
}
