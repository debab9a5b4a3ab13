#!/usr/bin/env bats
# The completions, driven through the shells themselves: bash through its
# completion API, fish through `complete -C`, zsh through a real
# interactive session in tmux, where a unique option must be inserted, not
# only listed.
load helpers

# The program on PATH, as a user's shell finds it (the completions run
# the program the user typed).
setup_file() {
	export PATH="$(dirname "$SERVICER"):$PATH"
}

# What bash offers for the words given, the last one being completed.
bash_offers() {
	bash --norc -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; _servicer; printf "%s\n" "${COMPREPLY[@]}"' \
		_ "$SRC/completions/servicer.bash" servicer "$@"
}

fish_offers() {
	fish --no-config -c "source '$SRC/completions/servicer.fish'; complete -C '$1'" | cut -f1
}

# An interactive zsh in tmux with the completion loaded; each zsh_tab
# types a line, presses Tab, and prints the screen.
zsh_start() {
	export TMUX_TMPDIR="$TMP"
	tmux new-session -d -s z -x 200 -y 40 \
		"env -i HOME=$TMP TERM=xterm PATH=$(dirname "$SERVICER"):/usr/bin:/bin SERVICER_DB=$SERVICER_DB zsh -f"
	tmux send-keys -t z "fpath=($SRC/completions \$fpath); autoload -Uz compinit; compinit -u -d $TMP/zdump; PS1='READY%% '" Enter
	wait_screen 'READY%'
}

wait_screen() {
	for _ in $(seq 100); do
		tmux capture-pane -t z -p | grep -q -- "$1" && return 0
		sleep 0.05
	done
	tmux capture-pane -t z -p >&2
	return 1
}

# Type LINE, press Tab, wait (up to 10 s: no clock decides the outcome)
# until the screen holds WANT, and print the screen.
zsh_tab() {
	local now
	tmux send-keys -t z C-u "clear" Enter
	for _ in $(seq 200); do
		now="$(tmux capture-pane -t z -p | grep -v '^ *$')"
		[ "$(printf '%s' "$now" | sed 's/ *$//')" = "READY%" ] && break
		sleep 0.05
	done
	tmux send-keys -t z "$1" Tab
	for _ in $(seq 200); do
		now="$(tmux capture-pane -t z -p)"
		[[ "$now" == *"$2"* ]] && break
		sleep 0.05
	done
	printf '%s\n' "$now"
}

teardown() {
	tmux kill-server 2>/dev/null || true
	rm -rf "$TMP"
}

@test "bash: each dispatch verb offers its own options only" {
	run bash_offers dispatch new 2XB01234 --
	[[ "$output" == *--number* && "$output" == *--problem* ]]
	[[ "$output" != *--mine* && "$output" != *--overdue* ]]
	run bash_offers dispatch list --
	[[ "$output" == *--overdue* && "$output" == *--due-within* ]]
	[[ "$output" != *--number* ]]
	run bash_offers ascr-register --imp
	[ "$output" = --import ]
	run bash_offers closeout --la
	[ "$output" = --labor ]
}

@test "fish: each dispatch verb offers its own options only" {
	run fish_offers "servicer dispatch new 2XB01234 --"
	[[ "$output" == *--number* && "$output" == *--problem* ]]
	[[ "$output" != *--mine* && "$output" != *--overdue* ]]
	run fish_offers "servicer dispatch list --"
	[[ "$output" == *--overdue* && "$output" == *--due-within* ]]
	[[ "$output" != *--number* ]]
	run fish_offers "servicer ascr-register --imp"
	[ "$output" = --import ]
}

@test "zsh: a unique option prefix is inserted, not only listed" {
	zsh_start
	for line in "servicer ascr-register --imp:--import" "servicer device --sta:--status" \
		"servicer dispatch list --over:--overdue" "servicer closeout --la:--labor" \
		"servicer dispatch new X --nu:--number"; do
		typed="${line%%:*}" option="${line##*:}"
		screen="$(zsh_tab "$typed" "READY% ${typed% *} $option")"
		first="$(printf '%s\n' "$screen" | grep -m1 READY)"
		[[ "$first" == "READY% ${line%%:*}"* ]]
		[[ "$first" == *" ${line##*:} "* || "$first" == *" ${line##*:}" ]] ||
			{ echo "not inserted: $screen" >&2; return 1; }
	done
}

@test "zsh: dispatch new lists no option of dispatch list" {
	zsh_start
	screen="$(zsh_tab "servicer dispatch new X --" --problem)"
	[[ "$screen" == *--number* && "$screen" == *--problem* ]]
	[[ "$screen" != *--mine* && "$screen" != *--overdue* ]]
}

# A fleet to complete from: pat, a device manager, has one unit and its call.
fleet() {
	init_catalogue
	svc -q ascr-register "iR-ADV C5535" 2XB01234
	svc -q ascr-register "iR-ADV C5535" 2XB01299
	svc -q ascr-register "imagePROGRAF iPF685" AAG04417
	svc -q user add pat --role device-manager
	svc -q device assign pat 2XB01234
	svc -q dispatch new 2XB01234 --number 7701234 --problem "E000007"
	svc -q dispatch new AAG04417 --number 7705555 --problem "E000007"
	svc -q holiday add 2026-11-26 --name Thanksgiving
	svc -q stock location add "North warehouse"
}

@test "__complete lists names by prefix, as the role may see them" {
	fleet
	run -0 svc __complete serials 2xb
	[ "$output" = $'2XB01234\n2XB01299' ]
	run -0 svc __complete serials
	[ "${#lines[@]}" -eq 3 ]
	run -0 svc __complete models imagePROGRAF
	[ "$output" = $'imagePROGRAF iPF6400S\nimagePROGRAF iPF685' ]
	run -0 svc __complete logins
	[[ "$output" == *pat* ]]
	run -0 svc __complete cits 770
	[ "$output" = $'7701234\n7705555' ]
	run -0 svc __complete config-keys hours.
	[ "$output" = $'hours.close\nhours.days\nhours.open' ]
	run -0 svc __complete holidays 2026
	[ "$output" = 2026-11-26 ]
	run -0 svc __complete stock-locations N
	[ "$output" = "North warehouse" ]
	run -0 svc __complete serials ZZ
	[ -z "$output" ]
	# a device manager: their own unit and its call only; no user list
	run -0 svc --as pat __complete serials
	[ "$output" = 2XB01234 ]
	run -0 svc --as pat __complete cits
	[ "$output" = 7701234 ]
	run -77 --separate-stderr svc --as pat __complete logins
	[ -z "$output" ]
	[[ "$stderr" == *"cannot list users: user 'pat' is a device-manager"* ]]
	run -64 --separate-stderr svc __complete nothing
	[[ "$stderr" == *"unknown kind of name 'nothing'"* ]]
	# in no listing of commands, never suggested
	run -0 svc --help
	[[ "$output" != *__complete* ]]
}

@test "bash completes serials, models, logins and calls from the database" {
	fleet
	run -0 bash_offers device show 2x
	[ "$output" = $'2XB01234\n2XB01299' ]
	run -0 bash_offers --as pat device show ""
	[ "$output" = 2XB01234 ]
	# a model with a space is one word
	run -0 bash_offers ascr-register iR
	[ "$output" = 'iR-ADV\ C5535' ]
	run -0 bash_offers device assign ""
	[[ "$output" == *pat* ]]
	run -0 bash_offers device assign pat 2XB012
	[ "$output" = $'2XB01234\n2XB01299' ]
	run -0 bash_offers dispatch assign 7701
	[ "$output" = 7701234 ]
	run -0 bash_offers config get hours.o
	[ "$output" = hours.open ]
	run -0 bash_offers holiday remove ""
	[ "$output" = 2026-11-26 ]
	run -0 bash_offers stock set N
	[ "$output" = 'North\ warehouse' ]
	run -0 bash_offers log --serial AAG
	[ "$output" = AAG04417 ]
	# the program as typed, ~/ and all
	mkdir -p "$HOME/bin"
	ln -s "$SERVICER" "$HOME/bin/servicer-here"
	run -0 env PATH=/usr/bin:/bin bash --norc -c 'source "$1"; COMP_WORDS=("~/bin/servicer-here" device show AAG)
		COMP_CWORD=3; _servicer; printf "%s\n" "${COMPREPLY[@]}"' _ "$SRC/completions/servicer.bash"
	[ "$output" = AAG04417 ]
}

@test "fish completes serials, models, logins and calls from the database" {
	fleet
	run -0 fish_offers "servicer device show 2X"
	[ "$output" = $'2XB01234\n2XB01299' ]
	run -0 fish_offers "servicer --as pat device show "
	[ "$output" = 2XB01234 ]
	run -0 fish_offers "servicer ascr-register iR"
	[ "$output" = "iR-ADV C5535" ]
	run -0 fish_offers "servicer dispatch assign 7701234 "
	[[ "$output" == *pat* ]]
	run -0 fish_offers "servicer config get hours.o"
	[ "$output" = hours.open ]
	run -0 fish_offers "servicer stock set "
	[ "$output" = "North warehouse" ]
}

@test "zsh completes a serial and a CITS number from the database" {
	fleet
	zsh_start
	screen="$(zsh_tab "servicer device show AAG" "AAG04417")"
	[[ "$(printf '%s\n' "$screen" | grep -m1 READY)" == "READY% servicer device show AAG04417"* ]]
	screen="$(zsh_tab "servicer dispatch arrive 7705" "7705555")"
	[[ "$(printf '%s\n' "$screen" | grep -m1 READY)" == "READY% servicer dispatch arrive 7705555"* ]]
	screen="$(zsh_tab "servicer --as pat device show 2X" "2XB01234")"
	[[ "$(printf '%s\n' "$screen" | grep -m1 READY)" == "READY% servicer --as pat device show 2XB01234"* ]]
}
