/**
 * Asana (REST 1.0, personal access token).
 *
 * Tickets are the incomplete tasks assigned to the user in one workspace, plus the
 * incomplete tasks they follow. Following needs Asana's search API, which only paid
 * workspaces have: on a 402 the adapter says so once and keeps polling assigned tasks.
 * Asana has no API for @-mentions, so "mentioned" never comes from Asana.
 *
 * Ids are `asana:<task gid>`. A task may sit in several projects: `projectId` is the first
 * project Asana lists for it (its membership order) and `projectIds` all of them.
 * Comments are the task's stories of type `comment`.
 */
import { ProviderError } from '../../../lib/errors.js';
import type { ProviderSection } from '../../config/types.js';
import { ApiClient, collectPages, type ProviderDeps } from '../http.js';
import { SectionReader } from '../section.js';
import { array, boolean, id, nullable, object, optional, string, type Shape, type ShapeOf } from '../shape.js';
import { plainText } from '../text.js';
import { mergeTickets, trackerTicket, type Reason } from '../tickets.js';
import type { ProviderTicket, TicketDetails, TicketProvider } from '../types.js';

export const ASANA_KEYS = ['personal_access_token', 'my_user_gid', 'workspace_gid'];

const TASK_FIELDS = 'name,completed,modified_at,created_at,permalink_url,projects.name,memberships.project.name';
const PAGE = 100;

const Project = object({ gid: id });
const Task = object({
  gid: id,
  name: string,
  completed: optional(boolean, false),
  modified_at: nullable(string),
  created_at: nullable(string),
  permalink_url: nullable(string),
  projects: optional(array(Project), []),
  memberships: optional(array(object({ project: nullable(Project) })), []),
});
type Task = ShapeOf<typeof Task>;

const FullTask = object({ gid: id, name: string, notes: optional(string, '') });
const Story = object({
  type: optional(string, ''),
  text: optional(string, ''),
  created_at: nullable(string),
  created_by: nullable(object({ name: optional(string, 'someone') })),
});
const NextPage = nullable(object({ offset: string }));

/** Asana wraps every body in `{ data }`; listings add `next_page`. */
const wrapped = <T>(data: Shape<T>) => object({ data });
const listing = <T>(item: Shape<T>) => object({ data: array(item), next_page: optional(NextPage, null) });

export function createAsanaProvider(section: ProviderSection, deps: ProviderDeps = {}): TicketProvider {
  const config = new SectionReader(section);
  const token = config.required('personal_access_token');
  const workspace = config.required('workspace_gid');
  if (!/^\d+$/.test(workspace)) throw config.invalid('workspace_gid', `workspace_gid must be a numeric gid, got "${workspace}"`);
  const api = new ApiClient(
    {
      provider: section.name,
      baseUrl: config.apiUrl('https://app.asana.com/api/1.0'),
      authKey: 'personal_access_token',
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    },
    deps,
  );
  return new AsanaProvider(section.name, api, workspace, config.optional('my_user_gid') ?? 'me');
}

class AsanaProvider implements TicketProvider {
  readonly type = 'asana';
  /** Set after the search API answered 402: this workspace has no search, so no followed tasks. */
  private searchUnavailable = false;

  constructor(
    readonly name: string,
    private readonly api: ApiClient,
    private readonly workspace: string,
    private readonly me: string,
  ) {}

  async poll(signal?: AbortSignal): Promise<ProviderTicket[]> {
    const assigned = await collectPages(this.api, 'assigned tasks', async (offset) => {
      const page = await this.api.json(
        {
          path: '/tasks',
          query: { assignee: this.me, workspace: this.workspace, completed_since: 'now', limit: PAGE, opt_fields: TASK_FIELDS, offset: offset ?? undefined },
          signal,
        },
        listing(Task),
      );
      return { items: page.data, next: page.next_page?.offset ?? null };
    });
    return mergeTickets(
      assigned.filter((t) => !t.completed).map((t) => this.ticket(t, 'assigned')),
      (await this.followed(signal)).map((t) => this.ticket(t, 'watched')),
    );
  }

  async details(ticketId: string, signal?: AbortSignal): Promise<TicketDetails> {
    const gid = this.gid(ticketId);
    const task = await this.api.json({ path: `/tasks/${gid}`, query: { opt_fields: 'name,notes' }, signal }, wrapped(FullTask));
    const stories = await collectPages(this.api, 'stories', async (offset) => {
      const page = await this.api.json(
        {
          path: `/tasks/${gid}/stories`,
          query: { limit: PAGE, opt_fields: 'type,text,created_at,created_by.name', offset: offset ?? undefined },
          signal,
        },
        listing(Story),
      );
      return { items: page.data, next: page.next_page?.offset ?? null };
    });
    return {
      description: plainText(task.data.notes),
      comments: stories
        .filter((s) => s.type === 'comment')
        .map((s) => ({ author: plainText(s.created_by?.name ?? 'someone'), body: plainText(s.text), createdAt: s.created_at })),
    };
  }

  async comment(ticketId: string, body: string, signal?: AbortSignal): Promise<void> {
    await this.api.json(
      { method: 'POST', path: `/tasks/${this.gid(ticketId)}/stories`, json: { data: { text: body } }, signal },
      wrapped(object({ gid: id })),
    );
  }

  /** Posts `summary` as a comment (when there is one), then marks the task completed. */
  async complete(ticketId: string, summary: string, signal?: AbortSignal): Promise<void> {
    if (summary.trim() !== '') await this.comment(ticketId, summary, signal);
    await this.api.json(
      { method: 'PUT', path: `/tasks/${this.gid(ticketId)}`, json: { data: { completed: true } }, signal },
      wrapped(object({ gid: id })),
    );
  }

  /**
   * Incomplete tasks the user follows, through the search API. Search has no offsets: pages
   * are taken in creation order, each asking for tasks created after the last one seen.
   */
  private async followed(signal?: AbortSignal): Promise<Task[]> {
    if (this.searchUnavailable) return [];
    try {
      return await collectPages(this.api, 'followed tasks', async (after) => {
        const page = await this.api.json(
          {
            path: `/workspaces/${this.workspace}/tasks/search`,
            query: {
              'followers.any': this.me,
              completed: false,
              sort_by: 'created_at',
              sort_ascending: true,
              limit: PAGE,
              opt_fields: TASK_FIELDS,
              'created_at.after': after ?? undefined,
            },
            signal,
          },
          listing(Task),
        );
        const last = page.data.at(-1)?.created_at ?? null;
        return { items: page.data, next: page.data.length === PAGE ? last : null };
      });
    } catch (error) {
      if (!(error instanceof ProviderError && error.status === 402)) throw error;
      this.searchUnavailable = true;
      this.api.log('following tasks needs Asana search, which this workspace does not have (402 Payment Required); polling assigned tasks only');
      return [];
    }
  }

  private ticket(task: Task, reason: Reason): ProviderTicket {
    const projectIds = [...new Set([...task.memberships.flatMap((m) => (m.project ? [m.project.gid] : [])), ...task.projects.map((p) => p.gid)])];
    return trackerTicket({
      id: `asana:${task.gid}`,
      title: plainText(task.name),
      projectId: projectIds[0] ?? null,
      projectIds,
      url: task.permalink_url,
      reason,
      updatedAt: task.modified_at,
    });
  }

  private gid(ticketId: string): string {
    const match = /^asana:(\d+)$/.exec(ticketId);
    if (!match) throw this.api.error('not_found', `"${ticketId}" is not an Asana task id (asana:<gid>)`);
    return match[1]!;
  }
}
