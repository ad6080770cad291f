import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { ProjectionsAdminController } from './projections-admin.controller';

/** Endpoints for operators: health for load balancers, projection status and rebuilds. */
@Module({ controllers: [HealthController, ProjectionsAdminController] })
export class OperationsModule {}
