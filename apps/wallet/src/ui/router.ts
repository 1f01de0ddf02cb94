/**
 * Hash router of the wallet UI. Routes are `#/<name>[/<param>]`; an invite link's fragment
 * `#join=<payload>` routes to the join screen with the whole link (the payload is a bearer
 * capability and lives only in the fragment, which browsers never send to servers).
 * @module
 */

/** Screens reachable by URL. */
export type RouteName =
  | 'home'
  | 'welcome'
  | 'restore'
  | 'unlock'
  | 'accounts'
  | 'create'
  | 'join'
  | 'lobby'
  | 'account'
  | 'inbox'
  | 'status'
  | 'backup'
  | 'refresh'
  | 'settings'
  | 'cosigner';

/** A parsed route. */
export interface Route {
  readonly name: RouteName;
  /** Path parameter (account id, lobby id, request id…). */
  readonly param?: string;
  /** The full invite link when the fragment is `#join=…`. */
  readonly joinLink?: string;
}

const NAMES: ReadonlySet<string> = new Set<RouteName>(['home', 'welcome', 'restore', 'unlock', 'accounts', 'create', 'join', 'lobby', 'account', 'inbox', 'status', 'backup', 'refresh', 'settings', 'cosigner']);

/** Parses `location`-like input into a route (unknown paths go home). */
export function parseRoute(hash: string, href: string): Route {
  if (hash.startsWith('#join=')) return { name: 'join', joinLink: href };
  const path = hash.replace(/^#\/?/, '');
  const [name = '', ...rest] = path.split('/');
  if (!NAMES.has(name)) return { name: 'home' };
  const param = rest.length ? decodeURIComponent(rest.join('/')) : undefined;
  return param === undefined || param === '' ? { name: name as RouteName } : { name: name as RouteName, param };
}

/** The hash of a route (`#/name/param`). */
export function routeHash(name: RouteName, param?: string): string {
  return param === undefined ? `#/${name}` : `#/${name}/${encodeURIComponent(param)}`;
}

/** Navigates to a route; `replace` drops the current entry from history (e.g. a used invite link). */
export function navigate(name: RouteName, param?: string, replace = false): void {
  const hash = routeHash(name, param);
  if (replace) location.replace(hash);
  else location.hash = hash;
}
