import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { StreamingHealthIndicator } from '@streaming/nest';

/** Probes for an orchestrator: restart on `/health`, route traffic on `/health/ready`. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly streaming: StreamingHealthIndicator,
  ) {}

  /** Liveness: fails only when the node is broken, never for a backend outage or a drain. */
  @Get()
  @HealthCheck()
  live() {
    return this.health.check([() => this.streaming.isAlive()]);
  }

  /** Readiness: fails (503) while the node drains or its backend does not answer. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([() => this.streaming.isReady()]);
  }
}
