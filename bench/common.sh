# common.sh: sourced by the benchmarks.
[ -x /usr/bin/time ] || { echo "needs GNU time (Debian package 'time')" >&2; exit 1; }

# Run a command; print "seconds peak_kib", its stderr kept in $out/stderr.
measure() {
	/usr/bin/time -f '%e %M' -o "$out/time" "$@" >/dev/null 2>"$out/stderr" || true
	cat "$out/time"
}

# A new servicer database at $1 holding the three models gen-serials.sh uses.
new_db() {
	rm -f "$1" "$1-wal" "$1-shm"
	"$servicer" --db "$1" -q init
	for m in "iR-ADV C5535" "imagePROGRAF iPF6400S" "imagePROGRAF iPF685"; do
		"$servicer" --db "$1" -q model add "$m"
	done
}

# The $2 devices gen-readings.sh reads (SN000000, ...) registered in $1.
register_readers() {
	local s
	{ echo model,serial; for ((s = 0; s < $2; s++)); do printf 'iR-ADV C5535,SN%06d\n' "$s"; done; } |
		"$servicer" --db "$1" -q ascr-register --import -
}

# Microseconds RUNS runs of a command take, its output thrown away.
time_runs() {
	local runs=$1 start end i
	shift
	start=$(date +%s%N)
	for ((i = 0; i < runs; i++)); do
		"$@" >/dev/null
	done
	end=$(date +%s%N)
	echo $(((end - start) / 1000))
}
