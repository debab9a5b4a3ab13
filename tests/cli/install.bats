#!/usr/bin/env bats
# An install under any prefix works as it is: servicer finds its mail
# transport relative to itself, and servicer.pc its prefix relative to
# itself, so nothing depends on the prefix the build was configured with.
load helpers
load mail

install_to() {
	cmake --install "$(dirname "$SERVICER")" --prefix "$1" >/dev/null
}

@test "closeout --send works from an install under another prefix" {
	install_to "$TMP/prefix"
	[ -x "$TMP/prefix/libexec/servicer/servicer-smtp" ]
	SERVICER="$TMP/prefix/bin/servicer"
	setup_dealer
	closed_out C-1001
	start_smtpd
	run --separate-stderr "$SERVICER" --format csv closeout --send
	[ "$status" -eq 0 ]
	[[ "$output" == *"1,C-1001,sent,"* ]]
	[ -e "$MAIL/001.eml" ]
	# Moved elsewhere whole, it still finds its transport.
	mv "$TMP/prefix" "$TMP/moved"
	SERVICER="$TMP/moved/bin/servicer"
	closed_out C-1002 2025-11-19
	run "$SERVICER" closeout --send
	[ "$status" -eq 0 ]
	[ -e "$MAIL/002.eml" ]
}

@test "without its transport, --send says where it looked and loses nothing" {
	install_to "$TMP/prefix"
	rm "$TMP/prefix/libexec/servicer/servicer-smtp"
	SERVICER="$TMP/prefix/bin/servicer"
	setup_dealer
	closed_out C-1001
	start_smtpd
	run --separate-stderr "$SERVICER" closeout --send
	[ "$status" -eq 74 ]
	[[ "$stderr" == *"no servicer-smtp beside this program or in ../libexec/servicer relative to it"* ]]
	[ "$(sql "SELECT status, attempts FROM closeout")" = "queued|0" ]
}

@test "a client compiles and runs against an install under another prefix with pkg-config" {
	install_to "$TMP/prefix"
	pc="$(find "$TMP/prefix" -name servicer.pc)"
	[ -n "$pc" ]
	cat > "$TMP/client.c" <<'EOF'
#include <servicer.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	svc_db_t *db = NULL;

	if (argc != 2 || svc_db_create(argv[1], "D-1", "Client Co", &db) != SVC_OK)
		return 1;
	printf("schema %d\n", svc_schema_version());
	svc_db_close(db);
	return 0;
}
EOF
	export PKG_CONFIG_PATH="$(dirname "$pc")"
	[ "$(pkg-config --variable=prefix servicer | xargs realpath)" = "$(realpath "$TMP/prefix")" ]
	# A sanitized build's library needs its runtime in the client too.
	flags=""
	if ldd "$TMP/prefix"/lib*/libservicer.so* 2>/dev/null | grep -q libasan; then
		flags="-fsanitize=address,undefined"
	fi
	cc $flags -o "$TMP/client" "$TMP/client.c" $(pkg-config --cflags --libs servicer) \
		-Wl,-rpath,"$(pkg-config --variable=libdir servicer)"
	run "$TMP/client" "$TMP/client.db"
	[ "$status" -eq 0 ]
	[[ "$output" == "schema "* ]]
	[ "$(sqlite3 "$TMP/client.db" "SELECT value FROM config WHERE key = 'dealer.id'")" = D-1 ]
}

@test "the product builds and installs without the test tools (-DBUILD_TESTING=OFF)" {
	cmake -S "$SRC" -B "$TMP/build" -DBUILD_TESTING=OFF -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build "$TMP/build" -j2 >/dev/null
	[ ! -e "$TMP/build/tests" ]
	cmake --install "$TMP/build" --prefix "$TMP/plain" >/dev/null
	run "$TMP/plain/bin/servicer" --version
	[ "$status" -eq 0 ]
	[[ "$output" == "servicer "* ]]
}

# Issue 20: systemd units for the nightly import, the close-out send and the
# meter collection, installed as examples and clean under systemd-analyze
# verify (run on copies that call this build's servicer, which must exist).
@test "the systemd examples are installed and verify, each timer with its service" {
	command -v systemd-analyze >/dev/null || { echo "systemd-analyze is needed (Debian package systemd)" >&2; return 1; }
	install_to "$TMP/prefix"
	dir="$TMP/prefix/share/doc/servicer/examples/systemd"
	for job in import closeout meter-collect; do
		[ -f "$dir/servicer-$job.service" ]
		[ -f "$dir/servicer-$job.timer" ]
	done
	mkdir "$TMP/units"
	for f in "$dir"/*; do
		sed "s|/usr/bin/servicer|$TMP/prefix/bin/servicer|" "$f" >"$TMP/units/${f##*/}"
	done
	# The manual pages named are checked here, among those installed
	# (systemd-analyze would ask man(1), which need not be there).
	for page in $(sed -n 's/^Documentation=man:\(.*\)(1)$/\1/p' "$TMP"/units/*); do
		[ -f "$TMP/prefix/share/man/man1/$page.1" ]
	done
	run systemd-analyze verify --man=no "$TMP"/units/*
	echo "$output" >&2
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	# Each service runs servicer quietly, and each timer is for one of them.
	for f in "$TMP"/units/*.service; do
		grep -q "^ExecStart=$TMP/prefix/bin/servicer -q " "$f"
	done
	[ "$(ls "$TMP"/units/*.timer | wc -l)" -eq 3 ]
	# The verification can fail: a unit with a mistake is reported.
	mkdir "$TMP/bad"
	sed 's/^OnCalendar=.*/OnCalendar=at two at night/' "$TMP/units/servicer-import.timer" \
		>"$TMP/bad/servicer-import.timer"
	cp "$TMP/units/servicer-import.service" "$TMP/bad/"
	run systemd-analyze verify --man=no "$TMP"/bad/*
	[ "$status" -ne 0 ]
	[[ "$output" == *"Failed to parse calendar specification"* ]]
}
