# bash completion for servicer(1)

_servicer_words() {
	COMPREPLY=($(compgen -W "$1" -- "$cur"))
}

# Names from the database, as the user's role may see them: serials,
# models, logins, cits, config-keys, holidays, stock-locations.  The same
# program, --db and --as as the command line; quoted as one word each.
_servicer_data() {
	local IFS=$'\n' word=${cur//\\/} opts=() i prog=${COMP_WORDS[0]}
	word=${word#[\"\']}
	[[ $prog == "~/"* ]] && prog=$HOME/${prog#"~/"} # as typed: a tilde unexpanded
	for ((i = 1; i < cmd_index; i++)); do
		case ${COMP_WORDS[i]} in
		--db | --as) ((i + 1 < COMP_CWORD)) && opts+=("${COMP_WORDS[i]}" "${COMP_WORDS[i + 1]}") ;;
		esac
	done
	COMPREPLY=($("$prog" "${opts[@]}" __complete "$1" "$word" 2>/dev/null))
	for i in "${!COMPREPLY[@]}"; do
		printf -v 'COMPREPLY[i]' '%q' "${COMPREPLY[i]}"
	done
}

# The verb of a command with verbs, and how many words follow it.
_servicer_verb() {
	verb=${COMP_WORDS[cmd_index + 1]}
	nth=$((COMP_CWORD - cmd_index - 1))
}

_servicer_init() {
	case $prev in
	--dealer-id | --dealer-name) return ;;
	esac
	_servicer_words "--dealer-id --dealer-name --help"
}

_servicer_config() {
	if [ "$cmd_index" -eq $((COMP_CWORD - 1)) ]; then
		_servicer_words "get set unset list"
	elif [ "$cmd_index" -eq $((COMP_CWORD - 2)) ]; then
		case ${COMP_WORDS[cmd_index + 1]} in
		get | set | unset) _servicer_data config-keys ;;
		esac
	fi
}

_servicer_model() {
	case $prev in
	--warranty-months | --response-hours) return ;;
	--counters)
		_servicer_words "default total= bw= color="
		return
		;;
	esac
	local verb nth
	_servicer_verb
	if [ "$nth" -eq 0 ]; then
		_servicer_words "add list remove set"
	elif [[ $cur != -* && $nth -eq 1 && ($verb == set || $verb == remove) ]]; then
		_servicer_data models
	elif [[ $cur == -* ]]; then
		_servicer_words "--warranty-months --response-hours --counters --help"
	fi
}

_servicer_ascr_register() {
	case $prev in
	--import | --reject)
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	--support)
		_servicer_words "dispatch wmp"
		return
		;;
	--confirm | --withdraw | --correct)
		_servicer_data serials
		return
		;;
	--model)
		_servicer_data models
		return
		;;
	--installed | --warranty-end | --account | --system-account | --location | --reason | \
		--customer) return ;;
	esac
	if [[ $cur != -* && $COMP_CWORD -eq $((cmd_index + 1)) ]]; then
		_servicer_data models
		return
	fi
	_servicer_words "--account --system-account --location --installed --warranty-end --customer
		--support --import --reject --strict --dry-run --confirm --confirm-pending
		--withdraw --reason --correct --model --export-pending --help"
}

_servicer_device() {
	case $prev in
	--status)
		_servicer_words "pending active withdrawn"
		return
		;;
	--model)
		_servicer_data models
		return
		;;
	--account | --system-account | --customer | --community) return ;;
	esac
	local verb nth
	_servicer_verb
	if [ "$nth" -eq 0 ]; then
		_servicer_words "list show locate assign unassign stock set-address"
	elif [[ $cur != -* && $verb == assign ]]; then
		# device assign LOGIN SERIAL ...
		_servicer_data "$( ((nth == 1)) && echo logins || echo serials)"
	elif [[ $cur != -* && $verb != list && $nth -eq 1 ]]; then
		_servicer_data serials
	elif [[ $cur != -* && $verb == stock && $nth -eq 2 ]]; then
		_servicer_data stock-locations
	elif [[ $cur == -* && ${COMP_WORDS[cmd_index + 1]} == set-address ]]; then
		_servicer_words "--community --none --help"
	elif [[ $cur == -* ]]; then
		_servicer_words "--status --model --account --system-account --customer --help"
	fi
}

_servicer_dispatch() {
	case $prev in
	--source)
		_servicer_words "cits referral direct"
		return
		;;
	--status)
		_servicer_words "received assigned onsite completed closed cancelled open"
		return
		;;
	--model)
		_servicer_data models
		return
		;;
	--on | --number | --problem | --contact | --phone | --received | --at | --reason | \
		--due-within) return ;;
	esac
	local verb nth
	_servicer_verb
	if [ "$nth" -eq 0 ]; then
		_servicer_words "route new assign arrive complete cancel renumber amend list show"
		return
	fi
	if [[ $cur != -* && $nth -eq 1 ]]; then
		case $verb in
		route | new) _servicer_data serials ;;
		list) ;;
		*) _servicer_data cits ;;
		esac
		return
	fi
	if [[ $cur != -* && $nth -eq 2 && $verb == assign ]]; then
		_servicer_data logins
		return
	fi
	case $verb in
	route) _servicer_words "--on --help" ;;
	new) _servicer_words "--number --problem --contact --phone --received --source
		--unregistered --model --help" ;;
	assign | arrive | complete) _servicer_words "--at --help" ;;
	cancel) _servicer_words "--reason --at --help" ;;
	renumber) _servicer_words "--reason --help" ;;
	amend) _servicer_words "--contact --phone --problem --reason --help" ;;
	list) _servicer_words "--status --overdue --due-within --mine --help" ;;
	*) _servicer_words "--help" ;;
	esac
}

_servicer_holiday() {
	case $prev in
	--name) return ;;
	esac
	if [ "$cmd_index" -eq $((COMP_CWORD - 1)) ]; then
		_servicer_words "add list remove"
	elif [[ $cur != -* && ${COMP_WORDS[cmd_index + 1]} == remove ]]; then
		_servicer_data holidays
	elif [[ $cur == -* ]]; then
		_servicer_words "--name --help"
	fi
}

_servicer_closeout() {
	case $prev in
	--status)
		_servicer_words "recorded queued sent failed"
		return
		;;
	--arrived | --completed | --labor | --travel | --symptom | --cause | --action | --part | \
		--meter | --tech | --signed-by | --remarks) return ;;
	esac
	if [[ $cur == -* ]]; then
		_servicer_words "--arrived --completed --labor --travel --symptom --cause --action
			--part --meter --tech --signed-by --remarks --print --send --resend --status --help"
	elif [ "$cmd_index" -eq $((COMP_CWORD - 1)) ]; then
		COMPREPLY=($(compgen -W "list show" -- "$cur"))
		local words=("${COMPREPLY[@]}")
		_servicer_data cits
		COMPREPLY+=("${words[@]}")
	elif [[ ${COMP_WORDS[cmd_index + 1]} != list ]]; then
		_servicer_data cits
	fi
}

_servicer_meter_submit() {
	case $prev in
	--counter)
		_servicer_words "total bw color"
		return
		;;
	--import | --reject)
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	--total | --bw | --color | --date | --old-final | --new-start | --reason | --void) return ;;
	esac
	if [[ $cur != -* && $COMP_CWORD -eq $((cmd_index + 1)) ]]; then
		_servicer_data serials
		return
	fi
	_servicer_words "--total --bw --color --date --void --exchange --old-final --new-start --reason
		--counter --import --reject --dry-run --help"
}

_servicer_meter_collect() {
	case $prev in
	--parallel | --timeout) return ;;
	esac
	[[ $cur == -* ]] && _servicer_words "--dry-run --parallel --timeout --help"
}

_servicer_meter_history() {
	case $prev in
	--from | --to) return ;;
	esac
	if [[ $cur == -* ]]; then
		_servicer_words "--from --to --help"
	elif [ "$COMP_CWORD" -eq $((cmd_index + 1)) ]; then
		_servicer_data serials
	fi
}

_servicer_report() {
	case $prev in
	--month) return ;;
	esac
	if [ "$cmd_index" -eq $((COMP_CWORD - 1)) ]; then
		_servicer_words "compensation sla"
	elif [[ $cur == -* ]]; then
		_servicer_words "--month --help"
	fi
}

_servicer_user() {
	case $prev in
	--role)
		_servicer_words "administrator device-manager stock-manager device-stock-manager knowledge-user"
		return
		;;
	--name | --email) return ;;
	esac
	if [ "$cmd_index" -eq $((COMP_CWORD - 1)) ]; then
		_servicer_words "add list set-role remove"
	elif [[ $cur == -* ]]; then
		_servicer_words "--role --name --email --help"
	elif [[ ${COMP_WORDS[cmd_index + 1]} == set-role || ${COMP_WORDS[cmd_index + 1]} == remove ]] &&
		[ "$cmd_index" -eq $((COMP_CWORD - 2)) ]; then
		_servicer_data logins
	elif [ "${COMP_WORDS[cmd_index + 1]}" = set-role ] && [ "$cmd_index" -eq $((COMP_CWORD - 3)) ]; then
		_servicer_words "administrator device-manager stock-manager device-stock-manager knowledge-user"
	fi
}

_servicer_kb() {
	case $prev in
	--file)
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	--model)
		_servicer_data models
		return
		;;
	--code | --body | --limit) return ;;
	esac
	if [ "$cmd_index" -eq $((COMP_CWORD - 1)) ]; then
		_servicer_words "add search show remove"
	elif [[ $cur == -* ]]; then
		_servicer_words "--model --code --body --file --limit --help"
	fi
}

_servicer_stock() {
	case $prev in
	--ship) return ;;
	esac
	if [ "$cmd_index" -eq $((COMP_CWORD - 1)) ]; then
		_servicer_words "location set list"
	elif [ "${COMP_WORDS[cmd_index + 1]}" = location ] && [ "$cmd_index" -eq $((COMP_CWORD - 2)) ]; then
		_servicer_words "add list"
	elif [[ $cur != -* && ${COMP_WORDS[cmd_index + 1]} == set && $cmd_index -eq $((COMP_CWORD - 2)) ]]; then
		_servicer_data stock-locations
	elif [[ $cur == -* ]]; then
		_servicer_words "--ship --help"
	fi
}

_servicer_log() {
	case $prev in
	--serial)
		_servicer_data serials
		return
		;;
	--user)
		_servicer_data logins
		return
		;;
	--since | --limit) return ;;
	esac
	_servicer_words "--since --user --serial --limit --help"
}

_servicer_db() {
	case $prev in
	--to)
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	esac
	if [ "$cmd_index" -eq $((COMP_CWORD - 1)) ]; then
		_servicer_words "copy"
	else
		_servicer_words "--to --help"
	fi
}

_servicer_help() {
	_servicer_words "init config model ascr-register device dispatch holiday closeout meter-submit meter-collect meter-history report user kb stock log db"
}

_servicer() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local cmd_index=0 i
	local commands="init config model ascr-register device dispatch holiday closeout meter-submit meter-collect meter-history report user kb stock log db help"

	# Find the command after the global options.
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--db | --as | --format) ((i++)) ;;
		-*) ;;
		*)
			cmd_index=$i
			break
			;;
		esac
	done
	if [ "$cmd_index" -eq 0 ]; then
		case $prev in
		--db)
			COMPREPLY=($(compgen -f -- "$cur"))
			return
			;;
		--format)
			_servicer_words "table csv tsv json"
			return
			;;
		--as)
			cmd_index=$COMP_CWORD
			_servicer_data logins
			return
			;;
		esac
		if [[ $cur == -* ]]; then
			_servicer_words "--db --as --format --wide --quiet --verbose --version --help"
		else
			_servicer_words "$commands"
		fi
		return
	fi
	local fn="_servicer_${COMP_WORDS[cmd_index]//-/_}"
	declare -F "$fn" >/dev/null && "$fn"
}

complete -F _servicer servicer
