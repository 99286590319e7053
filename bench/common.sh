# Shared by the benchmark scripts (sourced from the repository root).
# GNU time reports peak memory (Debian's package `time`).
need_gnu_time() {
  if [ ! -x /usr/bin/time ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
  fi
}
