import { Logger } from '@nestjs/common';
import { createSampleApp } from './app.js';
import { configWarnings, loadConfig } from './config.js';

const config = loadConfig();
const app = await createSampleApp(config);
// Ctrl-C closes client connections with the protocol's shutdown code, so SDKs reconnect.
app.enableShutdownHooks();
const logger = new Logger('Sample');
for (const warning of configWarnings(config)) logger.warn(warning);
const port = Number(process.env.PORT ?? 3000);
await app.listen(port);
logger.log(`chat sample on http://localhost:${port}`);
