#!/usr/bin/env bats
# The Debian packages as a dealer's server has them, run by .ci/package
# after it installs them: the demo and a close-out send to a real SMTP
# server on loopback, from /usr/bin/servicer with its helpers in
# /usr/libexec/servicer; the pages, completions and pkg-config file where
# Debian's tools look.
load ../cli/helpers
load ../cli/mail

@test "the installed servicer runs the demo and e-mails its close-out" {
	[ "$SERVICER" = /usr/bin/servicer ]
	[ -x /usr/libexec/servicer/servicer-smtp ]
	run -0 env SERVICER=/usr/bin/servicer SERVICER_DEMO_DB="$TMP/demo.db" sh "$SRC/examples/demo.sh"
	[[ "$output" == *"at-risk "*"7701234"*"the close-out is queued and was never sent"* ]]
	export SERVICER_DB="$TMP/demo.db"
	svc -q config set smtp.starttls no
	start_smtpd
	run -0 --separate-stderr svc closeout --send
	[ -e "$MAIL/001.eml" ]
	grep -q '^To: isgservice@CITS.canon.com' "$MAIL/001.eml"
	run -0 svc --format csv closeout list --status sent
	[[ "$output" == *7701234* ]]
}

@test "the pages, completions, units and pkg-config file are where Debian looks" {
	man -w servicer-closeout
	man -w 5 servicer
	[ -f /usr/share/bash-completion/completions/servicer ]
	[ -f /usr/share/zsh/vendor-completions/_servicer ]
	[ -f /usr/share/fish/vendor_completions.d/servicer.fish ]
	[ -f /usr/share/doc/servicer/examples/systemd/servicer-closeout.timer ]
	run -0 pkg-config --cflags --libs servicer
	[[ "$output" == *-lservicer* ]]
	# a program built on the library, against the installed header
	printf '#include <servicer.h>\n#include <stdio.h>\nint main(void) { printf("%%d\\n", svc_schema_version() > 0); return 0; }\n' >"$TMP/v.c"
	cc "$TMP/v.c" -o "$TMP/v" $(pkg-config --cflags --libs servicer)
	[ "$("$TMP/v")" = 1 ]
	# each shell finds its completion by itself
	run -0 bash -c '. /usr/share/bash-completion/bash_completion
		_completion_loader servicer; declare -F _servicer'
	run -0 env HOME="$TMP" fish -c 'complete -C "servicer dispatch li"'
	[[ "$output" == list* ]]
	run -0 zsh -fc 'autoload -Uz compinit; compinit -u -d "$1"; whence -w _servicer' _ "$TMP/zdump"
	[[ "$output" == *function* ]]
}
