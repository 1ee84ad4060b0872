/** A host as it stands in a URL: an IPv6 literal in brackets (`http://[::1]:8080`). */
export function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
