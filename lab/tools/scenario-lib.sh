# shellcheck shell=bash disable=SC2154 # the sourcing scenario sets lab, pool, out, state, ...
# Helpers the lab's scenarios share; sourced, never run. The sourcing
# scenario sets:
#   lab     path of lab/lab          pool    the pool's name
#   out     its output directory     state   the lab's state directory
# and, for the client helpers, nfs_vip, iscsi_vip, target_iqn, client_iqn
# and tpgt. check() counts into passed/failed; a scenario that keeps a
# report sets check_hook to a function called as HOOK PASS|FAIL NAME DETAIL.

passed=0
failed=0
check_hook=
wait_poll=${wait_poll:-2}

check() { # check NAME EXIT-CODE [DETAIL]
	local verdict=FAIL
	if [ "$2" -eq 0 ]; then
		verdict=PASS
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
	echo "$verdict $1${3:+ ($3)}"
	[ -z "$check_hook" ] || "$check_hook" "$verdict" "$1" "${3:-}"
}
note() { echo "    $*"; }
now() { date +%s.%N | cut -c1-14; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
wait_for() { # wait_for SECONDS CMD...: poll CMD until it succeeds; fails on timeout
	local deadline=$(($(date +%s) + $1))
	shift
	until "$@"; do
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep "$wait_poll"
	done
}

on() { local node=$1; shift; "$lab" ssh "$node" sudo "$@"; }
# A shell script on a node, sent on stdin: quoting survives, and so would a secret.
on_sh() { "$lab" ssh "$1" sudo bash -s <<<"$2"; }
quorum() { on quorum "$@"; }
secret() { sed -n "s/^  $1: //p" "$state/secrets/ansible.yml"; }

# ---- the pool and the cluster ------------------------------------------------------------------

imported_on() { on "$1" test -d "/proc/spl/kstat/zfs/$pool" 2>/dev/null; }
active_node() { # the storage node that has the pool imported, or "none"
	local n
	for n in storage-a storage-b; do imported_on "$n" && { echo "$n"; return 0; }; done
	echo none
}
other() { [ "$1" = storage-a ] && echo storage-b || echo storage-a; }
pool_state() { on "$1" cat "/proc/spl/kstat/zfs/$pool/state" 2>/dev/null; }
pool_is() { [ "$(pool_state "$1")" = "$2" ]; }
status_json() { on "$1" zpool status -j --json-int "$pool" 2>/dev/null; }
scan_field() { # scan_field NODE FIELD: the last scan's FIELD (function, state, ...)
	status_json "$1" | python3 -c "import json,sys; print(json.load(sys.stdin)['pools']['$pool'].get('scan_stats',{}).get('$2',''))" 2>/dev/null
}
no_resilver_running() { [ "$(scan_field "$1" state)" != SCANNING ]; }
all_halves_online() { # every vdev of NODE's pool ONLINE
	local j
	j=$(status_json "$1") && [ -n "$j" ] &&
		! grep -q '"state":"\(UNAVAIL\|FAULTED\|REMOVED\|OFFLINE\|CANT_OPEN\|DEGRADED\)"' <<<"$j"
}
halves_down() { # halves_down NODE OWNER: NODE's pool has OWNER's halves all down
	status_json "$1" | python3 -c "
import json, sys
d = json.load(sys.stdin)['pools']['$pool']
leaves = []
def walk(v):
    if 'vdevs' in v:
        for c in v['vdevs'].values(): walk(c)
    else:
        leaves.append(v)
for v in d['vdevs'].values(): walk(v)
mine = [l for l in leaves if l.get('path', '').startswith('/dev/disk/by-vdev/$2-')]
sys.exit(0 if mine and all(l['state'] != 'ONLINE' for l in mine) else 1)" 2>/dev/null
}
online_node() { # online_node NODE: Pacemaker (seen from the quorum node) has NODE online
	quorum crm_mon -1 --output-as=xml 2>/dev/null | grep -q "<node name=\"$1\"[^>]*online=\"true\""
}
all_online() {
	[ "$(quorum crm_mon -1 2>/dev/null | sed -n 's/^ *\* Online: \[\(.*\)\]/\1/p' | wc -w)" -eq 3 ]
}
backend_exporting() { on "$1" hasan backend status >/dev/null 2>&1; }
outdated() { # outdated NODE: NODE's halves are marked outdated in the CIB (the value: since when)
	local v
	v=$(quorum crm_attribute --node "$1" --name "hasan-outdated-$pool" --query --quiet \
		--lifetime forever --default none 2>/dev/null) || return 2
	[ -n "$v" ] && [ "$v" != none ]
}
not_outdated() { outdated "$1"; [ $? -eq 1 ]; }
# Every resource of the pool's group started on NODE, none pending or
# failed, judged from crm_mon's XML (the text form was seen to pass while
# only the import had started).
group_on() { # group_on NODE
	quorum crm_mon -1 --inactive --output-as=xml 2>/dev/null | python3 -c '
import sys, xml.etree.ElementTree as ET
group = ET.parse(sys.stdin).getroot().find(".//group[@id=\"%s\"]" % sys.argv[1])
members = group.findall("resource") if group is not None else []
sys.exit(0 if members and len(members) == int(group.get("number_resources", -1)) and all(
    r.get("role") == "Started" and r.get("active") == "true" and r.get("failed") == "false"
    and r.get("pending") is None and [n.get("name") for n in r.findall("node")] == [sys.argv[2]]
    for r in members) else 1)' "$pool" "$1"
}
no_failed_actions() { ! quorum crm_mon -1 2>/dev/null | grep -q 'Failed Resource Actions'; }
failed_actions_since() { # failed_actions_since EPOCH: the op keys of failures recorded after it
	quorum crm_mon -1 --output-as=xml 2>/dev/null | grep -o '<failure [^>]*>' |
		sed -n 's/.*op_key="\([^"]*\)".*last-rc-change="\([^"]*\)".*/\2|\1/p' |
		while IFS='|' read -r when key; do
			[ "$(date -d "$when" +%s 2>/dev/null || echo 0)" -ge "${1%.*}" ] && echo "$key"
		done
}
# Fencing events for a node, newest first, from crm_mon (stonith_admin's own
# history leaves failed requests out).
fence_history() {
	quorum crm_mon -1 --output-as=xml --include=fencing 2>/dev/null | grep -o "<fence_event [^>]*target=\"$1\"[^>]*>"
}
fenced_count() { fence_history "$1" | grep -c 'status="success"'; }
qemu_pid() { cat "$state/vms/$1/qemu.pid" 2>/dev/null; }

# ---- the pool watchers: "imported or not" per node, every 200 ms -------------------------------

watch_node() { # watch_node NODE: until killed, restarted when the node comes back (bounded)
	local node=$1
	for _ in $(seq 40); do
		"$lab" ssh "$node" "timeout 3600 sh -c 'i=0; while [ \$i -lt 18000 ]; do
			if [ -d /proc/spl/kstat/zfs/$pool ]; then s=1; else s=0; fi
			echo \"\$(date +%s.%N | cut -c1-14) \$s\"; i=\$((i + 1)); sleep 0.2; done'" \
			>>"$out/watch-$node.log" 2>/dev/null
		sleep 3
	done
}
# Moments at which both nodes reported the pool imported. A node's report
# holds until its next one, at most 1 s (it may have died meanwhile).
both_imported() {
	python3 - "$out/watch-storage-a.log" "$out/watch-storage-b.log" <<'PY'
import sys
def intervals(path):
    rows = []
    for line in open(path):
        try:
            t, s = line.split()
            rows.append((float(t), s == "1"))
        except ValueError:
            pass
    rows.sort()
    out = []
    for i, (t, s) in enumerate(rows):
        if s:
            end = rows[i + 1][0] if i + 1 < len(rows) else t + 0.2
            out.append((t, min(end, t + 1.0)))
    return out
a, b = intervals(sys.argv[1]), intervals(sys.argv[2])
overlaps = [(max(x[0], y[0]), min(x[1], y[1])) for x in a for y in b if max(x[0], y[0]) < min(x[1], y[1])]
print("%d samples; %d overlapping moments%s" % (len(a) + len(b), len(overlaps),
      (": first at %.3f" % overlaps[0][0]) if overlaps else ""))
sys.exit(1 if overlaps else 0)
PY
}
first_imported_after() { # first_imported_after NODE T: when NODE first reported the pool after T
	awk -v t="$2" '$1 > t && $2 == 1 { print $1; exit }' "$out/watch-$1.log"
}
last_imported_before_gap() { # when NODE last reported the pool imported, after T
	awk -v t="$2" '$1 > t && $2 == 1 { last = $1 } $1 > t && $2 == 0 && last { print last; exit }' "$out/watch-$1.log"
}

fio_iops() { # fio_iops NODE FILE: 4 KiB random writes with fsync, IOPS
	on "$1" fio --name=bench --filename="$2" --size=64M --rw=randwrite --bs=4k --ioengine=psync \
		--fsync=1 --runtime=20 --time_based --output-format=json 2>/dev/null |
		python3 -c "import json,sys; print(round(json.load(sys.stdin)['jobs'][0]['write']['iops'], 1))"
}

# ---- the client VM: iSCSI session, NFS and SMB mounts, hasan probe -----------------------------

# The script that logs the client VM in to the hypervisor VLAN's target
# with mutual CHAP and mounts the NFS export and the SMB share. It carries
# the secrets, so it travels on stdin, never in argv.
client_setup() {
	local node_dir="/etc/iscsi/nodes/$target_iqn/$iscsi_vip,3260,$tpgt"
	cat <<EOF
set -eu
modprobe -a iscsi_tcp nfs cifs
echo "InitiatorName=$client_iqn" >/etc/iscsi/initiatorname.iscsi
systemctl restart iscsid
# A session left from an earlier run is logged out first (a session in
# recovery may refuse the first attempt).
for attempt in 1 2 3 4 5; do
	iscsiadm -m session 2>/dev/null | grep -qF "$target_iqn" || break
	iscsiadm -m node -T "$target_iqn" --logout >/dev/null 2>&1 || sleep 3
done
iscsiadm -m discovery -t sendtargets -p "$iscsi_vip" >/dev/null
set_node() { iscsiadm -m node -T "$target_iqn" -p "$iscsi_vip:3260" -o update -n "\$1" -v "\$2"; }
set_node node.session.auth.authmethod CHAP
set_node node.session.auth.username "$client_iqn"
set_node node.session.auth.username_in "$target_iqn"
set_node node.session.timeo.replacement_timeout 5
set_node 'node.conn[0].timeo.noop_out_interval' 2
set_node 'node.conn[0].timeo.noop_out_timeout' 2
sed -i '/^node.session.auth.password/d' "$node_dir/default"
echo "node.session.auth.password = $(secret chap-client)" >>"$node_dir/default"
echo "node.session.auth.password_in = $(secret chap-client-mutual)" >>"$node_dir/default"
chmod 0600 "$node_dir/default"
iscsiadm -m node -T "$target_iqn" -p "$iscsi_vip:3260" --login >/dev/null
mkdir -p /mnt/nfs /mnt/smb
mountpoint -q /mnt/nfs || mount -t nfs4 -o vers=4.2,soft,timeo=50,retrans=3 "$nfs_vip:/$pool/nfs" /mnt/nfs
umask 077
printf 'username=probe\npassword=%s\n' "$(secret smb-probe)" >/root/smb-probe.cred
mountpoint -q /mnt/smb ||
	mount -t cifs -o vers=3.1.1,seal,cache=none,hard,echo_interval=5,credentials=/root/smb-probe.cred \
		"//$nfs_vip/shared" /mnt/smb
udevadm settle
EOF
}
client_identity() { # sets target_iqn, client_iqn and tpgt from the cluster description
	local description
	description=$(on storage-a cat /etc/hasan/cluster.json) || return 1
	target_iqn=$(echo "$description" | jq -r '.vlans.client[] | select(.iscsi) | .iscsi.target_iqn')
	client_iqn=$(echo "$description" | jq -r '.vlans.client[] | select(.iscsi) | .iscsi.initiators[0].iqn')
	tpgt=$(echo "$description" | jq -r '.vlans.client[] | select(.iscsi) | .id')
}
# Directories the clients write into: root_squash maps the client's root
# to nobody on NFS, so nobody owns the probe's directory (not a sticky
# world-writable one: the client kernel's fs.protected_regular then refuses
# root's O_CREAT of a file the server made nobody's); the SMB user owns its
# share.
probe_directories() { # probe_directories ACTIVE-NODE
	on_sh "$1" "rm -rf /$pool/nfs/probe && install -d -m 0755 -o 65534 -g 65534 /$pool/nfs/probe &&
		chown probe /$pool/smb/shared"
}
lun_device() {
	on_sh client "ls /dev/disk/by-path/ | grep -F 'ip-$iscsi_vip:3260-iscsi-$target_iqn-lun-' | grep -v -- -part | sort | head -1"
}
# LUN number and SCSI serial of every LUN the client sees, one per line.
lun_view() {
	on_sh client "for p in /dev/disk/by-path/ip-$iscsi_vip:3260-iscsi-$target_iqn-lun-*; do
		case \$p in *-part*) continue ;; esac
		echo \"\${p##*-lun-} \$(udevadm info --query=property --name=\"\$p\" | sed -n 's/^ID_SERIAL=//p')\"
	done | sort -n"
}
probe_start() { # probe_start RUN DEVICE: started, and still writing a few seconds later
	on client rm -rf "/var/tmp/probe-$1" &&
		on client install -d -m 0700 "/var/tmp/probe-$1" &&
		on client systemd-run --unit="hasan-probe-$1" --collect \
			hasan probe run --state "/var/tmp/probe-$1" --interval-ms 100 --duration 1800 \
			--target "iscsi=/dev/disk/by-path/$2" --destroy-data \
			--target "nfs=/mnt/nfs/probe/$1.dat" --target "smb=/mnt/smb/$1.dat" >/dev/null 2>&1 &&
		sleep 5 && on client systemctl is-active -q "hasan-probe-$1"
}
# The probe exits when a target cannot be opened (a LUN gone while the
# group recovers, say), which may take it longer than probe_start waits.
probe_alive() { on client systemctl is-active -q "hasan-probe-$1"; }
probe_stop_and_verify() { # probe_stop_and_verify RUN: the verdict in $out/RUN-verify.json
	on client systemctl stop "hasan-probe-$1" >/dev/null 2>&1
	wait_for 120 bash -c "! '$lab' ssh client systemctl is-active -q 'hasan-probe-$1'"
	on client hasan probe verify --state "/var/tmp/probe-$1" --json >"$out/$1-verify.json" 2>"$out/$1-verify.err"
}
# Per protocol of a run: "name acknowledged intact missing corrupt outage_ms open", open
# "yes" when the protocol never acknowledged a write again before the probe stopped.
verify_rows() {
	python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for t in d.get("targets", []):
    print(t.get("name"), t.get("acknowledged", 0), t.get("intact", 0), t.get("missing", 0),
          t.get("corrupt", 0) + t.get("unreadable", 0), t.get("outage_ms", "?"),
          "yes" if t.get("outage_open", True) else "no")
PY
}
# probe_checks RUN: stop the probe of RUN and verify it; per protocol,
# nothing acknowledged missing or corrupt and writes acknowledged again
# before the stop (the outage in the detail). Rows in $out/RUN-rows.txt.
probe_checks() {
	local proto acked intact missing corrupt outage open
	probe_stop_and_verify "$1"
	check "hasan probe verify: no acknowledged record missing or corrupt" $? "$(head -c 300 "$out/$1-verify.err")"
	verify_rows "$out/$1-verify.json" >"$out/$1-rows.txt" 2>>"$out/$1-verify.err"
	while read -r proto acked intact missing corrupt outage open; do
		[ "$acked" -gt 0 ] && [ "$missing" = 0 ] && [ "$corrupt" = 0 ] && [ "$intact" = "$acked" ]
		check "$proto: $acked acknowledged, $intact intact, $missing missing, $corrupt corrupt" $?
		[ "$open" = no ]
		check "$proto: writes acknowledged again before the probe stopped" $? "outage $outage ms"
	done <"$out/$1-rows.txt"
	[ "$(wc -l <"$out/$1-rows.txt")" -eq 3 ]
	check "all three protocols reported" $?
}
