import { Controller, Get, HttpCode, Logger, Param, Post } from '@nestjs/common';
import { Projections, RebuildProgress } from '@eventline/core';

export interface ProjectionReport {
  readonly name: string;
  readonly status: string;
  /** Events not yet applied, over the partitions this process holds. */
  readonly lag: number;
  readonly partitions: number;
  readonly lastError: { readonly message: string; readonly code?: string } | null;
  /** The latest rebuild started by this process: phase, events processed, rate, ETA. */
  readonly rebuild?: RebuildProgress;
  /** Poison events set aside (only with `poison: 'park'`; the default stops the projection). */
  readonly parked?: number;
}

@Controller('admin/projections')
export class ProjectionsAdminController {
  private readonly logger = new Logger('Projections');

  constructor(private readonly projections: Projections) {}

  @Get()
  async list(): Promise<ProjectionReport[]> {
    const statuses = await this.projections.status();
    return statuses
      .map((s) => ({
        name: s.name,
        status: s.state,
        lag: s.lag,
        partitions: s.partitions.length,
        lastError: s.lastError,
        ...(s.rebuild ? { rebuild: s.rebuild } : {}),
        ...(s.parked ? { parked: s.parked } : {}),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * 202: replays the log into shadow tables while the live read model keeps serving, then switches
   * over atomically. Follow it with GET /admin/projections (`rebuild.phase` becomes `done`).
   * 404 for an unknown projection, 400 for one without read models (the transfer process).
   */
  @Post(':name/rebuild')
  @HttpCode(202)
  async rebuild(@Param('name') name: string): Promise<{ name: string; status: 'rebuilding' }> {
    const rebuild = this.projections.rebuild(name);
    // A refused rebuild rejects at once and is answered here; a started one runs on in the background.
    await Promise.race([rebuild, Promise.resolve()]);
    rebuild.catch((error: Error) => this.logger.error(`Rebuild of ${name} failed: ${error.message}`));
    return { name, status: 'rebuilding' };
  }
}
