#!/bin/bash
# Summarise bench/run.sh's raw lines into a markdown table: medians per
# scenario and client, and our ntpdate's ratios to each peer.
awk '
function median(key,   n, i, j, t, a) {
	n = split(vals[key], a, " ")
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
	if (n == 0) return "nan"
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{
	k = $1 SUBSEP $2
	if (!(k in seen)) { seen[k] = 1; order[++no] = k }
	if (!($1 in sseen)) { sseen[$1] = 1; sorder[++ns] = $1 }
	if ($3 == "fail") fails[k]++; else vals[k SUBSEP "err"] = vals[k SUBSEP "err"] " " $3
	vals[k SUBSEP "wall"] = vals[k SUBSEP "wall"] " " $4
	vals[k SUBSEP "rss"] = vals[k SUBSEP "rss"] " " $5
	vals[k SUBSEP "cpu"] = vals[k SUBSEP "cpu"] " " $6
	req[k] = $7
	runs[k]++
}
END {
	print "| scenario | client | median \\|error\\| (µs) | median wall (ms) | CPU (ms) | requests/server | peak RSS (KB) | failed runs |"
	print "|---|---|---:|---:|---:|---:|---:|---:|"
	for (i = 1; i <= no; i++) {
		k = order[i]; split(k, p, SUBSEP)
		e = median(k SUBSEP "err"); w = median(k SUBSEP "wall")
		med[k, "err"] = e; med[k, "wall"] = w
		printf "| %s | %s | %s | %.1f | %.1f | %s | %d | %d/%d |\n", p[1], p[2],
		    e == "nan" ? "-" : sprintf("%.1f", e * 1e6), w * 1000,
		    median(k SUBSEP "cpu") * 1000, req[k],
		    median(k SUBSEP "rss"), fails[k] + 0, runs[k]
	}
	print ""
	print "Ratios of our clients to each peer (below 1: ours is better):"
	print ""
	print "| scenario | client | error vs chronyd -Q | wall vs chronyd -Q | error vs ntpdig | wall vs ntpdig |"
	print "|---|---|---:|---:|---:|---:|"
	nours = split("ntpdate ntpdate-d ntpdate-p4", ours, " ")
	for (i = 1; i <= ns; i++) for (q = 1; q <= nours; q++) {
		s = sorder[i]; o = s SUBSEP ours[q]
		if (!(o in seen)) continue
		line = "| " s " | " ours[q]
		split("chronyd-Q ntpdig", peers, " ")
		for (j = 1; j <= 2; j++) {
			pk = s SUBSEP peers[j]
			for (m = 1; m <= 2; m++) {
				f = m == 1 ? "err" : "wall"
				a = med[o, f]; b = med[pk, f]
				line = line " | " ((a == "nan" || b == "nan" || b + 0 == 0) ? \
				    "-" : sprintf("%.3g", a / b))
			}
		}
		print line " |"
	}
	a = med["many" SUBSEP "ntpdate", "wall"]; b = med["lan" SUBSEP "ntpdate", "wall"]
	if (a != "" && b != "" && b + 0 > 0)
		printf "\n100 servers take %.2f times the wall time of one (ntpdate).\n", a / b
}' "$1"
