/**
 * `tessera hsm-bridge --module <path> --pin-file F --port P`: runs the PKCS#11 bridge
 * (apps/hsm-bridge) until interrupted, and the operator's device actions
 * (`--approve DEVICE_ID`, `--revoke DEVICE_ID`, `--list-devices`) on its registry directory. `--dev-softhsm DIR`
 * runs it on a development SoftHSM2 token kept in DIR, initialized on first run (npm start).
 *
 * The bridge code (@tessera/hsm-bridge) is loaded when the command runs: the native `pkcs11js`
 * addon is only needed here, so other commands never load it.
 * @module
 */
import { UsageError, parseCommandArgs, parseIntArg, shorten } from '../args.ts';
import type { CliContext, Command } from '../command.ts';

const options = {
  module: { type: 'string' },
  'pin-file': { type: 'string' },
  'pin-env': { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  origin: { type: 'string' },
  data: { type: 'string' },
  'token-label': { type: 'string' },
  'max-body': { type: 'string' },
  skew: { type: 'string' },
  'rate-burst': { type: 'string' },
  'rate-per-minute': { type: 'string' },
  'log-level': { type: 'string' },
  'dev-softhsm': { type: 'string' },
  approve: { type: 'string' },
  revoke: { type: 'string' },
  'list-devices': { type: 'boolean' },
} as const;

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;
type Level = (typeof LEVELS)[number];

/** The parts of apps/hsm-bridge this command uses (loaded on demand: they need the native pkcs11js addon). */
interface BridgeModules {
  server: typeof import('@tessera/hsm-bridge/server');
  registry: typeof import('@tessera/hsm-bridge/registry');
  log: typeof import('@tessera/hsm-bridge/log');
  softhsm: typeof import('@tessera/hsm-bridge/softhsm');
}

async function loadBridge(): Promise<BridgeModules> {
  const [server, registry, log, softhsm] = await Promise.all([
    import('@tessera/hsm-bridge/server'),
    import('@tessera/hsm-bridge/registry'),
    import('@tessera/hsm-bridge/log'),
    import('@tessera/hsm-bridge/softhsm'),
  ]);
  return { server, registry, log, softhsm };
}

/** Default registry directory (relative to the working directory). */
const DEFAULT_DATA = 'hsm-bridge-data';

const SERVE_ONLY = ['module', 'pin-file', 'pin-env', 'dev-softhsm', 'port', 'host', 'origin', 'token-label', 'max-body', 'skew', 'rate-burst', 'rate-per-minute', 'log-level'] as const;

function parseOrigins(text: string): string[] {
  const list = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (list.length === 0) throw new UsageError('--origin', 'expected one or more origins, comma-separated');
  for (const o of list) if (!/^https?:\/\/[^/\s,]+$/.test(o)) throw new UsageError('--origin', `not an origin (scheme://host[:port], no path): ${JSON.stringify(shorten(o))}`);
  return list;
}

/** The `hsm-bridge` command. */
export const hsmBridgeCommand: Command = {
  name: 'hsm-bridge',
  summary: 'run the PKCS#11 HSM bridge for wallets (token-held wrapping keys and nonce counters); approve devices',
  help: `usage: tessera hsm-bridge --module PATH (--pin-file F | --pin-env VAR) --port P
                          [--host H] [--origin O[,O…]] [--data DIR] [--token-label L]
                          [--max-body B] [--skew S] [--rate-burst N] [--rate-per-minute R]
                          [--log-level debug|info|warn|error]
       tessera hsm-bridge --dev-softhsm DIR --port P [options above]
       tessera hsm-bridge --list-devices [--data DIR]
       tessera hsm-bridge --approve DEVICE_ID [--data DIR]
       tessera hsm-bridge --revoke DEVICE_ID [--data DIR]

Runs the bridge: loads the PKCS#11 module, logs in to the token with the PIN read from the
file or environment variable (never from a request, never logged), and serves wallets over
HTTP: GET /health, device registration, wrap/unwrap of vault data keys with per-device
AES-256 keys generated in the token (sensitive, not extractable), and per-device monotonic
counters kept in the token. Every request is signed by the device's identity key; devices
stay pending until the operator approves them with --approve. Prints http://H:P on stdout
once listening; logs (JSON lines) go to stderr. Ctrl-C or SIGTERM stops it cleanly.

  --module PATH        PKCS#11 module (e.g. /usr/lib/softhsm/libsofthsm2.so)
  --pin-file F         file whose first line is the user PIN
  --pin-env VAR        environment variable holding the user PIN
  --port P             TCP port (0 = any free port)
  --host H             interface to bind (default 127.0.0.1)
  --origin O[,O…]      wallet origins allowed by CORS (default none)
  --data DIR           device registry directory (default ./${DEFAULT_DATA})
  --token-label L      token to use (default the first token present)
  --max-body B         largest request body in bytes (default 16384)
  --skew S             allowed clock skew of signed requests in seconds (default 60)
  --rate-burst N       requests a device may send at once (default 30)
  --rate-per-minute R  sustained requests per device per minute (default 300)
  --log-level L        least severe level logged (default info)
  --dev-softhsm DIR    development only: use (and on first run initialize) a SoftHSM2 token
                       kept in DIR with a random PIN in DIR/pin, instead of --module and
                       --pin-file; the registry defaults to DIR/data
  --list-devices       print the registered devices (id, status, key fingerprint)
  --approve ID         approve a registered device (compare its fingerprint first)
  --revoke ID          remove a device from the registry (it is refused from then on)`,
  async run(args: string[], ctx: CliContext): Promise<number> {
    const { values } = parseCommandArgs(args, options);
    const devDir = values['dev-softhsm'];
    if (devDir !== undefined && devDir.trim() === '') throw new UsageError('--dev-softhsm', 'expected a directory');
    const dir = values.data ?? (devDir !== undefined ? `${devDir.replace(/\/+$/, '')}/data` : DEFAULT_DATA);
    if (dir.trim() === '') throw new UsageError('--data', 'expected a directory');
    const actions = (['approve', 'revoke', 'list-devices'] as const).filter((k) => values[k] !== undefined);
    if (actions.length > 1) throw new UsageError(`--${actions[1]}`, `cannot be combined with --${actions[0]}`);
    const operator = actions[0] !== undefined ? `--${actions[0]}` : undefined;
    if (operator) {
      for (const k of SERVE_ONLY) if (values[k] !== undefined) throw new UsageError(`--${k}`, `cannot be combined with ${operator}`);
      const bridge = await loadBridge();
      const target = values.approve ?? values.revoke;
      if (target !== undefined) {
        const arg = operator!;
        if (!bridge.registry.DEVICE_ID_RE.test(target)) throw new UsageError(arg, `not a device id: ${JSON.stringify(shorten(target))}`);
        let rec: import('@tessera/hsm-bridge/registry').DeviceRecord;
        try {
          rec = values.approve !== undefined ? bridge.registry.approveDevice(dir, target) : bridge.registry.revokeDevice(dir, target);
        } catch (e) {
          if (e instanceof RangeError) throw new UsageError(arg, `no registered device "${target}" in ${dir}`);
          throw e;
        }
        ctx.stdout.write(`${values.approve !== undefined ? 'approved' : 'revoked'} ${rec.id} (key fingerprint ${rec.fingerprint})\n`);
        return 0;
      }
      for (const d of bridge.registry.listDevices(dir)) ctx.stdout.write(`${d.id}\t${d.status}\t${d.fingerprint}\t${new Date(d.registered).toISOString()}\n`);
      return 0;
    }
    if (devDir !== undefined) {
      for (const k of ['module', 'pin-file', 'pin-env', 'token-label'] as const) if (values[k] !== undefined) throw new UsageError(`--${k}`, 'cannot be combined with --dev-softhsm');
    } else {
      if (values.module === undefined) throw new UsageError('--module', 'required (path of the PKCS#11 module)');
      if (values.module.trim() === '') throw new UsageError('--module', 'expected a path');
      if (values['pin-file'] !== undefined && values['pin-env'] !== undefined) throw new UsageError('--pin-env', 'cannot be combined with --pin-file');
      if (values['pin-file'] === undefined && values['pin-env'] === undefined) throw new UsageError('--pin-file', 'required (or --pin-env VAR)');
    }
    if (values['pin-env'] !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(values['pin-env'])) throw new UsageError('--pin-env', `not an environment variable name: ${JSON.stringify(shorten(values['pin-env']))}`);
    if (values.port === undefined) throw new UsageError('--port', 'required');
    const port = parseIntArg('--port', values.port, 0, 65535);
    const level = (values['log-level'] ?? 'info') as Level;
    if (!LEVELS.includes(level)) throw new UsageError('--log-level', `expected one of ${LEVELS.join(', ')} (got ${JSON.stringify(shorten(level))})`);
    const origins = values.origin !== undefined ? parseOrigins(values.origin) : [];
    const maxBody = values['max-body'] !== undefined ? parseIntArg('--max-body', values['max-body'], 256, 16 * 1024 * 1024) : undefined;
    const skew = values.skew !== undefined ? parseIntArg('--skew', values.skew, 1, 3600) : undefined;
    const burst = values['rate-burst'] !== undefined ? parseIntArg('--rate-burst', values['rate-burst'], 1, 1_000_000) : 30;
    const perMinute = values['rate-per-minute'] !== undefined ? parseIntArg('--rate-per-minute', values['rate-per-minute'], 0, 60_000_000) : 300;
    const bridge = await loadBridge();
    let modulePath = values.module;
    let pin: { file: string } | { env: string } | undefined = values['pin-file'] !== undefined ? { file: values['pin-file'] } : values['pin-env'] !== undefined ? { env: values['pin-env'] } : undefined;
    if (devDir !== undefined) {
      const dev = bridge.softhsm.ensureSoftHsmToken(devDir);
      process.env.SOFTHSM2_CONF = dev.conf; // read by the library at C_Initialize
      modulePath = bridge.softhsm.SOFTHSM_MODULE_PATH;
      pin = { file: dev.pinFile };
      ctx.stderr.write(`development SoftHSM2 token "${dev.label}" ${dev.created ? 'initialized' : 'reused'} in ${devDir} (SOFTHSM2_CONF=${dev.conf})\n`);
    }
    // both were checked above; this narrows them for the compiler
    if (modulePath === undefined) throw new UsageError('--module', 'required (path of the PKCS#11 module)');
    if (pin === undefined) throw new UsageError('--pin-file', 'required (or --pin-env VAR)');
    const logger = bridge.log.createLogger(ctx.stderr, level);
    const server = await bridge.server.startBridgeService({
      modulePath,
      pin,
      dataDir: dir,
      port,
      host: values.host ?? '127.0.0.1',
      origins,
      logger,
      rateLimit: { burst, perSecond: perMinute / 60 },
      ...(values['token-label'] !== undefined ? { tokenLabel: values['token-label'] } : {}),
      ...(maxBody !== undefined ? { maxBodyBytes: maxBody } : {}),
      ...(skew !== undefined ? { skewMs: skew * 1000 } : {}),
    });
    ctx.stdout.write(`${server.url}\n`);
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) resolve();
      else ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await server.close();
    return 0;
  },
};
