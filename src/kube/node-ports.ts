/**
 * The NodePorts the action sets itself. Since Kubernetes 1.29 (KEP-3668, "reserved NodePort
 * ranges for dynamic and static allocation", GA), the API server allocates dynamic NodePorts
 * from the upper part of the range first and keeps the lower band for ports that are asked
 * for by number. The band's size is min(max(16, size / 32), 128) ports: for the default range
 * 30000-32767 (2768 ports) that is 86, so 30000-30085. Ports chosen there do not collide with a
 * NodePort the cluster has handed out on its own.
 */
export const NODE_PORT_RANGE = { first: 30000, last: 32767 };

export function staticBand(range = NODE_PORT_RANGE): { first: number; last: number } {
  const size = range.last - range.first + 1;
  const band = Math.min(Math.max(16, Math.floor(size / 32)), 128);
  return { first: range.first, last: range.first + band - 1 };
}

const BAND = staticBand();

/** PostgreSQL and Redis in the cluster, then one per exposed service. */
export const NODE_PORTS = { postgres: BAND.first + 1, redis: BAND.first + 2, expose: BAND.first + 10 };

/** How many services can be exposed with a port in the band. */
export const MAX_EXPOSED = BAND.last - NODE_PORTS.expose + 1;
