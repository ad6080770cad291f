import { ConfigurableModuleBuilder } from '@nestjs/common';
import { EventlineModuleOptions } from './eventline-module-options';

export const {
  ConfigurableModuleClass: ConfigurableEventlineCoreModule,
  MODULE_OPTIONS_TOKEN: EVENTLINE_MODULE_OPTIONS,
  OPTIONS_TYPE: EVENTLINE_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: EVENTLINE_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<EventlineModuleOptions>({ moduleName: 'Eventline' })
  .setClassMethodName('forRoot')
  .build();
