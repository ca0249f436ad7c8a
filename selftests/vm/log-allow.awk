# SPDX-License-Identifier: GPL-2.0
# log-allow.awk: a kernel log without the reports a test allowed.
#
# awk -v allowf=FILE [-v countf=FILE] -f log-allow.awk [LOG]
#
# FILE holds extended regular expressions, one a line ("#" lines and
# empty ones ignored; a "# log-allow: " prefix, as in tap.log, is
# stripped).  A report runs from a WARNING's "cut here", an "irq N:
# nobody cared" or a "BUG: workqueue leaked" to the end of its stack
# trace; one with a line that matches an expression is left out.  Another report's start
# (a BUG, an Oops, a KASAN or KFENCE banner, another "cut here") ends the
# one before, so that nothing printed inside an allowed report is lost
# with it.  The number of reports left out is appended to countf.
BEGIN {
	while ((getline l < allowf) > 0) {
		sub(/^# log-allow: /, "", l)
		if (l != "" && l !~ /^#/)
			allow[++na] = l
	}
}
function allowed(  i, j) {
	for (i = 1; i <= nl; i++)
		for (j = 1; j <= na; j++)
			if (ep[i] ~ allow[j])
				return 1
	return 0
}
function flush(  i) {
	if (nl && allowed())
		dropped++
	else
		for (i = 1; i <= nl; i++)
			print ep[i]
	nl = 0
	inep = 0
}
/cut here \]|: nobody cared|BUG: workqueue leaked/ {
	flush()
	inep = 1
	ep[++nl] = $0
	next
}
inep && /BUG:|Oops|general protection|==========/ { flush() }
inep {
	ep[++nl] = $0
	if ($0 ~ /---\[ end trace|Disabling IRQ #|<\/TASK>/)
		flush()
	next
}
{ print }
END {
	flush()
	if (dropped && countf != "")
		print dropped >> countf
}
