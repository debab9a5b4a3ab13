# common.sh: sourced by the benchmarks.
[ -x /usr/bin/time ] || { echo "needs GNU time (Debian package 'time')" >&2; exit 1; }

# Run a command; print "seconds peak_kib", its stderr kept in $out/stderr.
measure() {
	/usr/bin/time -f '%e %M' -o "$out/time" "$@" >/dev/null 2>"$out/stderr" || true
	cat "$out/time"
}
