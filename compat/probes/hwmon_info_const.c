// SPDX-License-Identifier: GPL-2.0
/* hwmon_chip_info.info: an array of const pointers (6.5) */
#include <linux/hwmon.h>

static const struct hwmon_channel_info *const probe_info[] = { NULL };
const struct hwmon_chip_info probe_chip = { .info = probe_info };
