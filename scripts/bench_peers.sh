#!/usr/bin/env bash
# Benchmark against peers (not a test): the same two distance jobs on the synthetic
# `metro` city (seed 7) done by PostGIS and by pgRouting, next to lifecircle's whole
# runs, in one run of this script.
#   radius:  PostGIS, the nearest facility of each type for every compound (KNN `<->`,
#            ties to the smaller id) and the per-street shares reached within 1000 m;
#   network: pgRouting, the same along the walking graph: every road segment an edge,
#            nodes where segments share exact coordinates, every compound and facility
#            entering at the nearest point of the nearest segment (access leg at the same
#            speed), segments split at those points, one multi-source search per type
#            (pgr_dijkstraCost from a virtual source joined to each facility's entry by
#            its access leg).
# Checks that the peers' distances agree with lifecircle's (compounds.geojson
# dist_<type>_m) within 1 mm and prints the time ratios; with --baseline BIN (or
# LIFECIRCLE_BASELINE) also that binary's network run, back to back.
#   scripts/bench_peers.sh [--baseline BIN]
# Installs Debian's postgresql-15, postgresql-15-postgis-3 and postgresql-15-pgrouting
# when missing. The database is a private cluster in a temporary folder, reachable only
# by its unix socket there (listen_addresses=''), started and stopped by this script.
set -euo pipefail
cd "$(dirname "$0")/.."
baseline=${LIFECIRCLE_BASELINE:-}
while [ $# -gt 0 ]; do
  case $1 in
    --baseline) baseline=$2; shift ;;
    *) echo "usage: $0 [--baseline BIN]" >&2; exit 2 ;;
  esac
  shift
done

need=(postgresql-15 postgresql-15-postgis-3 postgresql-15-pgrouting gdal-bin)
missing=()
for p in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
PGBIN=/usr/lib/postgresql/15/bin

LIFECIRCLE_TARGET=lifecircle scripts/build.sh >/dev/null
BIN=$PWD/build/lifecircle
GEN=${LIFECIRCLE_BENCH_DIR:-/tmp/lifecircle-bench}
D=$GEN/metro
if [ ! -f "$D/compounds.geojson" ]; then
  mkdir -p "$GEN"
  python3 ../shared/datagen/make_city.py "$D" --scale metro --seed 7 --fields zh >/dev/null
fi
# The demo's project names census tables: the city's own (scripts/bench.sh makes the same).
[ -f "$D/census_communities.csv" ] || python3 scripts/make_census.py "$D" >/dev/null
for mode in radius network; do
  sed -e "s#\"path\": \"#\"path\": \"$D/#" -e "s#\"mode\": \"radius\"#\"mode\": \"$mode\"#" \
    data/demo/project.json > "$D/project-$mode.json"
done

now() { date +%s.%N; }
timed() {  # name command...: runs it, appends "name seconds" to $TMP/times
  local t0 t1
  sync  # what earlier runs wrote is flushed now, not during this timing
  t0=$(now); "${@:2}"; t1=$(now)
  echo "$1 $(echo "$t1 - $t0" | bc -l)" >> "$TMP/times"
}
# CPU seconds (user + sys) of the database server's finished backends: the postmaster's
# children's times, which grow when a session's backend (and its parallel workers) exit.
server_cpu() {
  local pid
  pid=$(head -1 "$TMP/data/postmaster.pid")
  sleep 0.3  # let the postmaster reap the session that just ended
  awk -v tck="$(getconf CLK_TCK)" '{ print ($16 + $17) / tck }' "/proc/$pid/stat"
}
timed_sql() {  # name function: like timed, plus the server's CPU time for it
  local c0 c1
  c0=$(server_cpu); timed "$1" "$2"; c1=$(server_cpu)
  echo "$1_cpu $(echo "$c1 - $c0" | bc -l)" >> "$TMP/times"
}

# lifecircle first: its working CRS is the one the peers measure in.
TMP=$(mktemp -d /tmp/lc-peers.XXXXXX)
chmod 755 "$TMP"
PGUSER_RUN=()
[ "$(id -u)" -eq 0 ] && PGUSER_RUN=(runuser -u postgres --)
cleanup() {
  if [ -f "$TMP/data/postmaster.pid" ]; then
    "${PGUSER_RUN[@]}" "$PGBIN/pg_ctl" -D "$TMP/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT
: > "$TMP/times"
# Each lifecircle run is made three times (the median counts): one run of a second is
# at the mercy of the machine's moment; the peers' jobs run once (they take seconds).
for mode in radius network; do
  for r in 1 2 3; do
    timed "lifecircle_${mode}_$r" /usr/bin/time -f "%U %S" -o "$TMP/cpu-$mode-$r" "$BIN" run "$D/project-$mode.json" \
      --out "$TMP/lc-$mode" --quiet
  done
done
if [ -n "$baseline" ]; then
  # An older build may not know today's project keys (census tables, bands): both builds
  # run the project a baseline reads (scripts/bench_project.py --legacy), back to back.
  python3 scripts/bench_project.py "$D" network --legacy > "$D/project-network-legacy.json"
  timed baseline_network /usr/bin/time -f "%U %S" -o "$TMP/cpu-baseline" "$baseline" run "$D/project-network-legacy.json" \
    --out "$TMP/lc-baseline" --quiet
  timed legacy_network /usr/bin/time -f "%U %S" -o "$TMP/cpu-legacy" "$BIN" run "$D/project-network-legacy.json" \
    --out "$TMP/lc-legacy" --quiet
fi
CRS=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['working_crs'])" "$TMP/lc-network/summary.json")

# The private cluster.
[ "$(id -u)" -eq 0 ] && chown postgres "$TMP"
"${PGUSER_RUN[@]}" "$PGBIN/initdb" -D "$TMP/data" -A trust -U lc -E UTF8 --no-sync >/dev/null
"${PGUSER_RUN[@]}" "$PGBIN/pg_ctl" -D "$TMP/data" -w -l "$TMP/data/log" \
  -o "-c listen_addresses='' -c unix_socket_directories='$TMP' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=512MB -c work_mem=256MB -c maintenance_work_mem=256MB" start >/dev/null
psql -h "$TMP" -U lc -d postgres -X -q -c "create database lc" >/dev/null
PSQL=(psql -h "$TMP" -U lc -d lc -X -q -v ON_ERROR_STOP=1)
"${PSQL[@]}" -c "create extension postgis; create extension pgrouting; create extension btree_gist;" >/dev/null

# Load (timed apart: both peers start from loaded tables, lifecircle from the files).
load() {
  for l in compounds facilities roads streets; do
    ogr2ogr -f PostgreSQL "PG:host=$TMP user=lc dbname=lc" "$D/$l.geojson" -nln "$l" -t_srs "$CRS" \
      -lco GEOMETRY_NAME=geom -lco SPATIAL_INDEX=NONE -lco FID=fid
  done
}
timed load load

# PostGIS: radius.
radius_job() {
  "${PSQL[@]}" <<'SQL'
create table c as select "小区编号" as id, st_pointonsurface(geom) as pt from compounds;
create table f as select "设施编号" as id, case "设施类型"
    when '社区日间照料中心' then 'day_care' when '老年幸福食堂' then 'canteen'
    when '街道综合养老服务中心' then 'street_center' when '乡镇区域养老服务中心' then 'regional_center'
    when '养老机构' then 'nursing_home' when '小区配建养老服务用房' then 'supporting' end as type, geom as pt
  from facilities;
create index on f using gist (type, pt);
analyze f;
create table radius as
  select c.id as cid, t.type, n.id as fid, st_distance(c.pt, n.pt) as d
  from c cross join (select distinct type from f) t
  cross join lateral (
    -- the index gives the nearest few; equally near ones go to the smaller id
    select k.id, k.pt from (select f.id, f.pt, f.pt <-> c.pt as d from f where f.type = t.type
                            order by f.pt <-> c.pt limit 4) k
    order by k.d, k.id limit 1) n;
create index on c using gist (pt);
create index on streets using gist (geom);
create table radius_share as
  select s."行政代码" as street, r.type, avg((r.d <= 1000)::int) as share
  from radius r join c on c.id = r.cid join streets s on st_intersects(s.geom, c.pt) group by 1, 2;
SQL
}
timed_sql postgis_radius radius_job

# pgRouting: network.
network_job() {
  "${PSQL[@]}" <<'SQL'
create table seg as
  select row_number() over (order by r.fid, d.path) as id, d.geom
  from roads r, st_dumpsegments(r.geom) d
  where r."道路等级" is not null and r."道路等级" <> ''
    and r."道路等级" not in ('motorway', 'motorway_link', 'trunk', 'trunk_link', 'construction', 'proposed')
    and not st_equals(st_startpoint(d.geom), st_endpoint(d.geom));
create table node as
  select row_number() over () as nid, x, y from (
    select st_x(st_startpoint(geom)) x, st_y(st_startpoint(geom)) y from seg
    union select st_x(st_endpoint(geom)), st_y(st_endpoint(geom)) from seg) q;
create index on node (x, y);
alter table seg add column src bigint, add column tgt bigint, add column len float8;
update seg set src = a.nid, tgt = b.nid, len = st_length(seg.geom)
  from node a, node b
  where a.x = st_x(st_startpoint(seg.geom)) and a.y = st_y(st_startpoint(seg.geom))
    and b.x = st_x(st_endpoint(seg.geom)) and b.y = st_y(st_endpoint(seg.geom));
create index on seg using gist (geom);
analyze seg;
-- where every compound and facility enters: the nearest point of the nearest segment
create table snap as
  select p.kind, p.id, p.type, s.id as sid, st_distance(p.pt, s.geom) as access, st_linelocatepoint(s.geom, p.pt) as frac
  from (select 'c' as kind, id, null::text as type, pt from c union all select 'f', id, type, pt from f) p
  cross join lateral (
    select k.id, k.geom from (select id, geom, geom <-> p.pt as d from seg order by geom <-> p.pt limit 4) k
    order by k.d, k.id limit 1) s;
delete from snap where access > 500;
-- segments split at the entry points
create table cutv as
  select sid, frac, (select max(nid) from node) + row_number() over (order by sid, frac) as vid
  from (select distinct sid, frac from snap where frac > 0 and frac < 1) q;
create table e as
  select vid as source, lead(vid) over w as target, (lead(frac) over w - frac) * len as cost
  from (select id as sid, 0::float8 as frac, src as vid, len from seg
        union all select id, 1, tgt, len from seg
        union all select v.sid, v.frac, v.vid, s.len from cutv v join seg s on s.id = v.sid) q
  window w as (partition by sid order by frac);
delete from e where target is null;
alter table e add column id bigserial;
create table snapv as
  select sn.*, case when sn.frac <= 0 then s.src when sn.frac >= 1 then s.tgt else v.vid end as vid
  from snap sn join seg s on s.id = sn.sid left join cutv v on v.sid = sn.sid and v.frac = sn.frac;
-- one multi-source search per type: a virtual source 0 joined to each facility's entry
create table network as select null::text as cid, null::text as type, null::float8 as d limit 0;
do $$
declare t text; edges text;
begin
  for t in select distinct type from f loop
    edges := format('select id, source, target, cost, cost as reverse_cost from e
                     union all select -row_number() over (), 0, vid, access, -1 from snapv
                     where kind = %L and type = %L', 'f', t);
    execute format($q$
      insert into network
      select c.id, %L, r.agg_cost + c.access
      from pgr_dijkstraCost(%L, 0, (select array_agg(distinct vid) from snapv where kind = 'c'), directed => true) r
      join snapv c on c.kind = 'c' and c.vid = r.end_vid$q$, t, edges);
  end loop;
end $$;
create table network_share as
  select s."行政代码" as street, n.type, avg((n.d <= 1000)::int) as share
  from network n join c on c.id = n.cid join streets s on st_intersects(s.geom, c.pt) group by 1, 2;
SQL
}
timed_sql pgrouting_network network_job

"${PSQL[@]}" -c "\copy radius (cid, type, d) to '$TMP/radius.csv' csv" >/dev/null
"${PSQL[@]}" -c "\copy (select cid, type, d from network) to '$TMP/network.csv' csv" >/dev/null

python3 - "$TMP" "$baseline" <<'PY'
import csv, json, math, sys
tmp, baseline = sys.argv[1:]
times = dict(l.split() for l in open(f"{tmp}/times"))
times = {k: float(v) for k, v in times.items()}
def cpu_of(path):
    u, s = open(path).read().split()
    return float(u) + float(s)
def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2]
cpus = {}
for mode in ("radius", "network"):
    times[f"lifecircle_{mode}"] = median(times[f"lifecircle_{mode}_{r}"] for r in (1, 2, 3))
    cpus[mode] = median(cpu_of(f"{tmp}/cpu-{mode}-{r}") for r in (1, 2, 3))
def cpu(name):
    return cpus[name] if name in cpus else cpu_of(f"{tmp}/cpu-{name}")
ok = True
for mode in ("radius", "network"):
    lc = {}
    for f in json.load(open(f"{tmp}/lc-{mode}/compounds.geojson", encoding="utf-8"))["features"]:
        p = f["properties"]
        for k, v in p.items():
            if k.startswith("dist_") and k.endswith("_m"):
                lc[(p["compound_id"], k[5:-2])] = v
    peer = {(cid, t): float(d) for cid, t, d in csv.reader(open(f"{tmp}/{mode}.csv"))}
    worst, n, missing = 0.0, 0, 0
    for key, v in lc.items():
        if v is None:
            if key in peer: missing += 1
            continue
        if key not in peer:
            missing += 1
            continue
        n += 1
        worst = max(worst, abs(round(peer[key], 3) - v))
    extra = sum(1 for k in peer if lc.get(k) is None)
    good = worst <= 0.001 + 1e-9 and missing == 0 and extra == 0
    ok &= good
    who = "PostGIS" if mode == "radius" else "pgRouting"
    print(f"{mode}: {n} compound-type distances, {who} against lifecircle: largest difference {worst * 1000:.3f} mm, "
          f"{missing + extra} reached by one side only: {'agree within 1 mm' if good else 'DISAGREE'}")
print(f"load into PostgreSQL (ogr2ogr, 4 layers): {times['load']:.2f} s (not counted)")
def line(mode, who, key, target):
    pw, pc = times[key], times[key + "_cpu"]
    lw, lc_ = times[f"lifecircle_{mode}"], cpu(mode)
    print(f"{mode}: {who} job {pw:.2f} s wall, {pc:.2f} s server CPU; lifecircle whole run {lw:.2f} s wall (median of 3), "
          f"{lc_:.2f} s CPU: {pw / lw:.1f}x faster by wall time, {pc / lc_:.1f}x by CPU "
          f"(target >= {target}x: {'met' if min(pw / lw, pc / lc_) >= target else 'met by CPU only' if pc / lc_ >= target else 'MISSED'})")
line("radius", "PostGIS", "postgis_radius", 4)
line("network", "pgRouting", "pgrouting_network", 3)
if baseline:
    b, n_lc = times["baseline_network"], times["legacy_network"]
    r_w, r_c = n_lc / b, cpu("legacy") / cpu("baseline")
    print(f"network (project both builds read): baseline run {b:.2f} s wall, {cpu('baseline'):.2f} s CPU; this build {r_w:.2f} of it by wall time, "
          f"{r_c:.2f} by CPU (target <= 0.5: {'met' if max(r_w, r_c) <= 0.5 else 'MISSED'})")
sys.exit(0 if ok else 1)
PY
