/**
 * Who writes an event. Never empty: LOGBOOK_ACTOR ("Name <email>"), then git's
 * user.name/user.email, then the OS user at this host. The agent comes from the
 * hook input or LOGBOOK_AGENT.
 */
import os from 'node:os';
import type { Actor } from './events.js';
import type { GitConfig } from './repo.js';

export function resolveActor(env: NodeJS.ProcessEnv, config: GitConfig, agent?: { agent?: string; agentSession?: string }): Actor {
  let name: string | undefined;
  let email: string | undefined;
  const fromEnv = env.LOGBOOK_ACTOR?.trim();
  if (fromEnv) {
    const m = /^(.*?)\s*<([^>]*)>\s*$/.exec(fromEnv);
    name = (m ? m[1] : fromEnv)?.trim() || undefined;
    email = m ? m[2]!.trim() : undefined;
  }
  name ??= env.GIT_AUTHOR_NAME?.trim() || config['user.name']?.trim() || undefined;
  email ??= env.GIT_AUTHOR_EMAIL?.trim() || config['user.email']?.trim() || undefined;
  if (!name) {
    let user = 'unknown';
    try {
      user = os.userInfo().username || user;
    } catch {
      /* no passwd entry (containers) */
    }
    name = user;
  }
  email ??= `${name.replace(/\s+/g, '.').toLowerCase()}@${os.hostname() || 'localhost'}`;
  const actor: Actor = { name, email };
  const agentName = agent?.agent ?? env.LOGBOOK_AGENT?.trim();
  if (agentName) actor.agent = agentName;
  if (agent?.agentSession) actor.agentSession = agent.agentSession;
  return actor;
}
