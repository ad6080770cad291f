import { Controller, Get } from '@nestjs/common';
import { Projections } from '@eventline/core';

export interface ProjectionReport {
  readonly name: string;
  readonly status: string;
  /** Events not yet applied, over the partitions this process holds. */
  readonly lag: number;
  readonly partitions: number;
  readonly lastError: { readonly message: string; readonly code?: string } | null;
}

@Controller('admin/projections')
export class ProjectionsAdminController {
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
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }
}
