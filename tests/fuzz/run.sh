#!/bin/sh
# run.sh build DIR          - build the fuzz targets with clang into DIR
# run.sh TARGET DIR [SECS]  - run DIR/fuzz_TARGET for SECS seconds (default
#                             $SERVICER_FUZZ_SECONDS, else 30) from the
#                             committed seeds; a crash fails, with its input
set -eu
here=$(cd "$(dirname "$0")" && pwd)
what=$1 dir=$2
if [ "$what" = build ]; then
	cmake -S "$here" -B "$dir" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	exec cmake --build "$dir" -j2
fi
secs=${3:-${SERVICER_FUZZ_SECONDS:-30}}
work="$dir/corpus-$what"
rm -rf "$work" "$dir/artifacts-$what"
mkdir -p "$work" "$dir/artifacts-$what"
# New inputs go to a scratch corpus; the committed seeds are only read.
if "$dir/fuzz_$what" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	-artifact_prefix="$dir/artifacts-$what/" -print_final_stats=1 \
	"$work" "$here/corpus/$what" 2>"$dir/fuzz-$what.log"; then
	tail -n 12 "$dir/fuzz-$what.log"
	exit 0
fi
tail -n 40 "$dir/fuzz-$what.log"
for f in "$dir/artifacts-$what"/*; do
	[ -e "$f" ] || continue
	echo "reproducer $f (run: $dir/fuzz_$what $f):"
	od -A d -c "$f" | head -n 20
done
exit 1
