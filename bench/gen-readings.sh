#!/bin/sh
# gen-readings.sh DEVICES DAYS > file.csv: a reading a day of DEVICES devices
# (SN000000, SN000001, ...) for DAYS days from 2010-01-01, counters rising,
# rows shuffled (each row behind a random key, the same every run).
set -eu
devices=${1:-1000}
days=${2:-1000}
printf 'serial,date,total,bw,color\n'
TZ=UTC awk -v d="$devices" -v n="$days" 'BEGIN {
	srand(42)
	for (i = 0; i < n; i++)
		day[i] = strftime("%Y-%m-%d", 1262304000 + i * 86400, 1)
	for (s = 0; s < d; s++) {
		bw = 0; co = 0
		for (i = 0; i < n; i++) {
			bw += int(rand() * 400); co += int(rand() * 100)
			printf "%.15f,SN%06d,%s,%d,%d,%d\n", rand(), s, day[i], bw + co, bw, co
		}
	}
}' | sort -t, -k1,1 | cut -d, -f2-
