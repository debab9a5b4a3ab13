#!/usr/bin/env bats
# Every command as each of the five roles, against the table in
# servicer(1), which is read from the man page itself: the table is the
# documentation and the test's expectation at once.
#
# Seed 004: the Device Manager "has visibility only on products assigned to
# them"; a Knowledge User "can only view Knowledge content and cannot
# perform any other actions".
load helpers

roles="admin dm sm dsm ku"

# The fixture: two devices, one assigned to dm and one to dsm, a call on
# each, a knowledge entry, a stock location, a reading file per device.
fixture() {
	init_catalogue
	svc -q user add dm --role device-manager
	svc -q user add sm --role stock-manager
	svc -q user add dsm --role device-stock-manager
	svc -q user add ku --role knowledge-user
	svc -q ascr-register "iR-ADV C5535" DMUNIT01 --installed 2025-01-15
	svc -q ascr-register "iR-ADV C5535" DSMUNIT1 --installed 2025-01-15
	svc -q ascr-register --confirm DMUNIT01 DSMUNIT1
	svc -q ascr-register "iR-ADV C5535" PEND0001
	svc -q device assign dm DMUNIT01
	svc -q device assign dsm DSMUNIT1
	svc -q dispatch new DMUNIT01 --number CDM1 --problem "E000 at power-on" >/dev/null
	svc -q dispatch new DSMUNIT1 --number CDSM1 --problem "E000 at power-on" >/dev/null
	svc -q meter-submit DMUNIT01 --total 10 --date 2025-01-20
	svc -q meter-submit DSMUNIT1 --total 10 --date 2025-01-20
	svc -q kb add "Fixing film wrinkles paper" --body "Replace the fixing film unit." >/dev/null
	svc -q stock location add Main
	for s in DMUNIT01 DSMUNIT1; do
		printf 'serial,date,total\n%s,2025-02-01,50\n' "$s" >"$TMP/m-$s.csv"
	done
	db_save
}

# The command line of a row of the table, for role $1 working on serial $2.
command_of() {
	local r="$1" s="$2" R call=CDM1
	R=$(printf '%s' "$r" | tr a-z A-Z)
	[ "$s" = DSMUNIT1 ] && call=CDSM1
	case "$3" in
	"config list") echo "config list" ;;
	"config set") echo "config set dealer.name Acme-$R" ;;
	"model list") echo "model list" ;;
	"model add") echo "model add X-$R" ;;
	"model set") echo "model set iR-ADV\\ C5535 --counters total=101" ;;
	"holiday list") echo "holiday list" ;;
	"holiday add") echo "holiday add 2030-12-25" ;;
	"ascr-register") echo "ascr-register iR-ADV\\ C5535 NEW$R" ;;
	"ascr-register --correct") echo "ascr-register --correct PEND0001 --model imagePROGRAF\\ iPF685 --reason typo" ;;
	"device list") echo "device list" ;;
	"device show") echo "device show $s" ;;
	"device locate") echo "device locate $s Bay-$R" ;;
	"device assign") echo "device assign dm DMUNIT01" ;;
	"device stock") echo "device stock $s Main" ;;
	"device set-address") echo "device set-address $s 10.0.0.$((${#R} + 1)):1161 --community ro" ;;
	"dispatch route") echo "dispatch route $s" ;;
	"dispatch new") echo "dispatch new $s --number C$R --problem no-power" ;;
	"dispatch list") echo "dispatch list" ;;
	# The reason names the serial, so that "own" knows whose call it is.
	"dispatch renumber") echo "dispatch renumber $call N$R --reason typo-on-$s" ;;
	"dispatch amend") echo "dispatch amend $call --contact Ann --reason typo-on-$s" ;;
	"closeout list") echo "closeout list" ;;
	"meter-submit") echo "meter-submit $s --total 100" ;;
	"meter-submit --import") echo "meter-submit --import $TMP/m-$s.csv" ;;
	"meter-submit --exchange") echo "meter-submit $s --exchange --old-final 10 --new-start 0 --reason swap" ;;
	"meter-history") echo "meter-history $s" ;;
	"meter-collect") echo "meter-collect" ;;
	"meter-submit --void") echo "meter-submit $s --void 2025-01-20 --reason typo" ;;
	"report compensation") echo "report compensation" ;;
	"report sla") echo "report sla" ;;
	"kb search") echo "kb search fixing" ;;
	"kb show") echo "kb show 1" ;;
	"kb add") echo "kb add Note-$R --body text" ;;
	"kb remove") echo "kb remove 1" ;;
	"stock location add") echo "stock location add Loc-$R" ;;
	"stock location list") echo "stock location list" ;;
	"stock set") echo "stock set Main GPR-55 5" ;;
	"stock list") echo "stock list" ;;
	"user add") echo "user add new-$r --role knowledge-user" ;;
	"user list") echo "user list" ;;
	"log") echo "log" ;;
	"db copy") echo "db copy --to $TMP/copy-$R.db" ;;
	*) return 1 ;;
	esac
}

login_of() {
	if [ "$1" = admin ]; then id -un; else echo "$1"; fi
}

# The rows of the table in servicer(1): "command|admin|dm|sm|dsm|ku".
matrix() {
	sed -n 's/^\.It Li \(.*\)$/\1/p' "$SRC/man/servicer.1" | sed 's/ Ta /|/g'
}

@test "the table in servicer(1) has a row for every command, and each row runs" {
	[ "$(matrix | wc -l)" -ge 30 ]
	while IFS='|' read -r row _; do
		command_of admin DMUNIT01 "$row" >/dev/null || { echo "no command for row '$row'" >&2; return 1; }
	done < <(matrix)
	# Every command but init and help appears in the table.
	for c in config model holiday ascr-register device dispatch closeout meter-submit \
		meter-history report kb stock user log db; do
		matrix | grep -q "^$c" || { echo "no row for $c" >&2; return 1; }
	done
}

@test "every command as each role: allowed or refused as the table says" {
	local rows cells role want serial line
	fixture
	mapfile -t rows < <(matrix)
	for row in "${rows[@]}"; do
		IFS='|' read -r -a cells <<<"$row"
		for i in 1 2 3 4 5; do
			role=$(echo $roles | cut -d' ' -f$i)
			want=${cells[$i]}
			serial=DMUNIT01
			[ "$role" = dsm ] && serial=DSMUNIT1
			db_restore
			line=$(command_of "$role" "$serial" "${cells[0]}")
			if [ "$want" = no ]; then
				eval "refused 77 'may' svc --as $(login_of "$role") $line" </dev/null ||
					{ echo "row '${cells[0]}', role $role: expected a refusal" >&2; return 1; }
			else
				eval "run --separate-stderr svc --as $(login_of "$role") $line" </dev/null
				if [ "$status" -ne 0 ]; then
					echo "row '${cells[0]}', role $role: exit $status: $stderr" >&2
					return 1
				fi
			fi
		done
	done
}

@test "'own' is only their own: another manager's device is refused, or not listed" {
	local rows cells line
	fixture
	mapfile -t rows < <(matrix)
	for row in "${rows[@]}"; do
		IFS='|' read -r -a cells <<<"$row"
		[ "${cells[2]}" = own ] || continue
		db_restore
		line=$(command_of dm DSMUNIT1 "${cells[0]}")
		if [[ "$line" == *--import* ]]; then
			# A batch goes on: the row is rejected, with the reason.
			eval "refused 65 '1 rejected' svc --as dm $line --reject $TMP/rej.csv" </dev/null
			grep -q "is not assigned to them" "$TMP/rej.csv"
		elif [[ "$line" == *DSMUNIT1* ]]; then
			eval "refused 77 'assigned' svc --as dm $line" </dev/null ||
				{ echo "row '${cells[0]}': dm reached dsm's device" >&2; return 1; }
		else
			eval "run --separate-stderr svc --format csv --as dm $line" </dev/null
			[ "$status" -eq 0 ]
			[[ "$output" != *DSMUNIT1* && "$output" != *CDSM1* ]] ||
				{ echo "row '${cells[0]}': dm sees dsm's device: $output" >&2; return 1; }
		fi
	done
}

@test "an unknown or removed login is told to ask an administrator" {
	fixture
	refused 77 "not a user of this database; add it with 'servicer user add nobody --role ROLE'" \
		svc --as nobody device list
	svc -q user remove ku
	refused 77 "cannot act as 'ku': not a user of this database" svc --as ku kb search fixing
}
