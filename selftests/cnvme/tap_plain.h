/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Plain TAP for the small C tests that need no fixture: tap() prints one
 * result, numbered; tap_failed counts the failures for the exit status.
 */
#ifndef TAP_PLAIN_H
#define TAP_PLAIN_H

#include <stdio.h>

static int tap_n, tap_failed;

static void tap(int ok, const char *name, const char *why)
{
	tap_n++;
	if (ok) {
		printf("ok %d %s\n", tap_n, name);
		return;
	}
	tap_failed++;
	printf("not ok %d %s\n# %s\n", tap_n, name, why);
}

#endif /* TAP_PLAIN_H */
