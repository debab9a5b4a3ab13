#!/usr/bin/env bats
# Each command's --help must say what its man page's SYNOPSIS says, and the
# completions must know every command and option (git's t0450 in spirit).
load helpers

commands="init config model ascr-register device dispatch holiday closeout meter-submit meter-history report user kb stock log db"

synopsis_of_page() {
	mandoc -T ascii -O width=1000 "$1" | sed 's/.\x08//g' |
		sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' | tr -s ' \n' ' ' | sed 's/^ //;s/ $//'
}

synopsis_of_help() {
	"$@" | sed 's/^usage: //' | tr -s ' \n' ' ' | sed 's/^ //;s/ $//'
}

# Long options of a command, from its --help.
options_of() {
	svc "$1" --help | grep -o -- '--[a-z-]*' | sort -u
}

@test "every command's --help matches its man page's SYNOPSIS" {
	for c in $commands; do
		page="$(synopsis_of_page "$SRC/man/servicer-$c.1")"
		help="$(synopsis_of_help svc "$c" --help)"
		if [ "$page" != "$help" ]; then
			printf 'servicer-%s.1: %s\n--help: %s\n' "$c" "$page" "$help" >&2
			return 1
		fi
	done
	[ "$(synopsis_of_page "$SRC/man/servicer.1")" = "$(synopsis_of_help svc --help | sed 's/ commands:.*//')" ]
}

# Issue 20: 'servicer dispatch VERB --help' prints that verb's forms of the
# synopsis (the same words as the man page's), what it does, and one line
# for each option it takes, each of which the verb takes and the page names.
@test "dispatch VERB --help: the verb's synopsis, and a line for each of its options" {
	page="$(synopsis_of_page "$SRC/man/servicer-dispatch.1")"
	all="$(svc dispatch --help)"
	for verb in route new assign arrive complete cancel renumber amend list show; do
		run --separate-stderr svc dispatch "$verb" --help
		[ "$status" -eq 0 ]
		[[ "$output" == "usage: servicer dispatch $verb"* ]]
		form="$(printf '%s\n' "$output" | sed -n '/^usage: /,/^[A-Z]/p' | sed '$d' | synopsis_of_help cat)"
		[[ " $page " == *" $form "* ]] || { echo "$verb: '$form' is not in the page's synopsis" >&2; return 1; }
		# Every option line names an option the verb's synopsis has, and the
		# other way round.
		listed="$(printf '%s\n' "$output" | grep '^  --' | grep -o -- '^  --[a-z-]*' | tr -d ' ' | sort -u)"
		named="$(printf '%s\n' "$form" | grep -o -- '--[a-z-]*' | sort -u)"
		[ "$listed" = "$named" ] || { echo "$verb: options $listed, synopsis $named" >&2; return 1; }
		[ "$(printf '%s\n' "$output" | grep -c -- '--help')" -eq 1 ]
	done
	# Without a verb, every form; a mistyped verb is named, not helped.
	[[ "$all" == *"servicer dispatch show N"* && "$all" == *"servicer dispatch route"* ]]
	run --separate-stderr svc dispatch lst --help
	[ "$status" -eq 64 ]
	[[ "$stderr" == *"unknown dispatch command 'lst'; did you mean 'list'?"* ]]
}

# Issue 20: every verb of every command: 'servicer CMD VERB --help' prints
# that verb's forms of the synopsis, as its page has them, what it does, and
# one line for each option they name, no more, no fewer.
@test "every CMD VERB --help: the verb's forms and a line for each of its options" {
	for c in $commands; do
		page="$(synopsis_of_page "$SRC/man/servicer-$c.1")"
		verbs="$(svc "$c" --help | grep -o -- "servicer $c [a-z][a-z-]*" | awk '{print $3}' | sort -u)"
		for verb in $verbs; do
			run --separate-stderr svc "$c" "$verb" --help
			[ "$status" -eq 0 ] || { echo "$c $verb --help: exit $status $stderr" >&2; return 1; }
			[[ "$output" == "usage: servicer $c $verb"* ]]
			# what the verb does, in a sentence
			printf '%s\n' "$output" | grep -qE '^[A-Z].*\.$' ||
				{ echo "$c $verb --help says not what it does" >&2; return 1; }
			form="$(printf '%s\n' "$output" | sed -n '/^usage: /,/^  -/p' | grep -v '^  -' |
				grep -v '^[A-Z]' | synopsis_of_help cat)"
			[[ " $page " == *" $form "* ]] ||
				{ echo "$c $verb: '$form' is not in the page's synopsis" >&2; return 1; }
			listed="$(printf '%s\n' "$output" | grep -o -- '^  --[a-z-]*' | tr -d ' ' | sort -u)"
			named="$(printf '%s\n' "$form" | grep -o -- '--[a-z-]*' | sort -u)"
			[ "$listed" = "$named" ] ||
				{ echo "$c $verb: options '$listed', synopsis '$named'" >&2; return 1; }
		done
		[ -n "$verbs" ] || [[ " init ascr-register meter-submit meter-history log " == *" $c "* ]] ||
			{ echo "$c: no verbs found" >&2; return 1; }
	done
	[ ! -e "$SERVICER_DB" ]
}

@test "--help needs no database and exits 0" {
	for c in $commands; do
		run svc "$c" --help
		[ "$status" -eq 0 ]
		[[ "$output" == "usage: servicer $c"* ]]
	done
	[ ! -e "$SERVICER_DB" ]
}

@test "every command has a man page listed in servicer(1)" {
	for c in $commands; do
		[ -f "$SRC/man/servicer-$c.1" ]
		grep -q "^.Xr servicer-$c 1" "$SRC/man/servicer.1"
	done
}

@test "bash, zsh and fish completions know every command and option" {
	for f in servicer.bash _servicer servicer.fish; do
		for c in $commands help; do
			grep -q -- "$c" "$SRC/completions/$f" || { echo "$f lacks $c" >&2; return 1; }
		done
		for c in $commands; do
			for o in $(options_of "$c"); do
				[ "$o" = "--help" ] && continue
				grep -qE -- "(--|-l )${o#--}([^a-z-]|\$)" "$SRC/completions/$f" ||
					{ echo "$f lacks $c $o" >&2; return 1; }
			done
		done
	done
}

@test "the bash completion completes commands and options" {
	svc -q init
	PATH="$(dirname "$SERVICER"):$PATH"
	source "$SRC/completions/servicer.bash"
	COMP_WORDS=(servicer ascr); COMP_CWORD=1
	_servicer
	[ "${COMPREPLY[*]}" = "ascr-register" ]
	COMP_WORDS=(servicer ascr-register --conf); COMP_CWORD=2
	_servicer
	[ "${COMPREPLY[*]}" = "--confirm --confirm-pending" ]
	COMP_WORDS=(servicer device list --status ""); COMP_CWORD=4
	_servicer
	[ "${COMPREPLY[*]}" = "pending active withdrawn" ]
	COMP_WORDS=(servicer dispatch ar); COMP_CWORD=2
	_servicer
	[ "${COMPREPLY[*]}" = "arrive" ]
	COMP_WORDS=(servicer dispatch cancel 12 --); COMP_CWORD=4
	_servicer
	[ "${COMPREPLY[*]}" = "--reason --at --help" ]
	COMP_WORDS=(servicer dispatch new 2XB01234 --source ""); COMP_CWORD=5
	_servicer
	[ "${COMPREPLY[*]}" = "cits referral direct" ]
	COMP_WORDS=(servicer config set sla); COMP_CWORD=3
	_servicer
	[ "${COMPREPLY[*]}" = "sla.response_hours" ]
}

@test "servicer help reaches every page, servicer(5) included" {
	mkdir -p "$TMP/bin"
	printf '#!/bin/sh\necho "man $*"\n' > "$TMP/bin/man"
	chmod +x "$TMP/bin/man"
	PATH="$TMP/bin:$PATH" run svc help files
	[ "$output" = "man 5 servicer" ]
	PATH="$TMP/bin:$PATH" run svc help servicer.5
	[ "$output" = "man 5 servicer" ]
	PATH="$TMP/bin:$PATH" run svc help dispatch
	[ "$output" = "man servicer-dispatch" ]
	PATH="$TMP/bin:$PATH" run svc help
	[ "$output" = "man servicer" ]
	refused 64 "'nope' is not a servicer command or 'files'" svc help nope
}

@test "every page is clean under mandoc -T lint -W style, but for pages not installed here" {
	# The messages go to standard output, a notice of a stale mandoc.db
	# to standard error.
	mandoc -T lint -W style "$SRC"/man/*.[15] > "$TMP/lint" 2>/dev/null || true
	run grep -v -e 'referenced manual not found' "$TMP/lint"
	[ "$status" -eq 1 ]
	[ -z "$output" ]
}
