import { Global, Module } from '@nestjs/common';
import { projectionDefinitionOf } from '../projections/projection-definition';
import { ReadModelStore } from '../projections/read-model-store';
import { EventlineModuleOptions } from './eventline-module-options';
import { EVENTLINE_MODULE_OPTIONS } from './eventline.module-definition';
import { READ_MODEL_STORE } from './eventline.constants';
import { ProjectionExplorer } from './projection-explorer';
import { Projections } from './projections.service';

/**
 * Global read-side half of EventlineModule.forRoot: opens the read-model database with every
 * registered projection's read models, runs the projections, and exports the `Projections` service
 * and the READ_MODEL_STORE (for adapters' query-side helpers).
 */
@Global()
@Module({
  providers: [
    ProjectionExplorer,
    {
      provide: READ_MODEL_STORE,
      useFactory: async (
        options: EventlineModuleOptions,
        explorer: ProjectionExplorer,
      ): Promise<ReadModelStore | null> =>
        options.readModels
          ? options.readModels.open(explorer.explore().map((p) => projectionDefinitionOf(p.type)))
          : null,
      inject: [EVENTLINE_MODULE_OPTIONS, ProjectionExplorer],
    },
    Projections,
  ],
  exports: [READ_MODEL_STORE, Projections],
})
export class EventlineProjectionsModule {}
