/**
 * Studies: the stored studies with their progress, and one study's status and report, computed
 * from the store on each call (the study owns no rows of its own besides its definition).
 */
import type { ApiHandlers } from '../../shared/channels.js';
import { ApiError } from '../../api/dispatch.js';
import type { ServiceContext } from '../context.js';
import { studyReport } from '../study/report.js';
import { studyStatus } from '../study/status.js';

type StudyHandlers = Pick<ApiHandlers, 'studies:list' | 'studies:get'>;

export function studyHandlers(ctx: ServiceContext): StudyHandlers {
  const { store } = ctx;
  return {
    async 'studies:list'() {
      return store.listStudies().map((s) => ({
        name: s.name, description: s.study?.description ?? '', updatedAt: s.updatedAt, damage: s.damage,
        progress: s.study ? studyStatus(store, s.study, ctx.workers).progress : null,
      }));
    },
    async 'studies:get'(req) {
      const s = store.getStudy(req.name);
      if (!s) throw new ApiError('not-found', `no study ${JSON.stringify(req.name)} in ${store.dbPath}; \`ascl study run FILE\` stores it`);
      if (!s.study) throw new ApiError('conflict', `studies:get: ${s.damage}`);
      return { status: studyStatus(store, s.study, ctx.workers), report: studyReport(store, s.study) };
    },
  };
}
