#!/usr/bin/env bats
# The README's two commands, as a newcomer runs them.
load helpers

# The first command of "Get started", up to the build.
install_part() {
	awk '/^## Get started/ { g = 1 } g && /^```sh/ { getline; print; exit }' "$SRC/README.md" |
		sed 's/ && cmake .*//'
}

# Stubs of id, sudo and apt-get that log what they were asked.
stubs() { # UID SUDO_WORKS
	mkdir -p "$TMP/bin"
	printf '#!/bin/sh\n[ "$1" = -u ] && echo %s\n' "$1" > "$TMP/bin/id"
	printf '#!/bin/sh\necho "apt-get $*" >> "%s/log"\n' "$TMP" > "$TMP/bin/apt-get"
	if [ "$2" = yes ]; then
		printf '#!/bin/sh\necho "sudo $1" >> "%s/log"\nexec "$@"\n' "$TMP" > "$TMP/bin/sudo"
	else
		printf '#!/bin/sh\necho "sudo: command not found" >&2\nexit 127\n' > "$TMP/bin/sudo"
	fi
	chmod +x "$TMP/bin/"*
}

@test "the first command installs as root, where there is no sudo" {
	stubs 0 no
	run env PATH="$TMP/bin:/usr/bin:/bin" bash -c "$(install_part)"
	[ "$status" -eq 0 ]
	[ "$(sed -n 1p "$TMP/log")" = "apt-get update" ]
	[[ "$(sed -n 2p "$TMP/log")" == "apt-get install -y build-essential cmake "* ]]
	run ! grep -q sudo "$TMP/log"
}

@test "the first command installs through sudo for anyone else" {
	stubs 1000 yes
	run env PATH="$TMP/bin:/usr/bin:/bin" bash -c "$(install_part)"
	[ "$status" -eq 0 ]
	[ "$(sed -n 1p "$TMP/log")" = "sudo apt-get" ]
	[ "$(sed -n 2p "$TMP/log")" = "apt-get update" ]
	[ "$(sed -n 3p "$TMP/log")" = "sudo apt-get" ]
}

@test "the CI script runs exactly the README's test command" {
	readme="$(sed -n '/<!-- test-command -->/,/<!-- \/test-command -->/p' "$SRC/README.md" |
		grep -v -e '^<!--' -e '^```')"
	ci="$(sed -n "s/^test_command='\(.*\)'$/\1/p" "$SRC/.ci/run")"
	[ -n "$readme" ]
	[ "$readme" = "$ci" ]
}
