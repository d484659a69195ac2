// What containerd's CRI plugin reports about its own registry config: `Status` with verbose=true
// carries the loaded CRI config as JSON under info.config (1.x: registry.configPath; containerd 2.x
// no longer reports the registry config there, so the answer is undefined).

/** The config_path the running CRI plugin loaded, from the verbose Status info; undefined if not said. */
export function criLoadedConfigPath(info: Record<string, string>): string | undefined {
  const raw = info.config;
  if (!raw) return undefined;
  try {
    const cfg = JSON.parse(raw) as { registry?: { configPath?: unknown; config_path?: unknown } };
    const v = cfg.registry?.configPath ?? cfg.registry?.config_path;
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}
