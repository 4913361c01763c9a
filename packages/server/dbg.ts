import { createTestDatabase } from '/work/main/packages/server/test/fixtures/backend.ts';
import { configFromEnv } from '/work/main/packages/server/src/config.ts';
import { startServer } from '/work/main/packages/server/src/server.ts';
const database = await createTestDatabase();
const config = configFromEnv({ PORT: '1' }); config.port = 0; config.host = '127.0.0.1';
const server = await startServer(config, { db: database.db, log: (l) => console.log('LOG', l) });
const r = await fetch(`${server.url}/fhir/Patient`, { method: 'POST', headers: { 'content-type': 'application/fhir+json', 'if-none-exist': 'identifier=urn:x|A' }, body: JSON.stringify({ resourceType: 'Patient', identifier: [{ system: 'urn:x', value: 'A' }] }) });
console.log(r.status, await r.text());
await server.close(); await database.drop();
