/**
 * Under `cocoon network` every node runs in its own process group (so Ctrl-C reaches only the launcher, which
 * stops the nodes in order). If the launcher dies without stopping them, each node notices here and stops
 * itself, so no node is left orphaned.
 */
export function watchLauncher (onGone: () => void, env: NodeJS.ProcessEnv = process.env): void {
  const pid = Number(env.COCOON_LAUNCHER_PID)
  if (!Number.isInteger(pid) || pid <= 0) return
  const timer = setInterval(() => {
    try {
      process.kill(pid, 0)
    } catch {
      clearInterval(timer)
      onGone()
    }
  }, 1000)
  timer.unref()
}
