/** The os/arch pair used in download URLs and tool-cache entries. */
export interface Platform {
  os: 'linux' | 'darwin';
  arch: 'amd64' | 'arm64';
}

export function currentPlatform(platform: string = process.platform, arch: string = process.arch): Platform {
  const os = platform === 'linux' || platform === 'darwin' ? platform : undefined;
  const a = arch === 'x64' ? 'amd64' : arch === 'arm64' ? 'arm64' : undefined;
  if (!os || !a) throw new Error(`kind and kubectl are installed on linux and darwin, amd64 and arm64; this is ${platform}/${arch}`);
  return { os, arch: a };
}

/** `linux-amd64`: keys the pinned checksums and every cache entry that is per platform. */
export function platformKey(p: Platform): `${Platform['os']}-${Platform['arch']}` {
  return `${p.os}-${p.arch}`;
}

export function fillTemplate(template: string, values: { version: string; os: string; arch: string }): string {
  return template.replace(/\{(version|os|arch)\}/g, (_m, key: keyof typeof values) => values[key]);
}
