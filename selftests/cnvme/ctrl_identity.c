// SPDX-License-Identifier: GPL-2.0
/*
 * The controllers the driver presents match the emulated hardware:
 * one per NVMe PCI function, serials and model as QEMU was told, and the
 * sysfs formats libnvme parses (padded Identify strings, transport,
 * address, state).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"

#define MAX_CTRLS 16

struct ctrl {
	char name[32];
	char path[PATH_MAX];
};

static int read_attr(const char *dir, const char *attr, char *buf, size_t len)
{
	char path[PATH_MAX];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, attr);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	return (int)n;
}

/* As libnvme reads attributes: one newline, then trailing spaces, go. */
static char *trim(char *s)
{
	size_t n = strlen(s);

	if (n && s[n - 1] == '\n')
		s[--n] = '\0';
	while (n && s[n - 1] == ' ')
		s[--n] = '\0';
	return s;
}

static int list_ctrls(struct ctrl *c)
{
	DIR *d = opendir("/sys/class/nvme");
	struct dirent *e;
	int n = 0, a, b;

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < MAX_CTRLS) {
		if (sscanf(e->d_name, "nvme%dn%d", &a, &b) == 2 ||
		    sscanf(e->d_name, "nvme%d", &a) != 1)
			continue;
		snprintf(c[n].name, sizeof(c[n].name), "%s", e->d_name);
		snprintf(c[n].path, sizeof(c[n].path), "/sys/class/nvme/%s",
			 e->d_name);
		n++;
	}
	closedir(d);
	return n;
}

static int count_nvme_pci(void)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *e;
	char dir[PATH_MAX], cls[32];
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(dir, sizeof(dir), "/sys/bus/pci/devices/%s", e->d_name);
		if (read_attr(dir, "class", cls, sizeof(cls)) > 0 &&
		    !strcmp(trim(cls), "0x010802"))
			n++;
	}
	closedir(d);
	return n;
}

static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

static int word_in(const char *word, const char *list)
{
	size_t n = strlen(word);
	const char *p = list;

	while ((p = strstr(p, word))) {
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return 1;
		p += n;
	}
	return 0;
}

TEST(one_controller_per_nvme_function)
{
	struct ctrl c[MAX_CTRLS];

	ASSERT_LT(0, count_nvme_pci());
	EXPECT_EQ(count_nvme_pci(), list_ctrls(c));
}

TEST(serials_match_qemu)
{
	const char *want = env_or("EXPECT_SERIALS", "");
	struct ctrl c[MAX_CTRLS];
	int n = list_ctrls(c), i;
	char buf[128];

	if (!want[0])
		SKIP(return, "EXPECT_SERIALS not given by the runner");
	ASSERT_LT(0, n);
	for (i = 0; i < n; i++) {
		ASSERT_LT(0, read_attr(c[i].path, "serial", buf, sizeof(buf)));
		trim(buf);
		EXPECT_TRUE(word_in(buf, want))
			TH_LOG("%s: serial '%s' not in '%s'", c[i].name, buf,
			       want);
	}
}

TEST(model_matches_qemu)
{
	const char *want = env_or("EXPECT_MODEL", "QEMU NVMe Ctrl");
	struct ctrl c[MAX_CTRLS];
	int n = list_ctrls(c), i;
	char buf[128];

	ASSERT_LT(0, n);
	for (i = 0; i < n; i++) {
		ASSERT_LT(0, read_attr(c[i].path, "model", buf, sizeof(buf)));
		EXPECT_STREQ(want, trim(buf));
	}
}

/* nvme_core prints the whole Identify field, padding included. */
TEST(identify_strings_keep_their_padding)
{
	struct ctrl c[MAX_CTRLS];
	int n = list_ctrls(c), i;
	char buf[128];

	ASSERT_LT(0, n);
	for (i = 0; i < n; i++) {
		EXPECT_EQ(21, read_attr(c[i].path, "serial", buf, sizeof(buf)));
		EXPECT_EQ(41, read_attr(c[i].path, "model", buf, sizeof(buf)));
		EXPECT_EQ(9, read_attr(c[i].path, "firmware_rev", buf,
				       sizeof(buf)));
	}
}

TEST(transport_address_state)
{
	struct ctrl c[MAX_CTRLS];
	char buf[128], link[PATH_MAX], real[PATH_MAX];
	int n = list_ctrls(c), i;

	ASSERT_LT(0, n);
	for (i = 0; i < n; i++) {
		ASSERT_LT(0, read_attr(c[i].path, "transport", buf,
				       sizeof(buf)));
		EXPECT_STREQ("pcie", trim(buf));
		ASSERT_LT(0, read_attr(c[i].path, "state", buf, sizeof(buf)));
		EXPECT_STREQ("live", trim(buf));
		snprintf(link, sizeof(link), "%s/device", c[i].path);
		ASSERT_NE(NULL, realpath(link, real));
		ASSERT_LT(0, read_attr(c[i].path, "address", buf,
				       sizeof(buf)));
		EXPECT_STREQ(basename(real), trim(buf));
	}
}

TEST_HARNESS_MAIN
