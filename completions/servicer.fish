# fish completion for servicer(1)

set -l commands init config model ascr-register device dispatch holiday closeout meter-submit meter-collect meter-history report user kb stock log db help

function __servicer_using -a name
    set -l words (commandline -opc)
    set -e words[1]
    while set -q words[1]
        switch $words[1]
            case --db --as --format
                set -e words[1]
            case '-*'
            case '*'
                test "$words[1]" = "$name"
                return
        end
        set -e words[1]
    end
    return 1
end

# Names from the database, as the user's role may see them: serials,
# models, logins, cits, config-keys, holidays, stock-locations.  The same
# program, --db and --as as the command line.
function __servicer_data -a kind
    set -l words (commandline -opc)
    set -l prog $words[1]
    set -l opts
    set -e words[1]
    while set -q words[2]
        switch $words[1]
            case --db --as
                set opts $opts $words[1] $words[2]
                set -e words[1]
            case --format
                set -e words[1]
            case '-*'
            case '*'
                break
        end
        set -e words[1]
    end
    $prog $opts __complete $kind (commandline -ct) 2>/dev/null
end

# True when the word being completed is the Nth operand of command NAME
# (its verb the first); with VERBS, only after one of them.
function __servicer_at -a name n
    set -l verbs $argv[3..-1]
    set -l words (commandline -opc)
    set -l seen 0
    set -l skip 0
    set -l operands
    set -e words[1]
    for w in $words
        if test $skip = 1
            set skip 0
            continue
        end
        if test $seen = 0
            switch $w
                case --db --as --format
                    set skip 1
                case '-*'
                case '*'
                    test "$w" = "$name"; or return 1
                    set seen 1
            end
            continue
        end
        string match -q -- '-*' $w; or set operands $operands $w
    end
    test $seen = 1; or return 1
    test (math (count $operands) + 1) -eq $n; or return 1
    test (count $verbs) -eq 0; or contains -- "$operands[1]" $verbs
end

complete -c servicer -f
complete -c servicer -n "not __fish_seen_subcommand_from $commands" -l db -r -F -d 'database file'
complete -c servicer -n "not __fish_seen_subcommand_from $commands" -l as -x -a '(__servicer_data logins)' -d 'act as another user'
complete -c servicer -n "not __fish_seen_subcommand_from $commands" -l format -x -a 'table csv tsv json' -d 'output format'
complete -c servicer -n "not __fish_seen_subcommand_from $commands" -l wide -d 'tables show every value whole'
complete -c servicer -n "not __fish_seen_subcommand_from $commands" -s q -l quiet -d 'no notices'
complete -c servicer -n "not __fish_seen_subcommand_from $commands" -s v -l verbose -d 'say which database is used'
complete -c servicer -n "not __fish_seen_subcommand_from $commands" -l version -d 'print the version'

complete -c servicer -n "not __fish_seen_subcommand_from $commands" -a init -d 'create the database'
complete -c servicer -n "not __fish_seen_subcommand_from $commands" -a config -d 'read and change configuration'
complete -c servicer -n "not __fish_seen_subcommand_from $commands" -a model -d 'the serviceable-model catalogue'
complete -c servicer -n "not __fish_seen_subcommand_from $commands" -a ascr-register -d 'register, import, confirm, withdraw'
complete -c servicer -n "not __fish_seen_subcommand_from $commands" -a device -d 'list, show, locate and assign devices'
complete -c servicer -n "not __fish_seen_subcommand_from $commands" -a dispatch -d 'route units, record and work service calls'
complete -c servicer -n "not __fish_seen_subcommand_from $commands" -a holiday -d 'days closed, no response time runs'
complete -c servicer -n "not __fish_seen_subcommand_from $commands" -a closeout -d 'Section 2 of a call, e-mailed to CITS'
complete -c servicer -n "not __fish_seen_subcommand_from $commands" -a meter-submit -d 'meter readings, import, exchange'
complete -c servicer -n "not __fish_seen_subcommand_from $commands" -a meter-history -d 'readings and volume'
complete -c servicer -n "not __fish_seen_subcommand_from $commands" -a report -d 'compensation: earned, at risk, never'
complete -c servicer -n "not __fish_seen_subcommand_from $commands" -a user -d 'users and their roles'
complete -c servicer -n "not __fish_seen_subcommand_from $commands" -a kb -d 'knowledge content'
complete -c servicer -n "not __fish_seen_subcommand_from $commands" -a stock -d 'stock locations and toner levels'
complete -c servicer -n "not __fish_seen_subcommand_from $commands" -a log -d 'the audit log'
complete -c servicer -n "not __fish_seen_subcommand_from $commands" -a db -d 'copy the whole database into a new one'
complete -c servicer -n "not __fish_seen_subcommand_from $commands" -a help -d "show a command's manual page"

complete -c servicer -n '__servicer_using init' -l dealer-id -x -d 'dealer id'
complete -c servicer -n '__servicer_using init' -l dealer-name -x -d 'dealer name'

complete -c servicer -n '__servicer_using config' -a 'get set unset list'
complete -c servicer -n '__servicer_at config 2 get set unset' -a '(__servicer_data config-keys)'

complete -c servicer -n '__servicer_at model 1' -a 'add list remove set'
complete -c servicer -n '__servicer_at model 2 set remove' -a '(__servicer_data models)'
complete -c servicer -n '__servicer_using model' -l warranty-months -x -d 'months of warranty'
complete -c servicer -n '__servicer_using model' -l response-hours -x -d 'contracted response hours'
complete -c servicer -n '__servicer_using model' -l counters -x -a 'default' -d 'Canon counter numbers read over SNMP'

complete -c servicer -n '__servicer_using ascr-register' -l account -x -d 'customer account number'
complete -c servicer -n '__servicer_using ascr-register' -l system-account -x -d 'system account number'
complete -c servicer -n '__servicer_using ascr-register' -l location -x -d 'where the unit stands'
complete -c servicer -n '__servicer_using ascr-register' -l installed -x -d 'install date YYYY-MM-DD'
complete -c servicer -n '__servicer_using ascr-register' -l warranty-end -x -d 'last day of warranty'
complete -c servicer -n '__servicer_using ascr-register' -l support -x -a 'dispatch wmp' -d 'support model'
complete -c servicer -n '__servicer_using ascr-register' -l import -r -F -d 'CSV file to import'
complete -c servicer -n '__servicer_using ascr-register' -l reject -r -F -d 'file for rejected rows'
complete -c servicer -n '__servicer_using ascr-register' -l strict -d 'apply nothing if a row is bad'
complete -c servicer -n '__servicer_using ascr-register' -l dry-run -d 'check, apply nothing'
complete -c servicer -n '__servicer_using ascr-register' -l confirm -d 'mark serials active'
complete -c servicer -n '__servicer_using ascr-register' -l confirm-pending -d 'mark every pending registration active'
complete -c servicer -n '__servicer_using ascr-register' -l withdraw -d 'withdraw serials'
complete -c servicer -n '__servicer_using ascr-register' -l reason -x -d 'why they are withdrawn or corrected'
complete -c servicer -n '__servicer_using ascr-register' -l customer -x -d "the customer's name"
complete -c servicer -n '__servicer_using ascr-register' -l correct -d 'correct the model of a pending registration'
complete -c servicer -n '__servicer_using ascr-register' -l model -x -a '(__servicer_data models)' -d 'the right model'
complete -c servicer -n '__servicer_at ascr-register 1; and not __fish_seen_subcommand_from --confirm --withdraw --correct' -a '(__servicer_data models)'
complete -c servicer -n '__servicer_using ascr-register; and __fish_seen_subcommand_from --confirm --withdraw --correct' -a '(__servicer_data serials)'
complete -c servicer -n '__servicer_using ascr-register' -l export-pending -d 'print pending model,serial as CSV'

complete -c servicer -n '__servicer_at device 1' -a 'list show locate assign unassign stock set-address'
complete -c servicer -n '__servicer_at device 2 show locate unassign stock set-address' -a '(__servicer_data serials)'
complete -c servicer -n '__servicer_at device 2 assign' -a '(__servicer_data logins)'
complete -c servicer -n '__servicer_using device; and __fish_seen_subcommand_from assign; and not __servicer_at device 2' -a '(__servicer_data serials)'
complete -c servicer -n '__servicer_at device 3 stock' -a '(__servicer_data stock-locations)'
complete -c servicer -n '__servicer_using device; and __fish_seen_subcommand_from set-address' -l community -x -d 'SNMP community'
complete -c servicer -n '__servicer_using device; and __fish_seen_subcommand_from set-address' -l none -d 'take the address away'
complete -c servicer -n '__servicer_using device' -l status -x -a 'pending active withdrawn' -d 'registration status'
complete -c servicer -n '__servicer_using device' -l model -x -a '(__servicer_data models)' -d 'model'
complete -c servicer -n '__servicer_using device' -l account -x -d 'customer account'
complete -c servicer -n '__servicer_using device' -l system-account -x -d 'Canon system account'
complete -c servicer -n '__servicer_using device' -l customer -x -d 'part of the customer name'

complete -c servicer -n '__servicer_using dispatch; and not __fish_seen_subcommand_from route new assign arrive complete cancel renumber amend list show' -a 'route new assign arrive complete cancel renumber amend list show'
complete -c servicer -n '__servicer_using dispatch; and __fish_seen_subcommand_from route' -l on -x -d 'route on this date'
complete -c servicer -n '__servicer_at dispatch 2 route new' -a '(__servicer_data serials)'
complete -c servicer -n '__servicer_at dispatch 2 assign arrive complete cancel renumber amend show' -a '(__servicer_data cits)'
complete -c servicer -n '__servicer_at dispatch 3 assign' -a '(__servicer_data logins)'
complete -c servicer -n '__servicer_using dispatch; and __fish_seen_subcommand_from new' -l number -x -d 'CITS dispatch number'
complete -c servicer -n '__servicer_using dispatch; and __fish_seen_subcommand_from new amend' -l problem -x -d 'what the customer reports'
complete -c servicer -n '__servicer_using dispatch; and __fish_seen_subcommand_from new amend' -l contact -x -d 'who to reach'
complete -c servicer -n '__servicer_using dispatch; and __fish_seen_subcommand_from new amend' -l phone -x -d 'their phone'
complete -c servicer -n '__servicer_using dispatch; and __fish_seen_subcommand_from new' -l received -x -d 'when the call came in'
complete -c servicer -n '__servicer_using dispatch; and __fish_seen_subcommand_from new' -l source -x -a 'cits referral direct' -d 'who sent the call'
complete -c servicer -n '__servicer_using dispatch; and __fish_seen_subcommand_from new' -l unregistered -d 'a unit never registered'
complete -c servicer -n '__servicer_using dispatch; and __fish_seen_subcommand_from new' -l model -x -a '(__servicer_data models)' -d "the unregistered unit's model"
complete -c servicer -n '__servicer_using dispatch; and __fish_seen_subcommand_from assign arrive complete cancel' -l at -x -d 'when the step happened'
complete -c servicer -n '__servicer_using dispatch; and __fish_seen_subcommand_from cancel renumber amend' -l reason -x -d 'why the call is cancelled or corrected'
complete -c servicer -n '__servicer_using dispatch; and __fish_seen_subcommand_from list' -l status -x -a 'received assigned onsite completed closed cancelled open' -d 'calls in this state'
complete -c servicer -n '__servicer_using dispatch; and __fish_seen_subcommand_from list' -l overdue -d 'past due, nobody on site'
complete -c servicer -n '__servicer_using dispatch; and __fish_seen_subcommand_from list' -l mine -d 'assigned to me'
complete -c servicer -n '__servicer_using dispatch; and __fish_seen_subcommand_from list' -l due-within -x -d 'due within this business time (2h, 90m)'

complete -c servicer -n '__servicer_at holiday 1' -a 'add list remove'
complete -c servicer -n '__servicer_at holiday 2 remove' -a '(__servicer_data holidays)'
complete -c servicer -n '__servicer_using holiday' -l name -x -d "the holiday's name"

complete -c servicer -n '__servicer_at closeout 1' -a 'list show'
complete -c servicer -n '__servicer_using closeout; and not __fish_seen_subcommand_from list' -a '(__servicer_data cits)'
complete -c servicer -n '__servicer_using closeout' -l arrived -x -d 'arrival time'
complete -c servicer -n '__servicer_using closeout' -l completed -x -d 'completion time'
complete -c servicer -n '__servicer_using closeout' -l labor -x -d 'labor hours'
complete -c servicer -n '__servicer_using closeout' -l travel -x -d 'travel hours'
complete -c servicer -n '__servicer_using closeout' -l symptom -x -d 'symptom'
complete -c servicer -n '__servicer_using closeout' -l cause -x -d 'cause'
complete -c servicer -n '__servicer_using closeout' -l action -x -d 'action'
complete -c servicer -n '__servicer_using closeout' -l part -x -d 'PARTNO:QTY[:ETAG_CLAIM]'
complete -c servicer -n '__servicer_using closeout' -l meter -x -d 'meter at close'
complete -c servicer -n '__servicer_using closeout' -l tech -x -d 'technician'
complete -c servicer -n '__servicer_using closeout' -l signed-by -x -d 'customer sign-off'
complete -c servicer -n '__servicer_using closeout' -l remarks -x -d 'remarks'
complete -c servicer -n '__servicer_using closeout' -l print -d 'print the message, send nothing'
complete -c servicer -n '__servicer_using closeout' -l send -d 'send queued close-outs'
complete -c servicer -n '__servicer_using closeout' -l resend -d 'send sent ones again'
complete -c servicer -n '__servicer_using closeout' -l status -x -a 'recorded queued sent failed' -d 'close-outs in this state'

complete -c servicer -n '__servicer_at meter-submit 1' -a '(__servicer_data serials)'
complete -c servicer -n '__servicer_using meter-submit' -l total -x -d 'total counter'
complete -c servicer -n '__servicer_using meter-submit' -l bw -x -d 'black and white counter'
complete -c servicer -n '__servicer_using meter-submit' -l color -x -d 'colour counter'
complete -c servicer -n '__servicer_using meter-submit' -l date -x -d 'the day read (YYYY-MM-DD)'
complete -c servicer -n '__servicer_using meter-submit' -l void -x -d 'void the reading of this day (YYYY-MM-DD)'
complete -c servicer -n '__servicer_using meter-submit' -l exchange -d 'record a meter exchange'
complete -c servicer -n '__servicer_using meter-submit' -l old-final -x -d "old meter's last value"
complete -c servicer -n '__servicer_using meter-submit' -l new-start -x -d "new meter's first value"
complete -c servicer -n '__servicer_using meter-submit' -l reason -x -d 'why'
complete -c servicer -n '__servicer_using meter-submit' -l counter -x -a 'total bw color' -d 'counter exchanged'
complete -c servicer -n '__servicer_using meter-submit' -l import -r -F -d 'CSV file of readings'
complete -c servicer -n '__servicer_using meter-submit' -l reject -r -F -d 'refused rows'
complete -c servicer -n '__servicer_using meter-submit' -l dry-run -d 'check, apply nothing'

complete -c servicer -n "not __fish_seen_subcommand_from $commands" -a meter-collect -d 'read counters over SNMP'
complete -c servicer -n '__servicer_using meter-collect' -a '(__servicer_data serials)'
complete -c servicer -n '__servicer_using meter-collect' -l dry-run -d 'ask and check, record nothing'
complete -c servicer -n '__servicer_using meter-collect' -l parallel -x -d 'devices asked at once'
complete -c servicer -n '__servicer_using meter-collect' -l timeout -x -d 'seconds to wait for a device'
complete -c servicer -n '__servicer_at meter-history 1' -a '(__servicer_data serials)'
complete -c servicer -n '__servicer_using meter-history' -l from -x -d 'from this day'
complete -c servicer -n '__servicer_using meter-history' -l to -x -d 'to this day'

complete -c servicer -n '__servicer_using report' -a 'compensation sla'
complete -c servicer -n '__servicer_using report' -l month -x -d 'calls completed in this month (YYYY-MM)'

complete -c servicer -n '__servicer_at user 1' -a 'add list set-role remove'
complete -c servicer -n '__servicer_at user 2 set-role remove' -a '(__servicer_data logins)'
complete -c servicer -n '__servicer_using user' -l role -x -a 'administrator device-manager stock-manager device-stock-manager knowledge-user' -d 'role'
complete -c servicer -n '__servicer_using user' -l name -x -d 'full name'
complete -c servicer -n '__servicer_using user' -l email -x -d 'e-mail address'

complete -c servicer -n '__servicer_using kb' -a 'add search show remove'
complete -c servicer -n '__servicer_using kb' -l model -x -a '(__servicer_data models)' -d 'the model it is about'
complete -c servicer -n '__servicer_using kb' -l code -x -d 'error code'
complete -c servicer -n '__servicer_using kb' -l body -x -d 'the text'
complete -c servicer -n '__servicer_using kb' -l file -r -F -d 'the text from a file'
complete -c servicer -n '__servicer_using kb' -l limit -x -d 'at most N entries'

complete -c servicer -n '__servicer_at stock 1' -a 'location set list'
complete -c servicer -n '__servicer_at stock 2 set' -a '(__servicer_data stock-locations)'
complete -c servicer -n '__servicer_using stock' -l ship -x -d 'shipping instructions'

complete -c servicer -n '__servicer_using log' -l since -x -d 'from this date'
complete -c servicer -n '__servicer_using log' -l user -x -a '(__servicer_data logins)' -d 'of this login'
complete -c servicer -n '__servicer_using log' -l serial -x -a '(__servicer_data serials)' -d 'about this device'
complete -c servicer -n '__servicer_using log' -l limit -x -d 'newest N entries'

complete -c servicer -n '__servicer_using help' -a "$commands"
complete -c servicer -n '__servicer_using db; and not __fish_seen_subcommand_from copy' -x -a copy -d 'copy into a new database'
complete -c servicer -n '__servicer_using db' -l to -r -F -d 'the new database: a file or a postgresql:// URL'
