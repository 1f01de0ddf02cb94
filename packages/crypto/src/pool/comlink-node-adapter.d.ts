/**
 * Type declaration for Comlink's Node adapter. Comlink 4.4 ships it as
 * `dist/esm/node-adapter.mjs` with a `.d.ts` beside it that TypeScript does not pair with
 * an `.mjs` file; this restates that declaration for the path we import.
 */
declare module 'comlink/dist/esm/node-adapter.mjs' {
  import type { Endpoint } from 'comlink';
  /** The part of a Node `MessagePort`/`Worker` the adapter uses. */
  export interface NodeEndpoint {
    postMessage(message: unknown, transfer?: readonly unknown[]): void;
    on(type: string, listener: (value: unknown) => void): void;
    off(type: string, listener: (value: unknown) => void): void;
    start?: () => void;
  }
  /** Wraps a Node worker or message port as a Comlink `Endpoint`. */
  export default function nodeEndpoint(nep: NodeEndpoint): Endpoint;
}
