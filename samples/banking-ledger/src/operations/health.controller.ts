import { Controller, Get } from '@nestjs/common';
import { Projections, UnavailableError } from '@eventline/core';

@Controller('health')
export class HealthController {
  constructor(private readonly projections: Projections) {}

  /** 200 once every projection runs (read models are being kept up to date); 503 before or after a failure. */
  @Get()
  async health(): Promise<{ status: 'ok' }> {
    const notRunning = (await this.projections.status()).filter((p) => p.state !== 'running');
    if (notRunning.length > 0) {
      throw new UnavailableError(
        `Projections not running: ${notRunning.map((p) => `${p.name} (${p.state})`).join(', ')}.`,
        { projections: notRunning.map((p) => ({ name: p.name, state: p.state, lastError: p.lastError })) },
        'NOT_READY',
      );
    }
    return { status: 'ok' };
  }
}
