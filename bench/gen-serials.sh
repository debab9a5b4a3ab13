#!/bin/sh
# gen-serials.sh N > file.csv: N registration rows for three catalogue models,
# serials in random order, a quarter of the rows with quoted fields that hold
# commas.
set -eu
n=${1:-1000000}
printf 'model,serial,account,location\n'
awk -v n="$n" 'BEGIN {
	split("iR-ADV C5535|imagePROGRAF iPF6400S|imagePROGRAF iPF685", m, "|")
	for (i = 1; i <= n; i++) {
		model = m[i % 3 + 1]
		if (i % 4 == 0)
			printf "\"%s\",SN%09d,AC-%d,\"Building %d, floor %d, room %d\"\n", model, i, i % 9973, i % 50, i % 9, i % 40
		else
			printf "%s,SN%09d,AC-%d,Site %d\n", model, i, i % 9973, i % 50
	}
}' | shuf
