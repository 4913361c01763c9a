/**
 * `continuum <command>`: the command-line entry point. Commands are looked up in a table so that
 * later issues add theirs (seed, users, clients, bench, ...) without touching the others.
 */
import cluster from 'node:cluster';
import { runCluster } from '../cluster/primary.ts';
import { workerCount } from '../cluster/workers.ts';
import { configFromEnv } from '../config.ts';

// Each command loads its own modules when it runs: a command started from a script (say,
// `continuum users list`) then loads what it uses and not the rest of the server.

type Command = (args: string[]) => Promise<void>;

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

const start: Command = async (args) => {
  const env = { ...process.env };
  const port = option(args, 'port');
  if (port) env.PORT = port;
  const config = configFromEnv(env);
  const workers = workerCount(option(args, 'workers'), config);
  if (workers > 1 && cluster.isPrimary) return runCluster(workers, config);
  // Loaded only to serve: the other commands never load the HTTP and OAuth stack.
  const { startServer } = await import('../server.ts');
  const server = await startServer(config);
  const backend = config.databaseUrl ? 'PostgreSQL' : `PGlite in ${config.dataDir}`;
  // A cluster worker stays quiet: the primary announces the cluster once every worker listens.
  if (!cluster.isWorker) process.stdout.write(`Continuum is listening on ${server.url} (${backend})\n  FHIR R4: ${server.url}/fhir  (CapabilityStatement: ${server.url}/fhir/metadata)\n`);
  const stop = async (): Promise<void> => {
    await server.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
};

const seed: Command = async (args) => {
  const { runSeedCommand } = await import('../seed/command.ts');
  process.exitCode = await runSeedCommand(args, configFromEnv(process.env));
};

const reindex: Command = async (args) => {
  const { runReindexCommand } = await import('../search-params/reindex-command.ts');
  process.exitCode = await runReindexCommand(args, configFromEnv(process.env));
};

const users: Command = async (args) => {
  const { runUsersCommand } = await import('../identity/users-command.ts');
  process.exitCode = await runUsersCommand(args, configFromEnv(process.env), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
};

const audit: Command = async (args) => {
  const { runAuditCommand } = await import('../audit/audit-command.ts');
  process.exitCode = await runAuditCommand(args, configFromEnv(process.env), { stdout: process.stdout, stderr: process.stderr });
};

const clients: Command = async (args) => {
  const { runClientsCommand } = await import('../auth/clients-command.ts');
  process.exitCode = await runClientsCommand(args, configFromEnv(process.env), { stdout: process.stdout, stderr: process.stderr });
};

const cds: Command = async (args) => {
  const { runCdsCommand } = await import('../cds/cds-command.ts');
  process.exitCode = await runCdsCommand(args, configFromEnv(process.env), { stdout: process.stdout, stderr: process.stderr });
};

const partners: Command = async (args) => {
  const { runPartnersCommand } = await import('../exchange/partners/partners-command.ts');
  process.exitCode = await runPartnersCommand(args, configFromEnv(process.env), { stdout: process.stdout, stderr: process.stderr });
};

const keys: Command = async (args) => {
  if ((args[0] !== 'rotate' && args[0] !== 'rotate-data') || args.length > 1) {
    process.stderr.write('Usage: continuum keys rotate | rotate-data\n');
    process.exitCode = 2;
    return;
  }
  const config = configFromEnv(process.env);
  if (args[0] === 'rotate-data') {
    if (config.dataKeys || config.dataKeyFile) {
      process.stderr.write('continuum keys: the data keys come from CONTINUUM_DATA_KEY / CONTINUUM_DATA_KEY_FILE; put a new key first there\n');
      process.exitCode = 1;
      return;
    }
    const { rotateDataKeys } = await import('../secrets/data-keys.ts');
    const ring = rotateDataKeys(config.dataDir);
    process.stdout.write(`new data key ${ring.current.id}; ${ring.keys.length - 1} older key(s) kept to open what they sealed. Restart every node: each start seals the stored secrets under the new key.\n`);
    return;
  }
  if (config.jwksJson || config.jwksFile) {
    process.stderr.write('continuum keys: the keys come from CONTINUUM_JWKS / CONTINUUM_JWKS_FILE; rotate them there\n');
    process.exitCode = 1;
    return;
  }
  const { rotateKeys } = await import('../auth/keys.ts');
  const rotated = await rotateKeys(config.dataDir);
  process.stdout.write(`new signing key ${String(rotated.jwks.keys[0]!.kid)}; ${rotated.jwks.keys.length - 1} older key(s) still published. Restart every node to use it.\n`);
};

const help: Command = async () => {
  const [{ SEED_USAGE }, { REINDEX_USAGE }, { USERS_USAGE_LINES }, { AUDIT_USAGE_LINES }, { CLIENTS_USAGE_LINES }, { CDS_USAGE_LINES }, { PARTNERS_USAGE_LINES }] = await Promise.all([
    import('../seed/command.ts'),
    import('../search-params/reindex-command.ts'),
    import('../identity/users-args.ts'),
    import('../audit/audit-args.ts'),
    import('../auth/clients-command.ts'),
    import('../cds/cds-command.ts'),
    import('../exchange/partners/partners-command.ts'),
  ]);
  process.stdout.write(`Usage: continuum <command> [options]\n\nCommands:\n  start [--port N] [--workers N]\n                     run the server (PGlite in CONTINUUM_DATA_DIR, or PostgreSQL at DATABASE_URL);\n                     --workers N runs N processes on one port (PostgreSQL only)\n  ${SEED_USAGE}\n                     load a synthetic population (resumable: run it again to continue)\n  ${REINDEX_USAGE}\n                     re-extract search indexes with the current search parameters\n                     (resumable: --job ID continues a stopped job)\n  ${USERS_USAGE_LINES.join('\n  ')}\n                     manage accounts (--tenant defaults to CONTINUUM_TENANT)\n  ${AUDIT_USAGE_LINES.join('\n  ')}\n                     check the audit trail's hash chain, or print the audit report\n  ${CLIENTS_USAGE_LINES.join('\n  ')}\n                     register and manage OAuth clients (SMART apps, backend services)\n  ${CDS_USAGE_LINES.join('\n  ')}\n                     register outside CDS Hooks services (FHIR Endpoints) for the CDS client\n  ${PARTNERS_USAGE_LINES.join('\n  ')}\n                     the exchange partner directory, and this deployment's exchange keys\n  keys rotate        add a new signing key in the data folder, keeping the older ones published\n  keys rotate-data   add a new data-encryption key in the data folder (stored secrets are\n                     sealed under it at the next start), keeping the older ones\n  help               show this text\n`);
};

const COMMANDS: Record<string, Command> = { start, seed, reindex, users, audit, clients, cds, partners, keys, help, '--help': help };

async function main(argv: string[]): Promise<void> {
  const [name = 'help', ...rest] = argv;
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`continuum: unknown command '${name}'\n`);
    await help([]);
    process.exit(2);
  }
  await command(rest);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`continuum: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
