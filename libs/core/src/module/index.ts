export * from './eventline.module';
export * from './eventline-core.module';
export * from './eventline-module-options';
export * from './eventline-engine';
export * from './eventline.constants';
export { EVENTLINE_MODULE_OPTIONS } from './eventline.module-definition';
export * from './command-gateway';
export * from './inject-repository.decorator';
export * from './eventline-feature';
