#!/bin/bash
# server.sh start DIR | stop DIR | new DIR DATABASE | drop DIR DATABASE |
#           clone DIR FROM TO | role DIR NAME | url DIR [DATABASE] |
#           psql DIR DATABASE (SQL on standard input, as the superuser)
#
# A PostgreSQL server of the tests' own: initdb in DIR, listening only on a
# Unix socket in DIR, no TCP.  initdb refuses to run as root, so as root
# the cluster belongs to the user "postgres" (Debian's postgresql package
# creates it), run through runuser, and root connects with a role of its
# own, "root", which owns the databases (as a dealer's administrator would
# own theirs): servicer's acting user is the role the server authenticated.  "start" prints the URL of database
# "servicer_test"; "new DIR NAME" creates database NAME and prints its URL, "drop DIR
# NAME" drops it, connections and all; "clone DIR FROM TO" copies FROM;
# "role DIR NAME" creates a login role NAME (a member of staff); "url DIR
# NAME" the URL of a database; "stop" stops the server and removes DIR.
set -euo pipefail
cmd=${1:?usage: server.sh start|stop|url DIR}
dir=${2:?usage: server.sh start|stop|url DIR}
bin=$(pg_config --bindir)
as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}
url() {
	# The socket directory as the URL's host, percent-encoded.
	local host
	host=$(printf '%s' "$dir/run" | sed 's|/|%2F|g')
	printf 'postgresql://%s@%s/%s\n' "$(id -un)" "$host" "${1:-servicer_test}"
}
owner() {
	if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi
}
case $cmd in
start)
	# A server left behind by a run that was killed goes first.
	[ ! -d "$dir" ] || "$0" stop "$dir"
	mkdir -p "$dir/run"
	[ "$(id -u)" -ne 0 ] || chown -R postgres: "$dir"
	as_owner "$bin/initdb" -D "$dir/data" -A trust -U "$(owner)" --no-sync -E UTF8 \
		--locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
	as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
		-o "-c listen_addresses='' -k $dir/run -c fsync=off -c full_page_writes=off" \
		start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
	if [ "$(id -un)" != "$(owner)" ]; then
		as_owner "$bin/createuser" -h "$dir/run" -U "$(owner)" "$(id -un)"
	fi
	as_owner "$bin/createdb" -h "$dir/run" -U "$(owner)" -O "$(id -un)" servicer_test
	url servicer_test
	;;
new)
	as_owner "$bin/createdb" -h "$dir/run" -U "$(owner)" -O "$(id -un)" "${3:?a database name}"
	url "$3"
	;;
clone)
	# A copy of database FROM as TO (CREATE DATABASE ... TEMPLATE).
	as_owner "$bin/createdb" -h "$dir/run" -U "$(owner)" -O "$(id -un)" \
		-T "${3:?a database to copy}" "${4:?a name for the copy}"
	;;
psql)
	as_owner "$bin/psql" -h "$dir/run" -U "$(owner)" -d "${3:?a database}" -X -q -tA \
		-v ON_ERROR_STOP=1
	;;
drop)
	as_owner "$bin/psql" -h "$dir/run" -U "$(owner)" -d postgres -X -q \
		-c "DROP DATABASE IF EXISTS \"${3:?a database name}\" WITH (FORCE)"
	;;
role)
	# Roles are the server's, not a database's: one made before stays.
	as_owner "$bin/psql" -h "$dir/run" -U "$(owner)" -d postgres -X -q -tA \
		-c "SELECT 1 FROM pg_roles WHERE rolname = '${3:?a role name}'" | grep -q 1 ||
		as_owner "$bin/createuser" -h "$dir/run" -U "$(owner)" "$3"
	;;
url)
	url "${3:-servicer_test}"
	;;
stop)
	if [ -d "$dir/data" ]; then
		as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$dir"
	;;
*)
	echo "usage: server.sh start|stop|url DIR" >&2
	exit 64
	;;
esac
