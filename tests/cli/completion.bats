#!/usr/bin/env bats
# The completions, driven through the shells themselves: bash through its
# completion API, fish through `complete -C`, zsh through a real
# interactive session in tmux, where a unique option must be inserted, not
# only listed.
load helpers

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
	tmux new-session -d -s z -x 200 -y 40 "env -i HOME=$TMP TERM=xterm zsh -f"
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
