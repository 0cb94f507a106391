/**
 * The worker's side of the entity graph view: the open graphs by handle
 * (the wasm `EntityGraphView`: tables read, ForceAtlas2 layout, expand,
 * notes), and the state the page draws after each change. Apart from
 * `router.ts` so that file stays about routing.
 */
import type {
  EntityGraphViewOptions,
  GraphNodeDetails,
  GraphNodeInfo,
  GraphSummary
} from '../pkg/huntkit_wasm.js';
import {
  ErrorKind,
  type GraphCall,
  type GraphOpened,
  type GraphResults,
  type GraphState
} from './protocol.js';

/** The wasm `EntityGraphView` as the router uses it. */
export interface EntityGraphViewLike {
  summary(): GraphSummary;
  nodes(): GraphNodeInfo[];
  edges(): Uint32Array;
  positions(): Float64Array;
  setPosition(slot: number, x: number, y: number): void;
  expand(node: number): number;
  addNote(node: number, text: string): number;
  details(node: number): GraphNodeDetails;
  timelineArrow(): Uint8Array;
  timelineNodes(): Uint32Array;
  free(): void;
}

/** The constructor the wasm module exports. */
export type EntityGraphViewClass = new (
  nodes: Uint8Array,
  nodesFormat: string,
  edges: Uint8Array,
  edgesFormat: string,
  options: EntityGraphViewOptions | undefined
) => EntityGraphViewLike;

/** The open entity graphs of a worker, by handle. */
export class GraphStore {
  private readonly graphs = new Map<number, EntityGraphViewLike>();
  private next = 1;

  add(view: EntityGraphViewLike): number {
    const handle = this.next++;
    this.graphs.set(handle, view);
    return handle;
  }

  /** The graph of `handle`; throws (kind `closed`) when it is not open. */
  get(handle: number): EntityGraphViewLike {
    const view = this.graphs.get(handle);
    if (!view) {
      throw Object.assign(
        new Error(
          `entity graph ${handle} is not open in the huntkit worker (closed, or the worker restarted)`
        ),
        { kind: ErrorKind.closed }
      );
    }
    return view;
  }

  close(handle: number): void {
    const view = this.graphs.get(handle);
    this.graphs.delete(handle);
    view?.free();
  }

  get size(): number {
    return this.graphs.size;
  }
}

/** What the page draws now, and the buffers it can take over. */
export function graphState(view: EntityGraphViewLike): {
  state: GraphState;
  transfer: Transferable[];
} {
  const nodes = view.nodes();
  const edges = view.edges();
  const positions = view.positions();
  const arrow = view.timelineArrow();
  const timeline = arrow.buffer.slice(
    arrow.byteOffset,
    arrow.byteOffset + arrow.byteLength
  ) as ArrayBuffer;
  const state: GraphState = {
    nodes,
    edges,
    positions,
    timeline,
    timelineNodes: view.timelineNodes()
  };
  const transfer = [edges.buffer, positions.buffer, timeline, state.timelineNodes.buffer];
  return { state, transfer: transfer as Transferable[] };
}

/** Reads the tables and lays the graph out; the view is kept under a new handle. */
export function openGraph(
  Graph: EntityGraphViewClass,
  store: GraphStore,
  nodes: Uint8Array,
  nodesFormat: string,
  edges: Uint8Array,
  edgesFormat: string,
  options: EntityGraphViewOptions
): { result: GraphOpened; transfer: Transferable[] } {
  const view = new Graph(nodes, nodesFormat, edges, edgesFormat, options);
  try {
    const summary = view.summary();
    const { state, transfer } = graphState(view);
    return { result: { handle: store.add(view), summary, ...state }, transfer };
  } catch (error) {
    view.free();
    throw error;
  }
}

/** Runs one call on an open graph. */
export function callGraph(
  view: EntityGraphViewLike,
  call: GraphCall
): { result: GraphResults[GraphCall['method']]; transfer: Transferable[] } {
  switch (call.method) {
    case 'expand': {
      const added = view.expand(call.node);
      const { state, transfer } = graphState(view);
      return { result: { ...state, added }, transfer };
    }
    case 'addNote': {
      const note = view.addNote(call.node, call.text);
      const { state, transfer } = graphState(view);
      return { result: { ...state, note }, transfer };
    }
    case 'details':
      return { result: view.details(call.node), transfer: [] };
    case 'setPosition':
      view.setPosition(call.slot, call.x, call.y);
      return { result: null, transfer: [] };
    default: {
      const method: never = call;
      throw new Error(`unknown entity graph call ${JSON.stringify(method)}`);
    }
  }
}
